package resp

import (
	"bytes"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quoris/quoris/integration/redistest"
)

// startRedisServer runs a real redis-server for differential tests, or
// skips the test when it is not installed.
func startRedisServer(t testing.TB) string {
	t.Helper()
	return redistest.StartOrSkip(t, redistest.Quiet...)
}

// rawExchange sends data and collects everything the server answers until
// it closes the connection or stays quiet for quiet.
func rawExchange(t *testing.T, addr string, data []byte, quiet time.Duration) (reply []byte, closed bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() { _, _ = c.Write(data) }()
	buf := make([]byte, 64<<10)
	for {
		_ = c.SetReadDeadline(time.Now().Add(quiet))
		n, err := c.Read(buf)
		reply = append(reply, buf[:n]...)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				return reply, false
			}
			return reply, true
		}
	}
}

// TestProtocolMatchesRedis sends the same raw bytes to redis-server and to
// quoris and compares the replies byte for byte, and whether each closed
// the connection.
func TestProtocolMatchesRedis(t *testing.T) {
	redisAddr := startRedisServer(t)
	quorisAddr, _ := startTestServer(t)
	big := strings.Repeat("x", 70000)
	cases := []string{
		"*-10\r\nPING\r\n",
		"*0\r\nPING\r\n",
		"*-1\r\nPING\r\n",
		"\r\n\r\nPING\r\n",
		"PING\nPING\n",
		"  PING  \r\n",
		"*1048577\r\n",
		"*2147483647\r\n",
		"*2147483648\r\n",
		"*99999999999999999999\r\n",
		"*1\r\n$536870912\r\n",
		"*1\r\n$536870913\r\n",
		"*1\r\n$2147483648\r\n",
		big,
		"*" + big,
		"*1\r\n$" + big,
		"*1\r\nfoo\r\n",
		"*2\r\n$4\r\nECHO\r\n:1\r\n",
		`set "a b` + "\r\n",
		"'a\r\n",
		"ECHO 'a'b\r\n",
		`ECHO "\x41\n"` + "\r\n",
		`ECHO "a" "" ''` + "\r\n",
		`ECHO a"b c"` + "\r\n",
		`ECHO 'it\'s'` + "\r\n",
		"*abc\r\n",
		"*+1\r\n$4\r\nPING\r\n",
		"*1 \r\n$4\r\nPING\r\n",
		"*\r\n",
		"*1\r\n$abc\r\n",
		"*1\r\n$-1\r\n",
		"*1\r\n$-5\r\n",
		"*1\r\n$04\r\nPING\r\n",
		"*1\r\n$ 4\r\nPING\r\n",
		"*1\r\n$\r\n",
		"*1\r\n$4\r\nPINGxx\r\nPING\r\n",
		"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
		"*3\r\n$3\r\nSET\r\n",
		"\x00PING\r\n",
		"PING\r\n*1\r\n$4\r\nPING\r\n*x\r\nPING\r\n",
		"*1\rX$4\r\nPING\r\n",
	}
	for _, in := range cases {
		name := strconv.Quote(in)
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			var wg sync.WaitGroup
			var want, got []byte
			var wantClosed, gotClosed bool
			wg.Add(2)
			go func() {
				defer wg.Done()
				want, wantClosed = rawExchange(t, redisAddr, []byte(in), 300*time.Millisecond)
			}()
			go func() { defer wg.Done(); got, gotClosed = rawExchange(t, quorisAddr, []byte(in), 300*time.Millisecond) }()
			wg.Wait()
			if !bytes.Equal(got, want) || gotClosed != wantClosed {
				t.Fatalf("quoris %q (closed %v), redis %q (closed %v)", got, gotClosed, want, wantClosed)
			}
		})
	}
}

// TestHugeBulkClosesAtOnce: a length over proto-max-bulk-len is refused as
// soon as its line arrives, without waiting for the data.
func TestHugeBulkClosesAtOnce(t *testing.T) {
	addr, _ := startTestServer(t)
	start := time.Now()
	reply, closed := rawExchange(t, addr, []byte("*1\r\n$999999999999\r\n"), 5*time.Second)
	if string(reply) != "-ERR Protocol error: invalid bulk length\r\n" || !closed || time.Since(start) > time.Second {
		t.Fatalf("reply %q closed %v after %v", reply, closed, time.Since(start))
	}
}
