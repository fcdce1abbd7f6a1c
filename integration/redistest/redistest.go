// Package redistest starts a real redis-server for differential tests: the
// same commands go to quoris and to Redis, and the replies are compared.
// It is imported by tests only.
package redistest

import (
	"bytes"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// Quiet are the arguments most differential tests want: loopback only, no
// persistence, no logging, in the foreground.
var Quiet = []string{"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"}

// StartOrSkip runs redis-server with args on a free 127.0.0.1 port, in a
// temporary directory, and returns its address once it accepts
// connections; the server is killed when the test ends. Without
// redis-server on PATH the test is skipped with a message, so `make test`
// still runs for a user who cannot install it.
func StartOrSkip(t testing.TB, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not on PATH: skipping the differential test against real Redis (make deps installs it)")
	}
	return Start(t, bin, args...)
}

// Start is StartOrSkip with the server binary given.
func Start(t testing.TB, bin string, args ...string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, append([]string{"--port", strconv.Itoa(port)}, args...)...)
	cmd.Dir = t.TempDir()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not start on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
