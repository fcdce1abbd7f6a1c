package resp

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestConfig(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"CONFIG", "GET", "maxmemory"}, "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"},
		// An exact name is answered as typed, a pattern in lower case.
		{[]string{"CONFIG", "GET", "MaxMemory"}, "*2\r\n$9\r\nMaxMemory\r\n$1\r\n0\r\n"},
		{[]string{"CONFIG", "GET", "MAXMEMORY-P*"}, "*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n"},
		{[]string{"CONFIG", "GET", "nosuch"}, "*0\r\n"},
		{[]string{"CONFIG", "GET", "hash-max-*-entries"}, "*4\r\n$25\r\nhash-max-listpack-entries\r\n$3\r\n512\r\n$24\r\nhash-max-ziplist-entries\r\n$3\r\n512\r\n"},
		// Each name once, whichever pattern found it first.
		{[]string{"CONFIG", "GET", "port", "p*", "maxmemory"}, "*14\r\n$4\r\nport\r\n$4\r\n6379\r\n$14\r\nprotected-mode\r\n$3\r\nyes\r\n$7\r\npidfile\r\n$0\r\n\r\n$19\r\nproc-title-template\r\n$35\r\n{title} {listen-addr} {server-mode}\r\n$26\r\npropagation-error-behavior\r\n$6\r\nignore\r\n$18\r\nproto-max-bulk-len\r\n$9\r\n536870912\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"},
		// quoris's own settings come from the operator's configuration.
		{[]string{"CONFIG", "GET", "node-*"}, "*2\r\n$7\r\nnode-id\r\n$2\r\nn1\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory", "100mb"}, "+OK\r\n"},
		{[]string{"CONFIG", "GET", "maxmemory"}, "*2\r\n$9\r\nmaxmemory\r\n$9\r\n104857600\r\n"},
		{[]string{"CONFIG", "SET", "MaxMemory", "5", "loglevel", "DEBUG", "timeout", "30"}, "+OK\r\n"},
		{[]string{"CONFIG", "GET", "maxmemory", "loglevel", "timeout"}, "*6\r\n$9\r\nmaxmemory\r\n$1\r\n5\r\n$8\r\nloglevel\r\n$5\r\ndebug\r\n$7\r\ntimeout\r\n$2\r\n30\r\n"},
		{[]string{"CONFIG", "SET", "foo", "1"}, "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory", "abc"}, "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory", "1", "MAXMEMORY", "2"}, "-ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory", "1", "port"}, "-ERR syntax error\r\n"},
		{[]string{"CONFIG", "SET", "daemonize", "yes"}, "-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n"},
		{[]string{"CONFIG", "SET", "dir", "/tmp"}, "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n"},
		// Names are all checked before any value: the immutable one wins.
		{[]string{"CONFIG", "SET", "maxmemory", "abc", "databases", "1"}, "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n"},
		// All or nothing: the refused port puts maxmemory and loglevel back.
		{[]string{"CONFIG", "SET", "maxmemory", "7", "loglevel", "warning", "port", "1"}, "-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config\r\n"},
		{[]string{"CONFIG", "GET", "maxmemory", "loglevel"}, "*4\r\n$9\r\nmaxmemory\r\n$1\r\n5\r\n$8\r\nloglevel\r\n$5\r\ndebug\r\n"},
		// maxmemory is enforced at apply: the first key fits in 5 bytes of
		// an empty dataset, the second write is over (noeviction).
		{[]string{"SET", "oom", "1"}, "+OK\r\n"},
		{[]string{"SET", "oom2", "1"}, "-OOM command not allowed when used memory > 'maxmemory'.\r\n"},
		{[]string{"DEL", "oom"}, ":1\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory", "0"}, "+OK\r\n"},
		// A refused replicated value leaves the node-local ones untouched.
		{[]string{"CONFIG", "SET", "timeout", "40", "set-max-intset-entries", "-1"}, "-ERR CONFIG SET failed (possibly related to argument 'set-max-intset-entries') - argument must be between 0 and 9223372036854775807 inclusive\r\n"},
		{[]string{"CONFIG", "GET", "timeout"}, "*2\r\n$7\r\ntimeout\r\n$2\r\n30\r\n"},
		{[]string{"CONFIG", "SET", "hash-max-ziplist-entries", "1", "notify-keyspace-events", "KEA"}, "+OK\r\n"},
		{[]string{"CONFIG", "GET", "hash-max-listpack-entries", "notify-keyspace-events"}, "*4\r\n$25\r\nhash-max-listpack-entries\r\n$1\r\n1\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n"},
		{[]string{"HSET", "h", "a", "1"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "h"}, "$8\r\nlistpack\r\n"},
		{[]string{"HSET", "h", "b", "2"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "h"}, "$9\r\nhashtable\r\n"},
		{[]string{"CONFIG", "SET", "snapshot-threshold", "100"}, "+OK\r\n"},
		{[]string{"CONFIG", "GET", "snapshot-threshold"}, "*2\r\n$18\r\nsnapshot-threshold\r\n$3\r\n100\r\n"},
		{[]string{"CONFIG", "REWRITE"}, "-ERR The server is running without a config file\r\n"},
		{[]string{"CONFIG", "RESETSTAT"}, "+OK\r\n"},
	}
	for _, tc := range tests {
		if got := r.do(tc.args...); got != tc.want {
			t.Errorf("%v = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestConfigWithoutSettings(t *testing.T) {
	addr, s := startTestServerWith(t, nil)
	r := dialRaw(t, addr)
	got := r.val("CONFIG", "GET", "*").([]any)
	if len(got) < 2*190 {
		t.Fatalf("CONFIG GET * has %d entries", len(got)/2)
	}
	// Without an operator configuration, port is where it listens.
	port := r.val("CONFIG", "GET", "port").([]any)[1].(string)
	if want := addr[strings.LastIndexByte(addr, ':')+1:]; port != want {
		t.Errorf("port = %q, want %q", port, want)
	}
	if got := r.do("CONFIG", "SET", "port", port); got != "+OK\r\n" {
		t.Errorf("CONFIG SET port (same) = %q", got)
	}
	if got := r.do("CONFIG", "SET", "port", "1"); got != "-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config\r\n" {
		t.Errorf("CONFIG SET port = %q", got)
	}
	if got := r.do("CONFIG", "SET", "node-id", "x"); got != "-ERR Unknown option or number of arguments for CONFIG SET - 'node-id'\r\n" {
		t.Errorf("CONFIG SET node-id = %q", got)
	}
	if got := s.configValue("slowlog-max-len"); got != "128" {
		t.Errorf("configValue(slowlog-max-len) = %q", got)
	}
}

func TestConfigMaxclients(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	if got := r.do("CONFIG", "SET", "maxclients", "1"); got != "+OK\r\n" {
		t.Fatal(got)
	}
	r2 := dialRaw(t, addr)
	buf := make([]byte, 64)
	n, _ := r2.rd.Read(buf)
	if got := string(buf[:n]); got != "-ERR max number of clients reached\r\n" {
		t.Fatalf("second client got %q", got)
	}
	if got := r.do("CONFIG", "SET", "maxclients", "10000"); got != "+OK\r\n" {
		t.Fatal(got)
	}
	if got := dialRaw(t, addr).do("PING"); got != "+PONG\r\n" {
		t.Fatal(got)
	}
}

// rewriteSettings is a fakeSettings that rewrites to a file.
type rewriteSettings struct {
	*fakeSettings
	path string
}

func (r rewriteSettings) Rewrite(redis map[string]string) error {
	var b strings.Builder
	for _, k := range sortedKeys(redis) {
		b.WriteString(k + " " + redis[k] + "\n")
	}
	return os.WriteFile(r.path, []byte(b.String()), 0o644)
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestConfigRewriteHandsNodeLocalChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conf")
	addr, _ := startTestServerWith(t, rewriteSettings{newFakeSettings(), path})
	r := dialRaw(t, addr)
	for _, args := range [][]string{
		{"CONFIG", "SET", "timeout", "9", "save", "", "maxmemory", "1mb", "loglevel", "warning"},
		{"CONFIG", "REWRITE"},
	} {
		if got := r.do(args...); got != "+OK\r\n" {
			t.Fatalf("%v = %q", args, got)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Replicated settings (maxmemory) live in the raft log; the operator's
	// own (loglevel) are the Settings' business.
	if got, want := string(b), "save \ntimeout 9\n"; got != want {
		t.Fatalf("rewritten %q, want %q", got, want)
	}
}

func TestConfigTimeoutClosesIdleClients(t *testing.T) {
	addr, s := startTestServer(t)
	r := dialRaw(t, addr)
	if got := r.do("CONFIG", "SET", "timeout", "1"); got != "+OK\r\n" {
		t.Fatal(got)
	}
	idle := dialRaw(t, addr)
	idle.do("PING")
	blocked := dialRaw(t, addr)
	blocked.c.Write(appendCommand(nil, [][]byte{[]byte("BLPOP"), []byte("nokey"), []byte("0")}))
	time.Sleep(100 * time.Millisecond)
	// Two seconds later, by the server's clock, the idle client is closed
	// and the blocked one is not.
	s.closeIdle(time.Now().Add(2 * time.Second))
	idle.c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := idle.rd.ReadByte(); err == nil {
		t.Fatal("idle client still open")
	}
	blocked.c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := blocked.rd.ReadByte(); err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("blocked client: %v", err)
	}
	// r was idle too; a new client turns the timeout off.
	if got := dialRaw(t, addr).do("CONFIG", "SET", "timeout", "0"); got != "+OK\r\n" {
		t.Fatal(got)
	}
}
