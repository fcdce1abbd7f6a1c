package fsm

import (
	"strings"
	"testing"

	"github.com/hashicorp/raft"
)

// Payloads redis-server 7.0.15 produced.
const (
	dumpHello = "\x00\x05hello\n\x00cr\xdfve4 \n"
	dumpList  = "\x12\x01\x02\x0c\x0c\x00\x00\x00\x02\x00\x81a\x02\x01\x01\xff\n\x00\x94\x96+#\xac\x17\xaa\x85"
	dumpSet   = "\x0b\x0c\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x02\x00\n\x00oy8\xb14\xeb ."
)

func bulk(s string) string { return "$" + itoa(len(s)) + "\r\n" + s + "\r\n" }

func itoa(n int) string { return string(FormatInt(int64(n))) }

func TestDump(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"DUMP", "nokey"}, "$-1\r\n"},
		{[]string{"SET", "k", "hello"}, "+OK\r\n"},
		{[]string{"DUMP", "k"}, bulk(dumpHello)},
		{[]string{"RPUSH", "l", "a", "1"}, ":2\r\n"},
		{[]string{"DUMP", "l"}, bulk(dumpList)},
		{[]string{"SADD", "s", "1", "2"}, ":2\r\n"},
		{[]string{"DUMP", "s"}, bulk(dumpSet)},
		{[]string{"DUMP"}, "-ERR wrong number of arguments for 'dump' command\r\n"},
	})
}

func TestRestore(t *testing.T) {
	h := newHarness(t)
	corrupt := dumpHello[:len(dumpHello)-1] + "x"
	badFormat := payload(10, []byte{4, 1}) // a hash with one field, then nothing
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"RESTORE", "k", "0", dumpHello}, "+OK\r\n"},
		{[]string{"GET", "k"}, "$5\r\nhello\r\n"},
		{[]string{"RESTORE", "k", "0", dumpHello}, "-BUSYKEY Target key name already exists.\r\n"},
		// Options are parsed first, then BUSYKEY, then the TTL, then the payload.
		{[]string{"RESTORE", "k", "0", dumpHello, "BOGUS"}, "-ERR syntax error\r\n"},
		{[]string{"RESTORE", "k", "-1", "junk"}, "-BUSYKEY Target key name already exists.\r\n"},
		{[]string{"RESTORE", "k2", "-1", dumpHello}, "-ERR Invalid TTL value, must be >= 0\r\n"},
		{[]string{"RESTORE", "k2", "x", dumpHello}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"RESTORE", "k2", "0", corrupt}, "-ERR DUMP payload version or checksum are wrong\r\n"},
		{[]string{"RESTORE", "k2", "0", "short"}, "-ERR DUMP payload version or checksum are wrong\r\n"},
		{[]string{"RESTORE", "k2", "0", badFormat}, "-ERR Bad data format\r\n"},
		{[]string{"EXISTS", "k2"}, ":0\r\n"},
		// A bad payload with REPLACE leaves the old value in place.
		{[]string{"RESTORE", "k", "0", badFormat, "REPLACE"}, "-ERR Bad data format\r\n"},
		{[]string{"GET", "k"}, "$5\r\nhello\r\n"},
		{[]string{"RESTORE", "k", "0", dumpList, "REPLACE"}, "+OK\r\n"},
		{[]string{"LRANGE", "k", "0", "-1"}, "*2\r\n$1\r\na\r\n$1\r\n1\r\n"},
		{[]string{"RESTORE", "s", "0", dumpSet}, "+OK\r\n"},
		{[]string{"OBJECT", "ENCODING", "s"}, "$6\r\nintset\r\n"},
		// IDLETIME and FREQ are validated, and exclude each other.
		{[]string{"RESTORE", "i", "0", dumpHello, "IDLETIME", "-1"}, "-ERR Invalid IDLETIME value, must be >= 0\r\n"},
		{[]string{"RESTORE", "i", "0", dumpHello, "FREQ", "256"}, "-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n"},
		{[]string{"RESTORE", "i", "0", dumpHello, "FREQ", "x"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"RESTORE", "i", "0", dumpHello, "IDLETIME", "5", "FREQ", "3"}, "-ERR syntax error\r\n"},
		{[]string{"RESTORE", "i", "0", dumpHello, "IDLETIME"}, "-ERR syntax error\r\n"},
		{[]string{"RESTORE", "i", "0", dumpHello, "idletime", "100"}, "+OK\r\n"},
		{[]string{"RESTORE", "j", "0", dumpHello, "FREQ", "255", "REPLACE"}, "+OK\r\n"},
		{[]string{"RESTORE", "k"}, "-ERR wrong number of arguments for 'restore' command\r\n"},
	})
}

