// Package integration starts real quoris-server processes on 127.0.0.1 and
// checks the guarantees the foundation promises: replication, failover
// without losing acknowledged writes, restarts from the data directory
// alone, deterministic expiry, snapshot catch-up, proxy ordering, MOVED
// redirects and graceful leadership hand-over. differential_test.go
// compares replies byte for byte with a real redis-server.
package integration

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// serverBin is the quoris-server binary under test: $QUORIS_BIN, or one
// built once by TestMain.
var serverBin string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	// go-redis logs every failed dial; the tests expect refused connections
	// to killed nodes and record the errors they care about themselves.
	redis.SetLogger(quietLogger{})
	if b := os.Getenv("QUORIS_BIN"); b != "" {
		abs, err := filepath.Abs(b)
		if err != nil {
			fmt.Fprintln(os.Stderr, "integration: QUORIS_BIN:", err)
			return 2
		}
		serverBin = abs
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "quoris-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	root, err := filepath.Abs("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 2
	}
	serverBin = filepath.Join(dir, "quoris-server")
	build := exec.Command("go", "build", "-o", serverBin, "./cmd/quoris-server")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "integration: building quoris-server:", err)
		return 2
	}
	return m.Run()
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...interface{}) {}

// Timing knobs shared by the tests. Short raft timeouts keep failover fast;
// they are still several times the heartbeat interval so a loaded 2-core
// machine does not start spurious elections.
const (
	raftTimeout  = "400ms"
	startTimeout = 15 * time.Second
	stopTimeout  = 15 * time.Second
)

// Cluster is a set of quoris-server processes started by one test. Every
// process is killed when the test ends; if it failed, every node's log is
// printed.
type Cluster struct {
	t     *testing.T
	base  string
	Nodes []*Node

	// Flags are added to every node's first start (Restart uses --dir only).
	Flags []string
	// NodeFlags are added to node i's (1-based) first start.
	NodeFlags map[int][]string
	// NodeCommand goes before the flags of node i's first start: a
	// subcommand such as {"restore", FILE}.
	NodeCommand map[int][]string
	// IPPrefix, when set (e.g. "127.77.3."), gives node i the address
	// IPPrefix+i for both client and raft traffic, so a firewall rule can
	// cut the link between two nodes (see faults_test.go). Default 127.0.0.1.
	IPPrefix string
	// Password, when set, authenticates the harness's own readiness check
	// of a starting node (a joined node soon requires it).
	Password string

	mu      sync.Mutex
	clients []*redis.Client
}

// Node is one quoris-server: its identity, ports and current process.
type Node struct {
	Index    int // 1-based
	ID       string
	Port     int
	RaftPort int
	Host     string // IP the node binds and dials from
	Addr     string // RESP host:port
	Dir      string
	LogPath  string

	mu     sync.Mutex
	proc   *process
	paused bool
}

type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // Wait's result, valid once done is closed
}

// NewCluster returns an empty cluster bound to t; add flags, then Start.
func NewCluster(t *testing.T) *Cluster {
	t.Helper()
	c := &Cluster{t: t, base: t.TempDir(), NodeFlags: map[int][]string{}, NodeCommand: map[int][]string{}}
	// Registered after TempDir, so it runs before the directory is removed.
	t.Cleanup(c.cleanup)
	return c
}

// Start launches node1 (which bootstraps a one-node cluster), waits for it
// to lead, then launches node2..nodeN joining node1, and waits until all n
// are members with a known leader.
func (c *Cluster) Start(n int) {
	c.t.Helper()
	first := len(c.Nodes)
	for i := 0; i < n; i++ {
		c.newNode()
	}
	if first == 0 {
		c.startFresh(c.Nodes[0], nil)
		c.waitLeaderIs(c.Nodes[0], startTimeout)
		first = 1
	}
	join := c.Nodes[0].Addr
	for _, nd := range c.Nodes[first:] {
		c.startFresh(nd, []string{"--join", join})
	}
	c.WaitMembers(len(c.Nodes))
}

