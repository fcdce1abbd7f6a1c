package fsm

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/hashicorp/raft"
)

// recorder collects what the FSM publishes, as "channel message".
type recorder struct {
	got []string
	n   int // the receiver count the hook answers
}

func (r *recorder) hook(channel, message []byte, shard bool) int {
	prefix := ""
	if shard {
		prefix = "shard "
	}
	r.got = append(r.got, prefix+string(channel)+" "+string(message))
	return r.n
}

func (r *recorder) take() string {
	s := strings.Join(r.got, "; ")
	r.got = nil
	return s
}

func TestPublishThroughApply(t *testing.T) {
	h := newHarness(t)
	rec := &recorder{n: 3}
	if got := h.do("PUBLISH", "ch", "hello"); got != ":0\r\n" {
		t.Fatalf("PUBLISH without a hook: %q", got)
	}
	h.f.OnPublish(rec.hook)
	tests := []struct {
		cmd        []string
		want, sent string
	}{
		{[]string{"PUBLISH", "ch", "hello"}, ":3\r\n", "ch hello"},
		{[]string{"PUBLISH", "ch", ""}, ":3\r\n", "ch "},
		{[]string{"SPUBLISH", "s", "m"}, ":3\r\n", "shard s m"},
		{[]string{"PUBLISH", "ch"}, "-ERR wrong number of arguments for 'publish' command\r\n", ""},
		// Notifications are off by default: a write publishes nothing.
		{[]string{"SET", "k", "v"}, "+OK\r\n", ""},
		// A script in apply publishes like the command.
		{[]string{"EVAL", "return redis.call('PUBLISH', 'ch', 'from-lua')", "0"}, ":3\r\n", "ch from-lua"},
	}
	for _, tc := range tests {
		if got := h.do(tc.cmd...); got != tc.want {
			t.Errorf("%q: reply %q, want %q", tc.cmd, got, tc.want)
		}
		if got := rec.take(); got != tc.sent {
			t.Errorf("%q: published %q, want %q", tc.cmd, got, tc.sent)
		}
	}
	if !h.f.Table().Lookup([]byte("publish")).NeedsLog(h.f, nil) {
		t.Error("PUBLISH must go through the log")
	}
	// On the read path (a read-only script) it would reach one node
	// only: refused, nothing delivered.
	got := h.do("EVAL_RO", "return redis.call('PUBLISH', 'ch', 'm')", "0")
	if !strings.HasPrefix(got, "-ERR") || rec.take() != "" {
		t.Errorf("PUBLISH on the read path: %q", got)
	}
}

func TestKeyspaceNotifyClasses(t *testing.T) {
	tests := []struct {
		classes string
		cmd     []string
		sent    string
	}{
		{"KEA", []string{"SET", "k", "v"}, "__keyspace@0__:k set; __keyevent@0__:set k"},
		{"K$", []string{"SET", "k", "v"}, "__keyspace@0__:k set"},
		{"E$", []string{"SET", "k", "v"}, "__keyevent@0__:set k"},
		{"Kg", []string{"SET", "k", "v"}, ""}, // not a generic event
		{"A", []string{"SET", "k", "v"}, ""},  // neither K nor E
		{"Kn", []string{"SET", "k", "v"}, ""}, // k exists from the setup
		{"Kn", []string{"SET", "k2", "v"}, "__keyspace@0__:k2 new"},
		{"KEAn", []string{"LPUSH", "l", "a"}, "__keyspace@0__:l new; __keyevent@0__:new l; __keyspace@0__:l lpush; __keyevent@0__:lpush l"},
		{"Kl", []string{"LPUSH", "l", "a"}, "__keyspace@0__:l lpush"},
		{"Kh", []string{"HSET", "h", "f", "v"}, "__keyspace@0__:h hset"},
		{"Ks", []string{"SADD", "s", "m"}, "__keyspace@0__:s sadd"},
		{"Kz", []string{"ZADD", "z", "1", "m"}, "__keyspace@0__:z zadd"},
		{"Kg", []string{"DEL", "k", "nokey"}, "__keyspace@0__:k del"},
		{"Kg", []string{"EXPIRE", "k", "100"}, "__keyspace@0__:k expire"},
		{"Kg", []string{"RENAME", "k", "k3"}, "__keyspace@0__:k rename_from; __keyspace@0__:k3 rename_to"},
		{"Kg", []string{"MOVE", "k", "2"}, "__keyspace@0__:k move_from; __keyspace@2__:k move_to"},
		{"Kg", []string{"COPY", "k", "k4", "DB", "3"}, "__keyspace@3__:k4 copy_to"},
	}
	for _, tc := range tests {
		t.Run(tc.classes+" "+strings.Join(tc.cmd, " "), func(t *testing.T) {
			h := newHarness(t)
			h.do("SET", "k", "v")
			rec := &recorder{}
			h.f.OnPublish(rec.hook)
			if got := h.do("QUORIS.CONFIG", "notify-keyspace-events", tc.classes); got != "+OK\r\n" {
				t.Fatalf("config: %q", got)
			}
			h.do(tc.cmd...)
			if got := rec.take(); got != tc.sent {
				t.Errorf("published %q, want %q", got, tc.sent)
			}
		})
	}
}

