package main

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	startTimeout = 20 * time.Second
	stopTimeout  = 10 * time.Second
)

// proc is one server process started by the bench.
type proc struct {
	name string
	addr string // client host:port
	log  string
	cmd  *exec.Cmd
	done chan struct{}
}

// system is one column of the report: a redis-server or a quoris cluster.
type system struct {
	Label string // short column label, e.g. "q3"
	Desc  string // what the label stands for
	procs []*proc
	pprof []string // nodes' net/http/pprof addresses (quoris with -profile)
}

// target is the address to benchmark: the only node, or the current Raft
// leader of a cluster (asked again before every run, since leadership can
// move under load).
func (s *system) target() (string, error) {
	if len(s.procs) == 1 {
		return s.procs[0].addr, nil
	}
	return findLeader(s.procs, 10*time.Second)
}

// pids are the processes whose CPU time is charged to the system.
func (s *system) pids() []int {
	var ps []int
	for _, p := range s.procs {
		ps = append(ps, p.cmd.Process.Pid)
	}
	return ps
}

// alive reports an error if any of the system's processes has exited.
func (s *system) alive() error {
	for _, p := range s.procs {
		select {
		case <-p.done:
			return fmt.Errorf("%s exited; log: %s", p.name, tail(p.log))
		default:
		}
	}
	return nil
}

// stop terminates every process: SIGTERM, then SIGKILL after stopTimeout.
func (s *system) stop() {
	for _, p := range s.procs {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range s.procs {
		select {
		case <-p.done:
		case <-time.After(stopTimeout):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
}

// startRedis starts redis-server with AOF on and RDB snapshots off, fsyncing
// per appendfsync ("always" or "everysec").
func startRedis(base, fsync string) (*system, error) {
	dir := filepath.Join(base, "redis-"+fsync)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return startPinged("redis-"+fsync, filepath.Join(dir, "redis.log"), func(port int) []string {
		return []string{"redis-server",
			"--bind", "127.0.0.1", "--port", strconv.Itoa(port),
			"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"), "--daemonize", "no",
			"--save", "", "--appendonly", "yes", "--appendfsync", fsync}
	})
}

// startPinged is a one-process system, ready once it answers PING.
func startPinged(name, logPath string, argv func(port int) []string) (*system, error) {
	p, err := startWithRetry(name, logPath, argv, func(addr string) bool {
		s, err := do(addr, time.Second, "PING")
		return err == nil && s == "PONG"
	})
	if err != nil {
		return nil, err
	}
	return &system{procs: []*proc{p}}, nil
}

// startQuoris starts an n-node quoris cluster with default (durable)
// settings: node1 bootstraps, the others join it. It returns once every
// node sees n-1 peers and a leader.
func startQuoris(bin, base string, n int) (*system, error) {
	return startQuorisOpts(bin, base, n, false)
}

// startQuorisOpts is startQuoris, with net/http/pprof on every node when
// pprof is set.
func startQuorisOpts(bin, base string, n int, pprof bool) (*system, error) {
	s := &system{}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("node%d", i)
		dir := filepath.Join(base, fmt.Sprintf("quoris%d-%s", n, id))
		var join []string
		if i > 1 {
			join = []string{"--join", s.procs[0].addr}
		}
		if pprof {
			addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort()))
			join = append(join, "--pprof-addr", addr)
			s.pprof = append(s.pprof, addr)
		}
		p, err := startWithRetry(fmt.Sprintf("quoris-%dnode/%s", n, id), dir+".log", func(port int) []string {
			// A failed attempt may have left raft state behind; start clean.
			_ = os.RemoveAll(dir)
			return append([]string{bin, "--node-id", id, "--bind", "127.0.0.1",
				"--port", strconv.Itoa(port), "--raft-addr", net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort())),
				"--dir", dir}, join...)
		}, func(addr string) bool {
			// Ready when the port answers as this node, not whoever else
			// might hold it.
			info, err := raftInfo(addr)
			return err == nil && info["node_id"] == id
		})
		if err != nil {
			s.stop()
			return nil, err
		}
		s.procs = append(s.procs, p)
	}
	if err := waitCluster(s.procs, startTimeout); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// waitCluster waits until every node reports n-1 peers and a leader.
func waitCluster(ps []*proc, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	want := strconv.Itoa(len(ps) - 1)
	for {
		problem := ""
		for _, p := range ps {
			info, err := raftInfo(p.addr)
			if err != nil {
				problem = fmt.Sprintf("%s: %v", p.name, err)
			} else if info["num_peers"] != want || info["leader_addr"] == "" {
				problem = fmt.Sprintf("%s: num_peers=%s leader=%q", p.name, info["num_peers"], info["leader_addr"])
			}
			if problem != "" {
				break
			}
		}
		if problem == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cluster did not form within %v: %s", timeout, problem)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// findLeader returns the client address of the node whose RAFT INFO says
// state:leader.
func findLeader(ps []*proc, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		for _, p := range ps {
			if info, err := raftInfo(p.addr); err == nil && info["state"] == "leader" {
				return p.addr, nil
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no node reported state:leader within %v", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startWithRetry starts the command argv(port) on a free port and waits
// until ready(addr). If the process dies during start (typically because
// someone took the port between our probe and its bind) it tries again
// with other ports.
func startWithRetry(name, logPath string, argv func(port int) []string, ready func(addr string) bool) (*proc, error) {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		port := freePort()
		var p *proc
		p, err = start(name, logPath, net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), argv(port))
		if err != nil {
			return nil, err
		}
		if err = waitReady(p, ready); err == nil {
			return p, nil
		}
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	return nil, err
}

func start(name, logPath, addr string, argv []string) (*proc, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, addr: addr, log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	return p, nil
}

func waitReady(p *proc, ready func(addr string) bool) error {
	deadline := time.Now().Add(startTimeout)
	for !ready(p.addr) {
		select {
		case <-p.done:
			return fmt.Errorf("%s exited during start; log: %s", p.name, tail(p.log))
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready on %s within %v; log: %s", p.name, p.addr, startTimeout, tail(p.log))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// freePort returns a port that is free right now, chosen below the
// ephemeral range: redis-benchmark opens many outgoing connections, and a
// server port inside that range could collide with one of them.
func freePort() int {
	lo := ephemeralLow()
	for tries := 0; ; tries++ {
		addr := "127.0.0.1:0"
		if lo > 12000 && tries < 1000 {
			addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(10000+rand.IntN(lo-10000)))
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		return port
	}
}

func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	lo, _ := strconv.Atoi(f[0])
	return lo
}

// tail returns the last lines of a log file, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 10 {
		lines = lines[len(lines)-10:]
	}
	return "\n\t" + strings.Join(lines, "\n\t")
}
