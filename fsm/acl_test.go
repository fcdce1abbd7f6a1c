package fsm

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestACLUserApply(t *testing.T) {
	hash := HashPassword([]byte("pw"))
	for _, tc := range []struct {
		ops     []string
		wantOps string // Ops() of the result, or the error
	}{
		{nil, ""},
		{[]string{"on", ">pw", "~a*", "%R~r*", "%W~w*", "%RW~rw", "&c*", "+get", "-@write"},
			"on #" + hash + " ~a* %R~r* %W~w* ~rw &c* +get -@write"},
		{[]string{"%R~k", "%W~k"}, "~k"},
		{[]string{">pw", ">pw", "<pw"}, ""},
		{[]string{">pw", "nopass"}, "nopass"},
		{[]string{"nopass", ">pw"}, "#" + hash},
		{[]string{"+get", "-get", "+set", "+GET"}, "+set +get"},
		{[]string{"+get", "allcommands", "-set"}, "+@all -set"},
		{[]string{"allkeys", "allchannels", "+@all", "on", "reset"}, "sanitize-payload"},
		{[]string{"skip-sanitize-payload"}, "skip-sanitize-payload"},
		{[]string{"<nope"}, "The password you are trying to remove from the user does not exist"},
		{[]string{"#abc"}, "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"},
		{[]string{"#" + strings.ToUpper(hash)}, "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"},
		{[]string{"allkeys", "~a"}, errACLAllKeys.Msg},
		{[]string{"&*", "&a"}, errACLAllChans.Msg},
		{[]string{"%X~a"}, "Syntax error"},
		{[]string{"%~a"}, "Syntax error"},
		{[]string{"%R"}, "Syntax error"},
		{[]string{"~a b"}, "Syntax error"},
		{[]string{"bogus"}, "Syntax error"},
		{[]string{"(~a +get)"}, "(~a +get)"},
		{[]string{"~r*", "(%R~a* &c +@read -hget)", "(allkeys allcommands)"}, "~r* (%R~a* &c +@read -hget) (~* +@all)"},
		{[]string{"(~a +get)", "clearselectors", "+set"}, "+set"},
		{[]string{"(~a +get)", "reset"}, "sanitize-payload"},
		{[]string{"(on)"}, "Syntax error"},
		{[]string{"(>pw)"}, "Syntax error"},
		{[]string{"(~a b)"}, "Syntax error"},
		{[]string{"x)"}, "Syntax error"},
		{[]string{"()"}, "()"},
		{[]string{"+"}, "Unknown command or category name in ACL"},
	} {
		u := NewACLUser("u")
		var got string
		for _, op := range tc.ops {
			if err := u.Apply(op); err != nil {
				got = err.Error()
				break
			}
		}
		if got == "" {
			got = strings.Join(u.Ops(), " ")
		}
		if got != tc.wantOps {
			t.Errorf("%q: got %q, want %q", tc.ops, got, tc.wantOps)
		}
	}
}

func TestACLCommandsReplicated(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"QUORIS.ACL", "SETUSER", "alice", "on", ">pw", "~k*", "+get"}, "+OK\r\n"},
		{[]string{"QUORIS.ACL", "SETUSER", "alice", "~x", "bogus"}, "-ERR Error in ACL SETUSER modifier 'bogus': Syntax error\r\n"},
		{[]string{"QUORIS.ACL", "SETUSER", "a b"}, "-ERR Usernames can't contain spaces or null characters\r\n"},
		{[]string{"QUORIS.ACL", "DELUSER", "default"}, "-ERR The 'default' user cannot be removed\r\n"},
		{[]string{"QUORIS.ACL", "SETUSER", "bob"}, "+OK\r\n"},
		{[]string{"QUORIS.ACL", "DELUSER", "bob", "nobody"}, ":1\r\n"},
		{[]string{"QUORIS.ACL", "SECRET", "s1"}, "+OK\r\n"},
		{[]string{"QUORIS.ACL", "SECRET", "s2"}, "+OK\r\n"},
		{[]string{"QUORIS.ACL", "NOPE"}, "-ERR syntax error\r\n"},
		{[]string{"QUORIS.CONFIG", "requirepass", "secret"}, "+OK\r\n"},
	} {
		if got := h.do(tc.cmd...); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.cmd, got, tc.want)
		}
	}
	a := h.f.ACL()
	if got := a.Names(); !reflect.DeepEqual(got, []string{"alice", "default"}) {
		t.Errorf("users: %q", got)
	}
	if alice := a.Get("alice"); alice == nil || len(alice.Keys) != 1 || alice.Keys[0].Pattern != "k*" {
		t.Errorf("a refused SETUSER changed alice: %+v", alice)
	}
	if a.PeerSecret != "s1" {
		t.Errorf("secret %q: the first one stays", a.PeerSecret)
	}
	if !a.AuthRequired() || a.CheckPassword("default", []byte("secret")) == nil || a.CheckPassword("default", []byte("x")) != nil {
		t.Error("requirepass did not set the default user's password")
	}
	if a.CheckPassword("alice", []byte("pw")) == nil || a.CheckPassword("nobody", []byte("pw")) != nil {
		t.Error("alice's password")
	}
	h.do("QUORIS.CONFIG", "requirepass", "")
	if h.f.ACL().AuthRequired() {
		t.Error("requirepass '' must make the default user nopass")
	}
	// LOAD replaces every user; default comes back when the file has none.
	if got := h.do("QUORIS.ACL", "LOAD", "carol", "on nopass +@all"); got != "+OK\r\n" {
		t.Fatalf("LOAD: %q", got)
	}
	if got := h.f.ACL().Names(); !reflect.DeepEqual(got, []string{"carol", "default"}) {
		t.Errorf("after LOAD: %q", got)
	}
	if got := h.do("QUORIS.ACL", "LOAD", "x", "on", "x", "off"); !strings.HasPrefix(got, "-ERR Duplicate user") {
		t.Errorf("LOAD with a duplicate: %q", got)
	}
}