func (c *Cluster) newNode() *Node {
	i := len(c.Nodes) + 1
	ports := freePorts(c.t, 2)
	host := "127.0.0.1"
	if c.IPPrefix != "" {
		host = c.IPPrefix + strconv.Itoa(i)
	}
	nd := &Node{
		Index:    i,
		ID:       fmt.Sprintf("node%d", i),
		Port:     ports[0],
		RaftPort: ports[1],
		Host:     host,
		Addr:     net.JoinHostPort(host, strconv.Itoa(ports[0])),
		Dir:      filepath.Join(c.base, fmt.Sprintf("node%d", i)),
		LogPath:  filepath.Join(c.base, fmt.Sprintf("node%d.log", i)),
	}
	c.Nodes = append(c.Nodes, nd)
	return nd
}

// Node returns node i (1-based).
func (c *Cluster) Node(i int) *Node {
	c.t.Helper()
	if i < 1 || i > len(c.Nodes) {
		c.t.Fatalf("no node %d (cluster has %d)", i, len(c.Nodes))
	}
	return c.Nodes[i-1]
}

func (c *Cluster) startFresh(nd *Node, extra []string) {
	c.t.Helper()
	for attempt := 1; ; attempt++ {
		args := append(append([]string(nil), c.NodeCommand[nd.Index]...),
			"--node-id", nd.ID,
			"--bind", nd.Host,
			"--port", strconv.Itoa(nd.Port),
			"--raft-addr", net.JoinHostPort(nd.Host, strconv.Itoa(nd.RaftPort)),
			"--dir", nd.Dir,
			"--raft-heartbeat-timeout", raftTimeout,
			"--raft-election-timeout", raftTimeout,
		)
		args = append(args, c.Flags...)
		args = append(args, c.NodeFlags[nd.Index]...)
		args = append(args, extra...)
		err := c.launch(nd, args)
		if err == nil {
			return
		}
		if !errors.Is(err, errPortTaken) || attempt == 3 {
			c.t.Fatal(err)
		}
		// Someone took a port between our probe and the server's bind:
		// start over with new ports and an empty directory.
		c.t.Logf("%v; retrying with other ports", err)
		ports := freePorts(c.t, 2)
		nd.Port, nd.RaftPort = ports[0], ports[1]
		nd.Addr = net.JoinHostPort(nd.Host, strconv.Itoa(nd.Port))
		if err := os.RemoveAll(nd.Dir); err != nil {
			c.t.Fatal(err)
		}
	}
}

// Restart starts node i again with nothing but --dir: identity, ports and
// membership must all come from the data directory.
func (c *Cluster) Restart(i int) {
	c.t.Helper()
	nd := c.Node(i)
	if err := c.launch(nd, []string{"--dir", nd.Dir}); err != nil {
		c.t.Fatal(err)
	}
}

// RestartWith is Restart with extra flags (e.g. a skewed clock).
func (c *Cluster) RestartWith(i int, extra ...string) {
	c.t.Helper()
	nd := c.Node(i)
	if err := c.launch(nd, append([]string{"--dir", nd.Dir}, extra...)); err != nil {
		c.t.Fatal(err)
	}
}

// Replace starts node i afresh on a wiped data directory, joining through
// via: the same id and addresses, none of the state. The node must be
// stopped and removed from the cluster first.
func (c *Cluster) Replace(i int, via string) {
	c.t.Helper()
	nd := c.Node(i)
	if err := os.RemoveAll(nd.Dir); err != nil {
		c.t.Fatal(err)
	}
	c.startFresh(nd, []string{"--join", via})
}

var errPortTaken = errors.New("port already in use")