// An emptied collection is deleted after its command's event, as Redis.
func TestKeyspaceDelAfterEmptying(t *testing.T) {
	h := newHarness(t)
	rec := &recorder{}
	h.f.OnPublish(rec.hook)
	h.do("QUORIS.CONFIG", "notify-keyspace-events", "Eg$lshz")
	h.do("RPUSH", "l", "a")
	rec.take()
	h.do("LPOP", "l")
	if got, want := rec.take(), "__keyevent@0__:lpop l; __keyevent@0__:del l"; got != want {
		t.Errorf("LPOP: %q, want %q", got, want)
	}
	// Without g the del is not announced, the pop still is.
	h.do("QUORIS.CONFIG", "notify-keyspace-events", "El")
	h.do("RPUSH", "l", "a")
	h.do("RPOP", "l")
	if got, want := rec.take(), "__keyevent@0__:rpush l; __keyevent@0__:rpop l"; got != want {
		t.Errorf("RPOP: %q, want %q", got, want)
	}
}

// Expiry is announced from the write path (lazy) and from the leader's
// expire entries, at the entry's time, on every node alike.
func TestKeyspaceExpiredEvents(t *testing.T) {
	h := newHarness(t)
	rec := &recorder{}
	h.f.OnPublish(rec.hook)
	h.do("QUORIS.CONFIG", "notify-keyspace-events", "KEA")
	h.do("SET", "a", "1", "PX", "10")
	h.do("SET", "b", "1", "PX", "10")
	rec.take()
	h.advance(50)
	// A read hides the key but changes nothing: no event.
	if got := h.do("GET", "a"); got != "$-1\r\n" {
		t.Fatalf("GET expired: %q", got)
	}
	if got := rec.take(); got != "" {
		t.Fatalf("a read published %q", got)
	}
	h.do("SET", "a", "2")
	if got, want := rec.take(), "__keyspace@0__:a expired; __keyevent@0__:expired a; __keyspace@0__:a set; __keyevent@0__:set a"; got != want {
		t.Errorf("lazy expiry: %q, want %q", got, want)
	}
	h.idx++
	data := AppendEntry(nil, KindExpire, 0, h.now, [][]byte{[]byte("b")})
	h.f.Apply(&raft.Log{Index: h.idx, Type: raft.LogCommand, Data: data})
	if got, want := rec.take(), "__keyspace@0__:b expired; __keyevent@0__:expired b"; got != want {
		t.Errorf("active expiry: %q, want %q", got, want)
	}
}

// The CONFIG GET text is Redis's, while the n class survives beside A,
// in the live state and through a snapshot.
func TestNotifyKeepsNewBesideAll(t *testing.T) {
	h := newHarness(t)
	h.do("QUORIS.CONFIG", "notify-keyspace-events", "KEAn")
	if got := h.f.Setting("notify-keyspace-events"); got != "AKE" {
		t.Errorf("shown as %q, want AKE", got)
	}
	if h.f.settings.notify&NotifyNew == 0 {
		t.Error("n lost")
	}
	f2 := snapshotRoundTrip(t, h.f)
	if f2.settings.notify&NotifyNew == 0 || f2.Setting("notify-keyspace-events") != "AKE" {
		t.Errorf("after a snapshot: flags %b, shown %q", f2.settings.notify, f2.Setting("notify-keyspace-events"))
	}
}

func snapshotRoundTrip(t *testing.T, f *FSM) *FSM {
	t.Helper()
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	dst := New(16, nil)
	if err := dst.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	return dst
}
