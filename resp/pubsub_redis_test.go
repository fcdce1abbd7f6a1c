package resp

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

// psConn is a raw connection for pub/sub tests: commands and frames are
// compared as bytes.
type psConn struct {
	t  testing.TB
	c  net.Conn
	rd *bufio.Reader
}

func dialPS(t testing.TB, addr string) *psConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &psConn{t: t, c: c, rd: bufio.NewReader(c)}
}

func (p *psConn) send(args ...string) {
	p.t.Helper()
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	if _, err := p.c.Write(appendCommand(nil, argv)); err != nil {
		p.t.Fatal(err)
	}
}

// read returns the next n frames.
func (p *psConn) read(n int) string {
	p.t.Helper()
	_ = p.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var out []byte
	for i := 0; i < n; i++ {
		var err error
		if out, err = appendReply(out, p.rd); err != nil {
			p.t.Fatalf("read frame %d: %v (so far %q)", i, err, out)
		}
	}
	return string(out)
}

// quiet reports whether nothing arrives within d.
func (p *psConn) quiet(d time.Duration) bool {
	_ = p.c.SetReadDeadline(time.Now().Add(d))
	_, err := p.rd.Peek(1)
	return err != nil
}

// psStep: on connection conn (0 subscriber, 1 publisher) send cmd and
// read frames replies; cmd nil only reads.
type psStep struct {
	conn   int
	cmd    []string
	frames int
}

var psScript = []psStep{
	{0, []string{"SUBSCRIBE", "news", "sport"}, 2},
	{0, []string{"SUBSCRIBE", "news"}, 1},
	{0, []string{"GET", "x"}, 1},
	{0, []string{"SET", "x", "1"}, 1},
	{0, []string{"CONFIG", "GET", "maxmemory"}, 1},
	{0, []string{"PUBSUB", "NUMPAT"}, 1},
	{0, []string{"NOSUCHCMD"}, 1},
	{0, []string{"GET"}, 1},
	{0, []string{"PING"}, 1},
	{0, []string{"PING", "hello"}, 1},
	{0, []string{"PSUBSCRIBE", "n*", "h?llo", "[ab]*"}, 3},
	{1, []string{"PUBLISH", "news", "m1"}, 1},
	{0, nil, 2}, // message + pmessage n*
	{1, []string{"PUBLISH", "hello", "m2"}, 1},
	{0, nil, 1},
	{1, []string{"PUBLISH", "nobody", "m3"}, 1},
	{0, nil, 1},
	{1, []string{"PUBLISH", "empty", ""}, 1},
	{1, []string{"PUBSUB", "NUMSUB", "news", "sport", "none"}, 1},
	{1, []string{"PUBSUB", "NUMSUB"}, 1},
	{1, []string{"PUBSUB", "NUMPAT"}, 1},
	{1, []string{"PUBSUB", "CHANNELS", "s*"}, 1},
	{1, []string{"PUBSUB", "CHANNELS", "zz*"}, 1},
	{1, []string{"PUBSUB", "NUMPAT", "x"}, 1},
	{1, []string{"PUBSUB", "BOGUS"}, 1},
	{1, []string{"PUBSUB"}, 1},
	{1, []string{"PUBSUB", "HELP"}, 1},
	{1, []string{"PUBLISH", "a"}, 1},
	{0, []string{"UNSUBSCRIBE", "sport"}, 1},
	{0, []string{"UNSUBSCRIBE", "sport"}, 1},
	{0, []string{"PUNSUBSCRIBE", "n*"}, 1},
	{0, []string{"PUNSUBSCRIBE", "h?llo"}, 1},
	{0, []string{"PUNSUBSCRIBE", "[ab]*"}, 1},
	{0, []string{"UNSUBSCRIBE", "news"}, 1},
	{0, []string{"UNSUBSCRIBE"}, 1},
	{0, []string{"PUNSUBSCRIBE"}, 1},
	{0, []string{"SUNSUBSCRIBE"}, 1},
	{0, []string{"PING"}, 1},
	{0, []string{"SSUBSCRIBE", "s1", "s2"}, 2},
	{0, []string{"SUBSCRIBE", "c1"}, 1},
	{1, []string{"SPUBLISH", "s1", "shard-msg"}, 1},
	{0, nil, 1},
	{1, []string{"PUBLISH", "s1", "not-shard"}, 1},
	{1, []string{"PUBSUB", "SHARDCHANNELS", "*1"}, 1}, // one match: Redis lists in hash order
	{1, []string{"PUBSUB", "SHARDCHANNELS", "*2"}, 1},
	{1, []string{"PUBSUB", "SHARDNUMSUB", "s1", "x"}, 1},
	{1, []string{"PUBSUB", "NUMSUB", "s1", "c1"}, 1},
	{0, []string{"SUNSUBSCRIBE", "s2"}, 1},
	{0, []string{"SUNSUBSCRIBE", "s1"}, 1},
	{0, []string{"GET", "x"}, 1},
	{0, []string{"UNSUBSCRIBE", "c1"}, 1},
	{0, []string{"GET", "x"}, 1},
	{0, []string{"PING"}, 1},
	{0, []string{"SUBSCRIBE"}, 1},
	{0, []string{"SSUBSCRIBE"}, 1},
	// Subscribing inside a transaction, then the subscribed-mode rule.
	{0, []string{"MULTI"}, 1},
	{0, []string{"SUBSCRIBE", "tx"}, 1},
	{0, []string{"PING"}, 1},
	{0, []string{"EXEC"}, 1},
	{0, []string{"GET", "x"}, 1},
	{1, []string{"PUBLISH", "tx", "in-tx"}, 1},
	{0, nil, 1},
	{0, []string{"MULTI"}, 1},
}

// TestPubSubMatchesRedis plays psScript on redis-server and on quoris and
// compares every reply and message frame byte for byte.
func TestPubSubMatchesRedis(t *testing.T) {
	raddr := startRedisServer(t)
	qaddr, _ := startTestServer(t)
	run := func(addr string) []string {
		conns := []*psConn{dialPS(t, addr), dialPS(t, addr)}
		var out []string
		for _, st := range psScript {
			c := conns[st.conn]
			if st.cmd != nil {
				c.send(st.cmd...)
			}
			out = append(out, c.read(st.frames))
		}
		if !conns[0].quiet(200 * time.Millisecond) {
			t.Errorf("%s: subscriber got frames after the script", addr)
		}
		return out
	}
	want, got := run(raddr), run(qaddr)
	for i := range want {
		if want[i] != got[i] {
			t.Errorf("step %d %q: redis %q, quoris %q", i, strings.Join(psScript[i].cmd, " "), want[i], got[i])
		}
	}
}