// TestACLSnapshotRoundTrip persists users and the peer secret and restores
// them into a fresh FSM; a later change is not in the snapshot.
func TestACLSnapshotRoundTrip(t *testing.T) {
	h := newHarness(t)
	h.do("QUORIS.ACL", "SECRET", "cafe")
	h.do("QUORIS.ACL", "SETUSER", "alice", "on", ">pw", "~k*", "%R~r*", "&c*", "+@all", "-@dangerous", "+get|x")
	h.do("QUORIS.ACL", "SETUSER", "bob", "reset", "skip-sanitize-payload")
	h.do("QUORIS.ACL", "SETUSER", "carol", "on", "~a*", "+get", "(~b* &x +set)", "(%W~c* +@write -del)", "()")
	h.do("QUORIS.CONFIG", "requirepass", "top")
	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	h.do("QUORIS.ACL", "SETUSER", "later", "on")
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	dst := newHarness(t)
	if err := dst.f.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	src, got := h.f.ACL(), dst.f.ACL()
	if got.PeerSecret != "cafe" {
		t.Errorf("secret %q", got.PeerSecret)
	}
	if names := got.Names(); !reflect.DeepEqual(names, []string{"alice", "bob", "carol", "default"}) {
		t.Errorf("users %q", names)
	}
	if n := len(got.Get("carol").Selectors); n != 3 {
		t.Errorf("carol has %d selectors after the restore, want 3", n)
	}
	for _, n := range []string{"alice", "bob", "carol", "default"} {
		if !reflect.DeepEqual(src.Get(n), got.Get(n)) {
			t.Errorf("%s: restored %+v, want %+v", n, got.Get(n), src.Get(n))
		}
	}
	if got.CheckPassword("default", []byte("top")) == nil {
		t.Error("requirepass lost")
	}

	// A snapshot without ACL records (an older one) keeps the default user.
	empty := newHarness(t)
	snap2, _ := empty.f.Snapshot()
	var sink2 bufSink
	snap2.Persist(&sink2)
	dst2 := newHarness(t)
	dst2.do("QUORIS.ACL", "SETUSER", "gone", "on")
	if err := dst2.f.Restore(io.NopCloser(bytes.NewReader(sink2.Bytes()))); err != nil {
		t.Fatal(err)
	}
	if names := dst2.f.ACL().Names(); !reflect.DeepEqual(names, []string{"default"}) {
		t.Errorf("after restoring a snapshot without users: %q", names)
	}
}

func TestAsUserWrapsScriptsOnly(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"QUORIS.ASUSER", "u", "SET", "k", "v"}, "-" + errAsUser.Error() + "\r\n"},
		{[]string{"QUORIS.ASUSER", "u", "EVAL"}, "-" + errAsUser.Error() + "\r\n"},
		// No check installed (the RESP layer installs it): the script runs.
		{[]string{"QUORIS.ASUSER", "u", "EVAL", "return redis.call('set', KEYS[1], 'v')", "1", "k"}, "+OK\r\n"},
	} {
		if got := h.do(tc.cmd...); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.cmd, got, tc.want)
		}
	}
	h.f.SetScriptACL(func(user string, args [][]byte) string {
		if user == "u" && strings.EqualFold(string(args[0]), "set") {
			return "The user executing the script can't run this command or subcommand"
		}
		return ""
	})
	if got := h.do("QUORIS.ASUSER", "u", "EVAL", "return redis.call('set', KEYS[1], 'w')", "1", "k"); !strings.HasPrefix(got, "-ERR The user executing the script can't run this command or subcommand") {
		t.Errorf("denied SET in a script: %q", got)
	}
	if got := h.do("GET", "k"); got != "$1\r\nv\r\n" {
		t.Errorf("the denied SET wrote: %q", got)
	}
	if got := h.do("QUORIS.ASUSER", "other", "EVAL", "return redis.call('set', KEYS[1], 'w')", "1", "k"); got != "+OK\r\n" {
		t.Errorf("another user: %q", got)
	}
}
