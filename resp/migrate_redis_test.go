package resp

import (
	"net"
	"testing"
)

// TestMigrateMatchesRedis runs the same MIGRATE calls from a redis-server
// and from quoris, each to a target redis-server of its own, and compares
// the replies and what both sides hold afterwards.
func TestMigrateMatchesRedis(t *testing.T) {
	rsrc, rdst := startRedisOrSkip(t), startRedisOrSkip(t)
	qsrc, _ := startTestServer(t)
	qdst := startRedisOrSkip(t)
	port := func(addr string) string { _, p, _ := net.SplitHostPort(addr); return p }
	type side struct {
		src, dst *rawConn
		dstPort  string
	}
	sides := []side{{dialRaw(t, rsrc), dialRaw(t, rdst), port(rdst)}, {dialRaw(t, qsrc), dialRaw(t, qdst), port(qdst)}}
	// Each step: a command on the source (P stands for the target's port)
	// or, prefixed "dst", on the target.
	steps := [][]string{
		{"SET", "a", "1"}, {"SET", "b", "2"}, {"PEXPIRE", "b", "100000"}, {"RPUSH", "l", "x", "y"},
		{"MIGRATE", "127.0.0.1", "1", "a", "0", "100"},
		{"MIGRATE", "127.0.0.1", "P", "a", "0", "1000"},
		{"EXISTS", "a"}, {"dst", "GET", "a"},
		{"MIGRATE", "127.0.0.1", "P", "b", "0", "1000", "COPY"},
		{"EXISTS", "b"}, {"dst", "EXISTS", "b"},
		{"SET", "a", "new"},
		{"MIGRATE", "127.0.0.1", "P", "a", "0", "1000"},
		{"MIGRATE", "127.0.0.1", "P", "a", "0", "1000", "REPLACE"},
		{"dst", "GET", "a"}, {"EXISTS", "a"},
		{"MIGRATE", "127.0.0.1", "P", "nokey", "0", "1000"},
		{"MIGRATE", "127.0.0.1", "P", "a", "0", "1000", "KEYS", "b"},
		{"MIGRATE", "127.0.0.1", "P", "", "0", "1000", "KEYS", "b", "l", "x"},
		{"EXISTS", "b", "l"}, {"dst", "LRANGE", "l", "0", "-1"},
		{"MIGRATE", "127.0.0.1", "P", "", "0", "1000", "foo"},
		{"MIGRATE", "127.0.0.1", "P", "", "0", "1000", "AUTH"},
		{"SET", "c", "3"},
		{"MIGRATE", "127.0.0.1", "P", "c", "0", "1000", "AUTH", "pw"},
		{"MIGRATE", "127.0.0.1", "P", "c", "x", "1000"},
		{"MIGRATE", "127.0.0.1", "P", "c", "0", "x"},
		{"MIGRATE", "127.0.0.1", "P", "c", "1", "0"},
		{"EXISTS", "c"}, {"dst", "SELECT", "1"}, {"dst", "GET", "c"},
		{"COMMAND", "GETKEYS", "MIGRATE", "h", "p", "", "0", "0", "KEYS", "a", "b"},
		{"COMMAND", "GETKEYS", "MIGRATE", "h", "p", "k", "0", "0", "AUTH2", "u", "p"},
		{"COMMAND", "GETKEYS", "MIGRATE", "h", "p", "k", "0", "0", "KEYS", "a"},
	}
	for _, st := range steps {
		var got [2]string
		for i, sd := range sides {
			conn, args := sd.src, append([]string{}, st...)
			if args[0] == "dst" {
				conn, args = sd.dst, args[1:]
			}
			for j, a := range args {
				if a == "P" {
					args[j] = sd.dstPort
				}
			}
			got[i] = conn.do(args...)
		}
		if got[0] != got[1] {
			t.Errorf("%q: redis %q, quoris %q", st, got[0], got[1])
		}
	}
}

// TestMigrateBetweenQuoris moves keys from one quoris server to another:
// RESTORE on the target goes through its log like any write.
func TestMigrateBetweenQuoris(t *testing.T) {
	src, _ := startTestServer(t)
	dst, _ := startTestServer(t)
	_, port, _ := net.SplitHostPort(dst)
	s, d := dialRaw(t, src), dialRaw(t, dst)
	s.do("SELECT", "2")
	s.do("ZADD", "z", "1", "a", "2", "b")
	s.do("SET", "k", "v", "PX", "60000")
	if got := s.do("MIGRATE", "127.0.0.1", port, "", "3", "1000", "KEYS", "z", "k", "missing"); got != "+OK\r\n" {
		t.Fatalf("MIGRATE = %q", got)
	}
	if got := s.do("EXISTS", "z", "k"); got != ":0\r\n" {
		t.Errorf("source still has %q keys", got)
	}
	d.do("SELECT", "3")
	if got := d.do("ZRANGE", "z", "0", "-1", "WITHSCORES"); got != "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n" {
		t.Errorf("target z = %q", got)
	}
	if ttl, ok := d.val("PTTL", "k").(int64); !ok || ttl <= 0 || ttl > 60000 {
		t.Errorf("target k PTTL = %v", d.val("PTTL", "k"))
	}
}