func TestRestoreTTL(t *testing.T) {
	h := newHarness(t)
	now := h.now
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"RESTORE", "rel", "5000", dumpHello}, "+OK\r\n"},
		{[]string{"PTTL", "rel"}, ":5000\r\n"},
		{[]string{"RESTORE", "abs", itoa(int(now + 7000)), dumpHello, "ABSTTL"}, "+OK\r\n"},
		{[]string{"PEXPIRETIME", "abs"}, ":" + itoa(int(now+7000)) + "\r\n"},
		// Already expired: nothing is created; with REPLACE the old key goes.
		{[]string{"RESTORE", "gone", "1", dumpHello, "ABSTTL"}, "+OK\r\n"},
		{[]string{"EXISTS", "gone"}, ":0\r\n"},
		{[]string{"SET", "old", "v"}, "+OK\r\n"},
		{[]string{"RESTORE", "old", "1", dumpHello, "ABSTTL", "REPLACE"}, "+OK\r\n"},
		{[]string{"EXISTS", "old"}, ":0\r\n"},
	})
}

// TestRestoreDeterministic applies the same RESTORE entry on two FSMs: the
// relative TTL comes from the entry's time, so both store the same deadline.
func TestRestoreDeterministic(t *testing.T) {
	var deadlines []string
	for _, f := range []*FSM{New(1, nil), New(1, nil)} {
		args := [][]byte{[]byte("RESTORE"), []byte("k"), []byte("1500"), []byte(dumpList)}
		f.Apply(&raft.Log{Index: 1, Type: raft.LogCommand, Data: AppendEntry(nil, KindCommand, 0, 1_700_000_000_000, args)})
		deadlines = append(deadlines, string(f.Read(0, 1_700_000_000_000, [][]byte{[]byte("PEXPIRETIME"), []byte("k")}, nil)))
	}
	if deadlines[0] != deadlines[1] || deadlines[0] != ":1700000001500\r\n" {
		t.Errorf("deadlines %q", deadlines)
	}
}

func TestDumpRestoreRoundTrip(t *testing.T) {
	h := newHarness(t)
	setup := [][]string{
		{"SET", "str", strings.Repeat("abc", 50)},
		{"RPUSH", "list", "a", "b", "1"},
		{"SADD", "iset", "3", "1"},
		{"SADD", "hset", "x", "y"},
		{"HSET", "lph", "f", "v", "g", "2"},
		{"HSET", "hth", "f", strings.Repeat("v", 100)},
		{"ZADD", "lpz", "1", "a", "2.5", "b"},
		{"ZADD", "slz", "1", strings.Repeat("m", 100)},
	}
	for _, c := range setup {
		h.do(c...)
	}
	for _, c := range setup {
		key := c[1]
		p := hsItems(h.do("DUMP", key))[0]
		if got := h.do("RESTORE", key+"2", "0", p); got != "+OK\r\n" {
			t.Fatalf("%s: %q", key, got)
		}
		if a, b := readBack(h.do, key), readBack(h.do, key+"2"); a != b {
			t.Errorf("%s: original %q, restored %q", key, a, b)
		}
	}
}