// launch starts nd's process with args and waits until it answers on its
// client port as itself.
func (c *Cluster) launch(nd *Node, args []string) error {
	nd.mu.Lock()
	if nd.proc != nil {
		nd.mu.Unlock()
		return fmt.Errorf("%s is already running", nd.ID)
	}
	nd.mu.Unlock()
	logf, err := os.OpenFile(nd.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	logStart, _ := logf.Seek(0, io.SeekEnd)
	fmt.Fprintf(logf, "=== %s start: %s %s\n", time.Now().Format("15:04:05.000"), filepath.Base(serverBin), strings.Join(args, " "))
	cmd := exec.Command(serverBin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", nd.ID, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		fmt.Fprintf(logf, "=== %s exit: %v\n", time.Now().Format("15:04:05.000"), p.err)
		logf.Close()
		close(p.done)
	}()
	nd.mu.Lock()
	nd.proc, nd.paused = p, false
	nd.mu.Unlock()
	// Ready when the client port answers RAFT INFO with this node's id (a
	// PING could be answered by whoever else holds the port).
	deadline := time.Now().Add(startTimeout)
	for {
		info, err := raftInfoAuth(nd.Addr, c.Password)
		if err == nil && info["node_id"] == nd.ID {
			select {
			case <-p.done:
			default:
				return nil
			}
		}
		select {
		case <-p.done:
			nd.clear(p)
			b, _ := os.ReadFile(nd.LogPath)
			if int64(len(b)) >= logStart && bytes.Contains(b[logStart:], []byte("address already in use")) {
				return fmt.Errorf("%s exited during start: %v: %w", nd.ID, p.err, errPortTaken)
			}
			return fmt.Errorf("%s exited during start: %v", nd.ID, p.err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer RAFT INFO as itself within %v (last: %v, %v)", nd.ID, startTimeout, info, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill sends SIGKILL to node i and waits for the process to be gone.
func (c *Cluster) Kill(i int) {
	c.t.Helper()
	nd := c.Node(i)
	p := nd.running()
	if p == nil {
		c.t.Fatalf("kill %s: not running", nd.ID)
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		c.t.Fatalf("%s did not die after SIGKILL", nd.ID)
	}
	nd.clear(p)
}

// Stop sends SIGTERM to node i, waits for it to exit and returns its exit
// code. A node that does not exit within stopTimeout fails the test.
func (c *Cluster) Stop(i int) int {
	c.t.Helper()
	nd := c.Node(i)
	p := nd.running()
	if p == nil {
		c.t.Fatalf("stop %s: not running", nd.ID)
	}
	_ = p.cmd.Process.Signal(syscall.SIGCONT)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		nd.clear(p)
		c.t.Fatalf("%s did not exit within %v of SIGTERM", nd.ID, stopTimeout)
	}
	nd.clear(p)
	return p.cmd.ProcessState.ExitCode()
}

// Pause stops node i with SIGSTOP; Resume continues it.
func (c *Cluster) Pause(i int) { c.signalPause(i, syscall.SIGSTOP, true) }

// Resume continues a paused node with SIGCONT.
func (c *Cluster) Resume(i int) { c.signalPause(i, syscall.SIGCONT, false) }

func (c *Cluster) signalPause(i int, sig syscall.Signal, paused bool) {
	c.t.Helper()
	nd := c.Node(i)
	p := nd.running()
	if p == nil {
		c.t.Fatalf("signal %s: not running", nd.ID)
	}
	if err := p.cmd.Process.Signal(sig); err != nil {
		c.t.Fatalf("signal %s: %v", nd.ID, err)
	}
	if sig == syscall.SIGSTOP {
		waitStopped(p.cmd.Process.Pid, time.Second)
	}
	nd.mu.Lock()
	nd.paused = paused
	nd.mu.Unlock()
}

func (nd *Node) running() *process {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	return nd.proc
}

func (nd *Node) clear(p *process) {
	nd.mu.Lock()
	if nd.proc == p {
		nd.proc, nd.paused = nil, false
	}
	nd.mu.Unlock()
}

// Live reports whether node i runs and is not paused.
func (c *Cluster) Live(i int) bool {
	nd := c.Node(i)
	nd.mu.Lock()
	defer nd.mu.Unlock()
	return nd.proc != nil && !nd.paused
}

func (c *Cluster) liveNodes() []*Node {
	var out []*Node
	for _, nd := range c.Nodes {
		if c.Live(nd.Index) {
			out = append(out, nd)
		}
	}
	return out
}

// RaftInfo returns node i's RAFT INFO fields.
func (c *Cluster) RaftInfo(i int) (map[string]string, error) {
	return raftInfo(c.Node(i).Addr)
}

func raftInfo(addr string) (map[string]string, error) { return raftInfoAuth(addr, "") }

// raftInfoAuth is raftInfo on a connection that first authenticates with
// password, when one is given.
func raftInfoAuth(addr, password string) (map[string]string, error) {
	rc, err := dialRESP(addr, 2*time.Second)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	rc.SetDeadline(time.Now().Add(2 * time.Second))
	if password != "" {
		if _, err := rc.Do("AUTH", password); err != nil {
			return nil, err
		}
	}
	reply, err := rc.Do("RAFT", "INFO")
	if err != nil {
		return nil, err
	}
	v, err := parseReply(reply)
	if err != nil {
		return nil, err
	}
	if v.Kind != '$' || v.Null {
		return nil, fmt.Errorf("RAFT INFO: unexpected reply %q", reply)
	}
	m := map[string]string{}
	for _, line := range strings.Split(v.Str, "\n") {
		line = strings.TrimRight(line, "\r")
		if k, val, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			m[k] = val
		}
	}
	return m, nil
}

// Leader polls RAFT INFO on every live node until exactly one says
// state:leader and returns its index. It fails the test after timeout.
func (c *Cluster) Leader() int {
	c.t.Helper()
	return c.LeaderWithin(10 * time.Second)
}

// LeaderWithin is Leader with an explicit timeout.
func (c *Cluster) LeaderWithin(timeout time.Duration) int {
	c.t.Helper()
	i, err := c.findLeader(timeout, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return i
}

// findLeader polls until exactly one live node (optionally among only) is
// leader and every other polled node names it as leader.
func (c *Cluster) findLeader(timeout time.Duration, only []int) (int, error) {
	deadline := time.Now().Add(timeout)
	var last string
	for {
		nodes := c.liveNodes()
		if only != nil {
			var sel []*Node
			for _, nd := range nodes {
				for _, i := range only {
					if nd.Index == i {
						sel = append(sel, nd)
					}
				}
			}
			nodes = sel
		}
		infos := make([]map[string]string, len(nodes))
		var wg sync.WaitGroup
		for k, nd := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				infos[k], _ = raftInfo(nd.Addr)
			}()
		}
		wg.Wait()
		leaders := []int{}
		var states []string
		for k, nd := range nodes {
			if infos[k] == nil {
				states = append(states, nd.ID+"=?")
				continue
			}
			states = append(states, nd.ID+"="+infos[k]["state"]+"("+infos[k]["leader_id"]+")")
			if infos[k]["state"] == "leader" {
				leaders = append(leaders, nd.Index)
			}
		}
		last = strings.Join(states, " ")
		if len(leaders) == 1 {
			lid := c.Node(leaders[0]).ID
			agree := true
			for k := range nodes {
				if infos[k] == nil || infos[k]["leader_id"] != lid {
					agree = false
				}
			}
			if agree {
				return leaders[0], nil
			}
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("no single agreed leader within %v: %s", timeout, last)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// waitLeaderIs waits until nd reports itself leader.
func (c *Cluster) waitLeaderIs(nd *Node, timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		info, err := raftInfo(nd.Addr)
		if err == nil && info["state"] == "leader" {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s did not become leader within %v: %v %v", nd.ID, timeout, info, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Member is one row of RAFT NODES.
type Member struct {
	ID, RaftAddr, RespAddr, Suffrage, Role string
}

// Members returns node i's RAFT NODES.
func (c *Cluster) Members(i int) ([]Member, error) {
	reply, err := rawDo(c.Node(i).Addr, 2*time.Second, "RAFT", "NODES")
	if err != nil {
		return nil, err
	}
	v, err := parseReply(reply)
	if err != nil {
		return nil, err
	}
	if v.Kind != '*' {
		return nil, fmt.Errorf("RAFT NODES: unexpected reply %q", reply)
	}
	var out []Member
	for _, row := range v.Arr {
		if len(row.Arr) != 5 {
			return nil, fmt.Errorf("RAFT NODES: bad row in %q", reply)
		}
		out = append(out, Member{row.Arr[0].Str, row.Arr[1].Str, row.Arr[2].Str, row.Arr[3].Str, row.Arr[4].Str})
	}
	return out, nil
}

// WaitMembers waits until every live node lists n voters, each with its
// client address, and all agree on one leader whose address they know.
func (c *Cluster) WaitMembers(n int) {
	c.t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		problem := ""
		for _, nd := range c.liveNodes() {
			ms, err := c.Members(nd.Index)
			if err != nil {
				problem = fmt.Sprintf("%s: %v", nd.ID, err)
				break
			}
			voters := 0
			for _, m := range ms {
				if m.Suffrage == "voter" && m.RespAddr != "" {
					voters++
				}
			}
			if voters != n {
				problem = fmt.Sprintf("%s lists %d voters with addresses, want %d: %+v", nd.ID, voters, n, ms)
				break
			}
			info, err := raftInfo(nd.Addr)
			if err != nil || info["leader_addr"] == "" {
				problem = fmt.Sprintf("%s knows no leader address: %v %v", nd.ID, info, err)
				break
			}
		}
		if problem == "" {
			if _, err := c.findLeader(time.Until(deadline), nil); err == nil {
				return
			} else {
				problem = err.Error()
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("cluster did not reach %d members within %v: %s", n, startTimeout, problem)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Client returns a go-redis client for node i. MaxRetries is -1 so a write
// is never silently re-sent: every reply the test sees is for one attempt.
func (c *Cluster) Client(i int) *redis.Client {
	c.t.Helper()
	return c.clientFor(c.Node(i).Addr)
}

// ReadOnlyClient is Client with READONLY sent on every new connection: it
// reads the node's local, possibly stale, state.
func (c *Cluster) ReadOnlyClient(i int) *redis.Client {
	c.t.Helper()
	cl := newClient(c.Node(i).Addr, func(ctx context.Context, cn *redis.Conn) error {
		return cn.ReadOnly(ctx).Err()
	})
	c.track(cl)
	return cl
}

func (c *Cluster) clientFor(addr string) *redis.Client {
	cl := newClient(addr, nil)
	c.track(cl)
	return cl
}

func (c *Cluster) track(cl *redis.Client) {
	c.mu.Lock()
	c.clients = append(c.clients, cl)
	c.mu.Unlock()
}

func newClient(addr string, onConnect func(context.Context, *redis.Conn) error) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:            addr,
		Protocol:        2,
		DisableIdentity: true,
		MaxRetries:      -1,
		// A context deadline bounds a command: a frozen node must not hold
		// a test's client for the whole ReadTimeout.
		ContextTimeoutEnabled: true,
		DialTimeout:           2 * time.Second,
		DialerRetries:         1,
		ReadTimeout:           10 * time.Second,
		WriteTimeout:          5 * time.Second,
		PoolSize:              64,
		OnConnect:             onConnect,
		MaintNotificationsConfig: &maintnotifications.Config{
			Mode: maintnotifications.ModeDisabled,
		},
	})
}

func (c *Cluster) cleanup() {
	c.mu.Lock()
	for _, cl := range c.clients {
		cl.Close()
	}
	c.mu.Unlock()
	for _, nd := range c.Nodes {
		if p := nd.running(); p != nil {
			_ = p.cmd.Process.Signal(syscall.SIGCONT)
			_ = p.cmd.Process.Signal(syscall.SIGKILL)
			select {
			case <-p.done:
			case <-time.After(stopTimeout):
			}
			nd.clear(p)
		}
	}
	if c.t.Failed() || os.Getenv("QUORIS_IT_LOGS") != "" {
		for _, nd := range c.Nodes {
			b, err := os.ReadFile(nd.LogPath)
			if err != nil {
				c.t.Logf("----- %s log: %v", nd.ID, err)
				continue
			}
			const max = 256 << 10
			if len(b) > max {
				b = append([]byte("...[truncated]...\n"), b[len(b)-max:]...)
			}
			c.t.Logf("----- %s log (%s) -----\n%s", nd.ID, nd.LogPath, b)
		}
	}
}

// freePorts returns n distinct free TCP ports on 127.0.0.1. They are
// picked below the kernel's ephemeral range when possible, so the many
// short client connections of parallel tests cannot take them between this
// probe and the server's bind; each is bound here (and all held open until
// every one is chosen) to prove it free.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	lo := ephemeralLow()
	var ports []int
	for tries := 0; len(ports) < n; tries++ {
		addr := "127.0.0.1:0"
		if lo > 12000 && tries < 1000 {
			addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(10000+mrand.IntN(lo-10000)))
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			if tries >= 1000 {
				t.Fatal(err)
			}
			continue
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// ephemeralLow is the first port of the kernel's ephemeral range (Linux),
// or 0 when unknown.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0
	}
	lo, _ := strconv.Atoi(f[0])
	return lo
}

// deadlineCtx bounds a test: the returned context ends after d, and the
// test is failed if it still runs then. If it runs a further minute the
// whole binary panics (children die with it: see procAttr).
func deadlineCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	done := make(chan struct{})
	name := t.Name()
	go func() {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		t.Errorf("test exceeded its time bound of %v", d)
		select {
		case <-done:
		case <-time.After(time.Minute):
			panic(name + " is stuck a minute past its time bound")
		}
	}()
	t.Cleanup(func() {
		close(done)
		cancel()
	})
	return ctx
}

// eventually polls f every 20ms until it returns nil or timeout passes, in
// which case it fails the test with f's last error.
func eventually(t *testing.T, timeout time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true within %v: %v", what, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ---------------------------------------------------------------------------
// A tiny RESP2 client, used where the tests need raw bytes (the proxy
// ordering test, the differential test) or a fresh connection per call.

// respConn is one RESP connection with explicit pipelining.
type respConn struct {
	c  net.Conn
	rd *bufio.Reader
	wr []byte
}

func dialRESP(addr string, timeout time.Duration) (*respConn, error) {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	return &respConn{c: c, rd: bufio.NewReaderSize(c, 64<<10)}, nil
}

// Queue appends a command to the write buffer.
func (r *respConn) Queue(args ...string) {
	r.wr = appendCommand(r.wr, args)
}

// Flush writes the queued commands.
func (r *respConn) Flush() error {
	_, err := r.c.Write(r.wr)
	r.wr = r.wr[:0]
	return err
}

// Read reads one complete reply and returns its raw bytes.
func (r *respConn) Read() ([]byte, error) {
	return readReply(nil, r.rd, 0)
}

// Do sends one command and returns its raw reply.
func (r *respConn) Do(args ...string) ([]byte, error) {
	r.Queue(args...)
	if err := r.Flush(); err != nil {
		return nil, err
	}
	return r.Read()
}

// SetDeadline bounds the next reads and writes.
func (r *respConn) SetDeadline(t time.Time) { _ = r.c.SetDeadline(t) }

func (r *respConn) Close() error { return r.c.Close() }

// rawDo sends one command on a fresh connection.
func rawDo(addr string, timeout time.Duration, args ...string) ([]byte, error) {
	rc, err := dialRESP(addr, timeout)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	rc.SetDeadline(time.Now().Add(timeout))
	return rc.Do(args...)
}

func appendCommand(dst []byte, args []string) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}

var errMalformed = errors.New("malformed RESP reply")

// readReply appends one raw RESP2 or RESP3 reply from rd to dst.
func readReply(dst []byte, rd *bufio.Reader, depth int) ([]byte, error) {
	if depth > 32 {
		return dst, errMalformed
	}
	line, err := rd.ReadSlice('\n')
	if err != nil {
		return dst, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return dst, fmt.Errorf("%w: %q", errMalformed, line)
	}
	dst = append(dst, line...)
	switch line[0] {
	case '+', '-', ':', '_', ',', '#', '(':
		return dst, nil
	case '$', '=', '!':
		n, err := strconv.Atoi(string(line[1 : len(line)-2]))
		if err != nil {
			return dst, fmt.Errorf("%w: %q", errMalformed, line)
		}
		if n < 0 {
			return dst, nil
		}
		start := len(dst)
		dst = append(dst, make([]byte, n+2)...)
		if _, err := ioReadFull(rd, dst[start:]); err != nil {
			return dst, err
		}
		if !bytes.HasSuffix(dst, []byte("\r\n")) {
			return dst, fmt.Errorf("%w: bulk not terminated", errMalformed)
		}
		return dst, nil
	case '*', '~', '%', '>':
		n, err := strconv.Atoi(string(line[1 : len(line)-2]))
		if err != nil {
			return dst, fmt.Errorf("%w: %q", errMalformed, line)
		}
		if line[0] == '%' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			if dst, err = readReply(dst, rd, depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	return dst, fmt.Errorf("%w: type byte %q", errMalformed, line[0])
}

func ioReadFull(rd *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := rd.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Value is a parsed RESP2 reply.
type Value struct {
	Kind byte // '+', '-', ':', '$', '*'
	Str  string
	Int  int64
	Null bool
	Arr  []Value
}

func (v Value) String() string {
	switch {
	case v.Null:
		return "(nil)"
	case v.Kind == ':':
		return strconv.FormatInt(v.Int, 10)
	case v.Kind == '-':
		return "(error) " + v.Str
	case v.Kind == '*':
		parts := make([]string, len(v.Arr))
		for i, e := range v.Arr {
			parts[i] = e.String()
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return strconv.Quote(v.Str)
}

// parseReply parses one complete raw reply.
func parseReply(raw []byte) (Value, error) {
	v, rest, err := parseValue(raw)
	if err == nil && len(rest) != 0 {
		err = fmt.Errorf("%w: %d trailing bytes", errMalformed, len(rest))
	}
	return v, err
}

func parseValue(b []byte) (Value, []byte, error) {
	i := bytes.Index(b, []byte("\r\n"))
	if i < 1 {
		return Value{}, nil, errMalformed
	}
	kind, body, rest := b[0], string(b[1:i]), b[i+2:]
	switch kind {
	case '+', '-':
		return Value{Kind: kind, Str: body}, rest, nil
	case ':':
		n, err := strconv.ParseInt(body, 10, 64)
		return Value{Kind: kind, Int: n}, rest, err
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return Value{}, nil, err
		}
		if n < 0 {
			return Value{Kind: kind, Null: true}, rest, nil
		}
		if len(rest) < n+2 {
			return Value{}, nil, errMalformed
		}
		return Value{Kind: kind, Str: string(rest[:n])}, rest[n+2:], nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return Value{}, nil, err
		}
		if n < 0 {
			return Value{Kind: kind, Null: true}, rest, nil
		}
		v := Value{Kind: kind, Arr: make([]Value, 0, n)}
		for j := 0; j < n; j++ {
			var e Value
			if e, rest, err = parseValue(rest); err != nil {
				return Value{}, nil, err
			}
			v.Arr = append(v.Arr, e)
		}
		return v, rest, nil
	}
	return Value{}, nil, errMalformed
}

// bulk, integer, simple and errReply build expected raw replies.
func bulk(s string) string     { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
func integer(n int64) string   { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func simple(s string) string   { return "+" + s + "\r\n" }
func errReply(s string) string { return "-" + s + "\r\n" }

const nilBulk = "$-1\r\n"

// knownCommand reports whether the server at addr implements name: COMMAND
// INFO when the server has COMMAND, else whether calling it with no
// arguments is refused as unknown (as opposed to wrong arity).
func knownCommand(addr, name string) (bool, error) {
	reply, err := rawDo(addr, 5*time.Second, "COMMAND", "INFO", name)
	if err != nil {
		return false, err
	}
	if v, err := parseReply(reply); err == nil && v.Kind == '*' && len(v.Arr) == 1 {
		return !v.Arr[0].Null, nil
	}
	reply, err = rawDo(addr, 5*time.Second, name)
	if err != nil {
		return false, err
	}
	return !bytes.HasPrefix(reply, []byte("-ERR unknown command")), nil
}

// needCommands fails the test at once, with a clear message, if the
// server lacks one of names.
func needCommands(t *testing.T, addr string, names ...string) {
	t.Helper()
	var missing []string
	for _, n := range names {
		ok, err := knownCommand(addr, n)
		if err != nil {
			t.Fatalf("probing %s: %v", n, err)
		}
		if !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("the server does not implement %v", missing)
	}
}

// waitStopped waits until every thread of pid is stopped: SIGSTOP takes
// effect when the kernel next schedules each thread, and on a busy machine
// a thread may meanwhile finish a commit and answer a client, which a test
// would then take for an answer from a frozen node. Without /proc it
// returns at once.
func waitStopped(pid int, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
		if err != nil || len(tasks) == 0 {
			return
		}
		stopped := true
		for _, t := range tasks {
			b, err := os.ReadFile(t)
			if err != nil {
				continue // the thread exited
			}
			// State is the field after the parenthesised command name.
			i := bytes.LastIndexByte(b, ')')
			if i < 0 || i+2 >= len(b) || (b[i+2] != 'T' && b[i+2] != 't') {
				stopped = false
				break
			}
		}
		if stopped {
			return
		}
		time.Sleep(time.Millisecond)
	}
}
