package resp

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestOutputTracker(t *testing.T) {
	l := outputLimit{hard: 100, soft: 50, softSecs: 2}
	tests := []struct {
		used, now int64
		want      bool
	}{
		{10, 1000, false},
		{60, 1000, false}, // soft reached: the clock starts
		{60, 1002, false}, // 2 s over: not more than softSecs yet
		{40, 1003, false}, // back under: the clock resets
		{60, 1004, false},
		{60, 1007, true},  // 3 s over soft
		{100, 1007, true}, // hard
	}
	var tr outputTracker
	for i, tc := range tests {
		if got := tr.over(l, tc.used, tc.now); got != tc.want {
			t.Fatalf("step %d (%d bytes at %d): over = %v, want %v", i, tc.used, tc.now, got, tc.want)
		}
	}
	var off outputTracker
	if off.over(outputLimit{}, 1<<40, 1) {
		t.Fatal("a zero limit disconnected")
	}
}

func TestParseOutputLimits(t *testing.T) {
	var l clientLimits
	parseOutputLimits("normal 1mb 512kb 10 slave 268435456 67108864 60 pubsub 33554432 8388608 60", &l)
	want := clientLimits{normal: outputLimit{1 << 20, 512 << 10, 10}, pubsub: outputLimit{32 << 20, 8 << 20, 60}}
	if l != want {
		t.Fatalf("got %+v, want %+v", l, want)
	}
}

// closedWithin reports whether the server closes c within d; whatever it
// sent before is discarded.
func closedWithin(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	// io.Copy returns nil at EOF; a reset is a close too.
	return err == nil || !isTimeout(err)
}

// A subscriber that does not read is disconnected once the messages
// waiting for it reach client-output-buffer-limit pubsub's hard limit.
func TestSlowSubscriberDisconnected(t *testing.T) {
	addr, _ := startTestServer(t)
	admin := dialRaw(t, addr)
	if got := admin.do("CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 0 0"); got != "+OK\r\n" {
		t.Fatal(got)
	}
	sub := dialRaw(t, addr)
	if got := sub.do("SUBSCRIBE", "ch"); !strings.Contains(got, "subscribe") {
		t.Fatal(got)
	}
	// The subscriber reads nothing more. The socket buffers absorb the
	// first messages, then the node's queue grows to the limit.
	msg := strings.Repeat("m", 16<<10)
	clients := func() int { return strings.Count(admin.do("CLIENT", "LIST"), "id=") }
	if n := clients(); n != 2 {
		t.Fatalf("%d clients before publishing", n)
	}
	for i := 0; i < 2000 && clients() == 2; i++ {
		admin.do("PUBLISH", "ch", msg)
	}
	if n := clients(); n != 1 {
		t.Fatalf("slow subscriber still connected (%d clients) after publishing %d MB", n, 2000*len(msg)>>20)
	}
	if !closedWithin(sub.c, 5*time.Second) {
		t.Fatal("the slow subscriber's connection stays open")
	}
	// A subscriber that reads is not disconnected by the same traffic.
	reader := dialRaw(t, addr)
	reader.do("SUBSCRIBE", "ch")
	for i := 0; i < 64; i++ {
		admin.do("PUBLISH", "ch", msg)
		if _, err := appendReply(nil, reader.rd); err != nil {
			t.Fatalf("reading subscriber lost its connection: %v", err)
		}
	}
}

// A request whose buffered bytes pass client-query-buffer-limit closes the
// connection without a reply and applies nothing, as Redis does.
func TestQueryBufferLimit(t *testing.T) {
	addr, _ := startTestServer(t)
	admin := dialRaw(t, addr)
	if got := admin.do("CONFIG", "SET", "client-query-buffer-limit", "1mb"); got != "+OK\r\n" {
		t.Fatal(got)
	}
	c := dialRaw(t, addr)
	value := bytes.Repeat([]byte("v"), 2<<20)
	req := []byte("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + strconv.Itoa(len(value)) + "\r\n")
	req = append(append(req, value...), "\r\n"...)
	_ = c.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = c.c.Write(req) // may fail once the server closes
	if !closedWithin(c.c, 5*time.Second) {
		t.Fatal("connection not closed past client-query-buffer-limit")
	}
	if got := admin.do("EXISTS", "big"); got != ":0\r\n" {
		t.Fatalf("EXISTS big = %q", got)
	}
	// Under the limit the same kind of request goes through.
	small := dialRaw(t, addr)
	if got := small.do("SET", "small", strings.Repeat("v", 512<<10)); got != "+OK\r\n" {
		t.Fatal(got)
	}
}

// A pipeline whose pending replies reach client-output-buffer-limit
// normal's hard limit is closed without its replies, as Redis does.
func TestNormalOutputLimit(t *testing.T) {
	addr, _ := startTestServer(t)
	admin := dialRaw(t, addr)
	admin.do("SET", "v", strings.Repeat("v", 16<<10))
	pipeline := bytes.Repeat([]byte("*2\r\n$3\r\nGET\r\n$1\r\nv\r\n"), 10)
	tests := []struct {
		limit  string
		closed bool
	}{
		{"normal 0 0 0", false},
		{"normal 1mb 0 0", false},
		{"normal 64kb 0 0", true},
	}
	for _, tc := range tests {
		if got := admin.do("CONFIG", "SET", "client-output-buffer-limit", tc.limit); got != "+OK\r\n" {
			t.Fatal(got)
		}
		c := dialRaw(t, addr)
		if _, err := c.c.Write(pipeline); err != nil {
			t.Fatal(err)
		}
		if tc.closed {
			_ = c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, err := io.Copy(io.Discard, c.c)
			if isTimeout(err) || n != 0 {
				t.Fatalf("%s: read %d bytes, %v; want the connection closed with no reply", tc.limit, n, err)
			}
			continue
		}
		_ = c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
		for i := 0; i < 10; i++ {
			if _, err := appendReply(nil, c.rd); err != nil {
				t.Fatalf("%s: reply %d: %v", tc.limit, i, err)
			}
		}
	}
}
