package resp

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// TestInterleavedPipeline: a pipeline SET k i, GET k, ... answers every GET
// with the value its own SET just wrote (reads are evaluated in log order
// behind the writes), and costs about what a pipeline of writes costs
// instead of one commit per pair.
func TestInterleavedPipeline(t *testing.T) {
	addr, s := startTestServer(t)
	const pairs = 5000
	var req []byte
	for i := 0; i < pairs; i++ {
		v := fmt.Sprint(i)
		req = fmt.Appendf(req, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n%s\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", len(v), v)
	}
	req = append(req, "*2\r\n$6\r\nEXISTS\r\n$1\r\nk\r\n"...)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	hits := s.fsm.Stats().KeyspaceHits.Load()
	start := time.Now()
	go func() { _, _ = c.Write(req) }()
	rd := bufio.NewReader(c)
	_ = c.SetReadDeadline(time.Now().Add(60 * time.Second))
	for i := 0; i < pairs; i++ {
		ok, err := appendReply(nil, rd)
		if err != nil || string(ok) != "+OK\r\n" {
			t.Fatalf("SET %d: %q %v", i, ok, err)
		}
		v := fmt.Sprint(i)
		got, err := appendReply(nil, rd)
		if want := fmt.Sprintf("$%d\r\n%s\r\n", len(v), v); err != nil || string(got) != want {
			t.Fatalf("GET after SET %d: %q %v, want %q", i, got, err, want)
		}
	}
	if got, err := appendReply(nil, rd); err != nil || string(got) != ":1\r\n" {
		t.Fatalf("EXISTS: %q %v", got, err)
	}
	elapsed := time.Since(start)
	t.Logf("%d SET/GET pairs in one pipeline: %v", pairs, elapsed)
	if n := s.fsm.Stats().KeyspaceHits.Load() - hits; n != pairs+1 {
		t.Errorf("keyspace hits +%d, want %d (each read counted once)", n, pairs+1)
	}
	if elapsed > 5*time.Second {
		t.Errorf("interleaved pipeline took %v: reads are not riding with the writes", elapsed)
	}
}

// TestReadAfterWriteOrder: in one pipeline, reads see the writes before
// them and not those after, across types and databases.
func TestReadAfterWriteOrder(t *testing.T) {
	addr, _ := startTestServer(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	script := []string{"RPUSH l a", "LRANGE l 0 -1", "RPUSH l b", "LLEN l", "SELECT 1", "GET l", "SET l x", "GET l",
		"SELECT 0", "TYPE l", "DEL l", "EXISTS l"}
	want := []string{":1", "*1 $1 a", ":2", ":2", "+OK", "$-1", "+OK", "$1 x", "+OK", "+list", ":1", ":0"}
	var req strings.Builder
	for _, line := range script {
		req.WriteString(line + "\r\n")
	}
	if _, err := c.Write([]byte(req.String())); err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(c)
	for i, w := range want {
		got, err := appendReply(nil, rd)
		if err != nil {
			t.Fatal(err)
		}
		if g := strings.Join(strings.Fields(strings.ReplaceAll(string(got), "\r\n", " ")), " "); g != w {
			t.Errorf("%s: %q, want %q", script[i], g, w)
		}
	}
}
