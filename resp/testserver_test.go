package resp

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// startTestServer runs a single-node quoris cluster (raft bootstrapped in
// a temp dir) and its RESP server, and waits until the node leads and has
// published its client address. Everything stops at the end of the test.
func startTestServer(t testing.TB) (string, *Server) {
	t.Helper()
	return startTestServerWith(t, newFakeSettings())
}

// startTestServerWith is startTestServer with the given Settings (nil: none).
func startTestServerWith(t testing.TB, settings Settings) (string, *Server) {
	t.Helper()
	return startTestServerOpts(t, settings, nil)
}

// startTestServerOpts is startTestServerWith with Options changed by edit
// (nil: none) before the server is built.
func startTestServerOpts(t testing.TB, settings Settings, edit func(*Options)) (string, *Server) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	respAddr := freeAddr(t)
	f := fsm.New(16, logger)
	node, err := raftnode.Open(raftnode.Config{
		NodeID:           "n1",
		RaftAddr:         freeAddr(t),
		RespAddr:         respAddr,
		Dir:              t.TempDir(),
		HeartbeatTimeout: 100 * time.Millisecond,
		ElectionTimeout:  100 * time.Millisecond,
		Logger:           logger,
	}, f)
	if err != nil {
		t.Fatalf("raftnode.Open: %v", err)
	}
	if err := node.Bootstrap(); err != nil {
		node.Shutdown()
		t.Fatalf("Bootstrap: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, addr := node.Leader(); node.IsLeader() && addr != "" {
			break
		}
		if time.Now().After(deadline) {
			node.Shutdown()
			t.Fatal("single node did not become a ready leader")
		}
		time.Sleep(10 * time.Millisecond)
	}
	opts := Options{Addr: respAddr, Logger: logger}
	if settings != nil {
		opts.Settings = settings
	}
	if edit != nil {
		edit(&opts)
	}
	s := New(opts, node)
	if err := s.Listen(); err != nil {
		node.Shutdown()
		t.Fatalf("Listen: %v", err)
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = s.Serve()
	}()
	t.Cleanup(func() {
		s.Close()
		<-served
		node.Shutdown()
	})
	return s.Addr().String(), s
}

// freeAddr reserves a loopback port long enough to learn its number.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// fakeSettings is a small Settings with Redis's error texts: "port" is
// immutable and "snapshot-threshold" wants an integer.
type fakeSettings struct {
	mu   sync.Mutex
	vals map[string]string
}

func newFakeSettings() *fakeSettings {
	return &fakeSettings{vals: map[string]string{
		"port": "6379", "loglevel": "notice", "node-id": "n1", "snapshot-threshold": "8192",
	}}
}

func (f *fakeSettings) Get(pattern string) [][2]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out [][2]string
	for k, v := range f.vals {
		if datatypes.Match(pattern, k, true) {
			out = append(out, [2]string{k, v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func (f *fakeSettings) Set(name, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.vals[name]; !ok {
		return fmt.Errorf("ERR Unknown option or number of arguments for CONFIG SET - '%s'", name)
	}
	switch name {
	case "port":
		return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - can't set immutable config", name)
	case "snapshot-threshold":
		if _, err := strconv.ParseUint(value, 10, 64); err != nil {
			return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - argument couldn't be parsed into an integer", name)
		}
	}
	f.vals[name] = value
	return nil
}

// rawConn speaks RESP byte for byte, for exact reply checks.
type rawConn struct {
	t  *testing.T
	c  net.Conn
	rd *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{t: t, c: c, rd: bufio.NewReader(c)}
}

// do sends one command and returns its raw reply.
func (r *rawConn) do(args ...string) string {
	r.t.Helper()
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	r.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := r.c.Write(appendCommand(nil, argv)); err != nil {
		r.t.Fatalf("%q: write: %v", args, err)
	}
	reply, err := appendReply(nil, r.rd)
	if err != nil {
		r.t.Fatalf("%q: read: %v", args, err)
	}
	return string(reply)
}

// val sends one command and returns its reply parsed: string for simple
// and bulk strings, int64, nil, []any, or respErr.
func (r *rawConn) val(args ...string) any {
	r.t.Helper()
	v, rest, err := parseRESP([]byte(r.do(args...)))
	if err != nil || len(rest) != 0 {
		r.t.Fatalf("%q: bad reply: %v", args, err)
	}
	return v
}

type respErr string

func parseRESP(b []byte) (any, []byte, error) {
	i := 0
	for i+1 < len(b) && !(b[i] == '\r' && b[i+1] == '\n') {
		i++
	}
	if i+1 >= len(b) || i == 0 {
		return nil, nil, errBadReply
	}
	line, rest := string(b[1:i]), b[i+2:]
	switch b[0] {
	case '+':
		return line, rest, nil
	case '-':
		return respErr(line), rest, nil
	case ':':
		n, err := strconv.ParseInt(line, 10, 64)
		return n, rest, err
	case '$':
		n, err := strconv.Atoi(line)
		if err != nil {
			return nil, nil, err
		}
		if n < 0 {
			return nil, rest, nil
		}
		if len(rest) < n+2 {
			return nil, nil, errBadReply
		}
		return string(rest[:n]), rest[n+2:], nil
	case '*':
		n, err := strconv.Atoi(line)
		if err != nil {
			return nil, nil, err
		}
		if n < 0 {
			return nil, rest, nil
		}
		arr := make([]any, n)
		for j := range arr {
			if arr[j], rest, err = parseRESP(rest); err != nil {
				return nil, nil, err
			}
		}
		return arr, rest, nil
	}
	return nil, nil, errBadReply
}
