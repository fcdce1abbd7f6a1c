package resp

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// infoField returns one field of an INFO section.
func infoField(t *testing.T, r *rawConn, section, name string) string {
	t.Helper()
	info, _ := r.val("INFO", section).(string)
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO %s has no %s", section, name)
	return ""
}

// TestTrackingInfoAndClientList checks INFO's tracking figures, CLIENT
// LIST's t/B/R flags and redir=, and that a closed or RESET connection
// leaves the tables.
func TestTrackingInfoAndClientList(t *testing.T) {
	addr, s := startTestServer(t)
	tr, other, w := dialRaw(t, addr), dialRaw(t, addr), dialRaw(t, addr)
	otherID := strconv.FormatInt(other.val("CLIENT", "ID").(int64), 10)

	if s.fsm == nil || s.track.installed {
		t.Fatal("tracker hook installed with nobody tracking")
	}
	tr.do("CLIENT", "TRACKING", "on", "REDIRECT", otherID)
	tr.do("MGET", "k1", "k2")
	w.do("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p:", "PREFIX", "q:")
	checks := []struct{ section, field, want string }{
		{"clients", "tracking_clients", "2"},
		{"stats", "tracking_total_keys", "2"},
		{"stats", "tracking_total_items", "2"},
		{"stats", "tracking_total_prefixes", "2"},
	}
	for _, c := range checks {
		if got := infoField(t, w, c.section, c.field); got != c.want {
			t.Errorf("INFO %s: got %s, want %s", c.field, got, c.want)
		}
	}
	list, _ := w.val("CLIENT", "LIST").(string)
	lines := strings.Split(strings.TrimSpace(list), "\n")
	wantFlags := []string{"flags=t db", "flags=N db", "flags=tB db"}
	wantRedir := []string{"redir=" + otherID + " ", "redir=-1 ", "redir=0 "}
	for i, line := range lines {
		if !strings.Contains(line, wantFlags[i]) || !strings.Contains(line, wantRedir[i]) {
			t.Errorf("CLIENT LIST line %d: %q, want %q and %q", i, line, wantFlags[i], wantRedir[i])
		}
	}

	// The redirect target goes away: the next invalidation marks it broken.
	other.c.Close()
	waitFor(t, func() bool { return s.clientByID(mustAtoi(t, otherID)) == nil })
	w.do("SET", "k1", "v")
	list, _ = w.val("CLIENT", "LIST").(string)
	if !strings.Contains(strings.Split(list, "\n")[0], "flags=tR db") {
		t.Errorf("after the redirect target closed: %q, want flags=tR", strings.Split(list, "\n")[0])
	}
	if got := infoField(t, w, "stats", "tracking_total_keys"); got != "1" {
		t.Errorf("tracking_total_keys after one key changed: %s, want 1", got)
	}

	// RESET turns tracking off; a closed connection leaves its prefixes.
	tr.do("RESET")
	w.c.Close()
	r := dialRaw(t, addr)
	waitFor(t, func() bool { return infoField(t, r, "clients", "tracking_clients") == "0" })
	if got := infoField(t, r, "stats", "tracking_total_prefixes"); got != "0" {
		t.Errorf("tracking_total_prefixes after the BCAST client closed: %s", got)
	}
	// The key read before RESET stays remembered until it changes (as in
	// Redis); once it does, nothing is tracked and the hook comes off.
	r.do("SET", "k2", "v")
	waitFor(t, func() bool {
		s.track.mu.Lock()
		defer s.track.mu.Unlock()
		return !s.track.installed && len(s.track.keys) == 0
	})
}

// TestTrackingExpiry checks that a key removed by expiry is
// announced, as Redis's expire does through signalModifiedKey.
func TestTrackingExpiry(t *testing.T) {
	addr, _ := startTestServer(t)
	tr := dialPS(t, addr)
	w := dialRaw(t, addr)
	w.do("SET", "e", "1", "PX", "100")
	tr.send("HELLO", "3")
	tr.read3(1)
	tr.send("CLIENT", "TRACKING", "on")
	tr.read3(1)
	tr.send("GET", "e")
	if got := tr.read3(1); got != "$1\r\n1\r\n" {
		t.Fatalf("GET e: %q", got)
	}
	// The leader's active expiry removes the key through the log.
	if got, want := tr.read3(1), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\ne\r\n"; got != want {
		t.Errorf("after expiry: %q, want %q", got, want)
	}
}

// TestTrackingCachingWindow checks CLIENT CACHING's one-command window:
// kept across CLIENT commands and a transaction, gone after anything else.
func TestTrackingCachingWindow(t *testing.T) {
	addr, s := startTestServer(t)
	r := dialRaw(t, addr)
	r.do("CLIENT", "TRACKING", "on", "OPTIN")
	tracked := func(key string) bool {
		s.track.mu.Lock()
		defer s.track.mu.Unlock()
		_, ok := s.track.keys[key]
		return ok
	}
	steps := []struct {
		cmd  []string
		key  string
		want bool
	}{
		{[]string{"GET", "a"}, "a", false},
		{[]string{"CLIENT", "CACHING", "yes"}, "", false},
		{[]string{"CLIENT", "GETREDIR"}, "", false},
		{[]string{"GET", "b"}, "b", true},
		{[]string{"GET", "c"}, "c", false},
		{[]string{"CLIENT", "CACHING", "yes"}, "", false},
		{[]string{"PING"}, "", false},
		{[]string{"GET", "d"}, "d", false},
		{[]string{"CLIENT", "CACHING", "yes"}, "", false},
		{[]string{"SET", "e", "1"}, "e", false}, // a write reads nothing
		{[]string{"GET", "f"}, "f", false},
		{[]string{"CLIENT", "CACHING", "yes"}, "", false},
		{[]string{"EVAL_RO", "return redis.call('get', KEYS[1])", "1", "g"}, "g", true},
	}
	for _, st := range steps {
		r.do(st.cmd...)
		if st.key != "" && tracked(st.key) != st.want {
			t.Errorf("after %q: %s tracked %v, want %v", st.cmd, st.key, !st.want, st.want)
		}
	}
}

func mustAtoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestTrackingTableLimit checks tracking-table-max-keys: past it, keys are
// invalidated as if changed until the table fits.
func TestTrackingTableLimit(t *testing.T) {
	addr, s := startTestServer(t)
	r := dialRaw(t, addr)
	if got := r.do("CONFIG", "SET", "tracking-table-max-keys", "2"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET: %q", got)
	}
	waitFor(t, func() bool { return s.track.maxKeys.Load() == 2 })
	tr := dialPS(t, addr)
	tr.send("HELLO", "3")
	tr.read3(1)
	tr.send("CLIENT", "TRACKING", "on")
	tr.read3(1)
	tr.send("MGET", "k1", "k2", "k3")
	tr.read3(1)
	push := tr.read3(1)
	if !strings.HasPrefix(push, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk") {
		t.Errorf("over the limit: %q, want an invalidation of one key", push)
	}
	if got := infoField(t, r, "stats", "tracking_total_keys"); got != "2" {
		t.Errorf("tracking_total_keys: %s, want 2", got)
	}
}
