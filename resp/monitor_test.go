package resp

import (
	"testing"
	"time"
)

func TestAppendMonitorLine(t *testing.T) {
	now := time.Unix(1701234567, 123456789)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"SET", "k", "v"}, `+1701234567.123456 [3 1.2.3.4:5] "SET" "k" "v"` + "\r\n"},
		{[]string{"SET", "k", "a\"b\\c\n\r\t\a\b\x00\xff~ "}, `+1701234567.123456 [3 1.2.3.4:5] "SET" "k" "a\"b\\c\n\r\t\a\b\x00\xff~ "` + "\r\n"},
		{[]string{"AUTH", "u", "p"}, `+1701234567.123456 [3 1.2.3.4:5] "AUTH" "(redacted)" "(redacted)"` + "\r\n"},
		{[]string{"hello", "3", "setname", "auth", "AUTH", "u", "p"}, `+1701234567.123456 [3 1.2.3.4:5] "hello" "3" "setname" "auth" "AUTH" "(redacted)" "(redacted)"` + "\r\n"},
		{[]string{"MIGRATE", "h", "1", "", "0", "10", "AUTH2", "u", "p", "KEYS", "auth", "x"},
			`+1701234567.123456 [3 1.2.3.4:5] "MIGRATE" "h" "1" "" "0" "10" "AUTH2" "(redacted)" "(redacted)" "KEYS" "auth" "x"` + "\r\n"},
	}
	for _, tc := range cases {
		argv := make([][]byte, len(tc.args))
		for i, a := range tc.args {
			argv[i] = []byte(a)
		}
		if got := string(appendMonitorLine(nil, now, 3, "1.2.3.4:5", argv)); got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.args, got, tc.want)
		}
	}
	// Microseconds are zero-padded.
	if got := string(appendMonitorLine(nil, time.Unix(5, 7000), 0, "a", [][]byte{[]byte("PING")})); got != "+5.000007 [0 a] \"PING\"\r\n" {
		t.Errorf("padding: %q", got)
	}
}

func TestPauseStateReplaces(t *testing.T) {
	var p pauseState
	now := time.Now()
	p.set(now.Add(time.Hour), true)
	p.set(now.Add(time.Millisecond), false) // mode replaced, later end kept
	if hold, end, _ := p.holds(false); hold || !end.IsZero() && end.Before(now.Add(time.Minute)) {
		t.Fatalf("read under WRITE pause: hold=%v end=%v", hold, end)
	}
	if hold, end, _ := p.holds(true); !hold || end.Before(now.Add(time.Minute)) {
		t.Fatalf("write: hold=%v end=%v", hold, end)
	}
	p.lift()
	if hold, _, _ := p.holds(true); hold || p.on.Load() {
		t.Fatal("still paused after lift")
	}
	p.set(time.Now().Add(-time.Millisecond), true)
	if hold, _, _ := p.holds(true); hold {
		t.Fatal("an expired pause holds")
	}
}

func TestUnblockOnce(t *testing.T) {
	cl := &client{}
	if cl.unblock(true) {
		t.Fatal("unblocked a client that waits for nothing")
	}
	ch := cl.enterBlock()
	if !cl.unblock(true) || cl.unblock(false) {
		t.Fatal("UNBLOCK must succeed once")
	}
	if asErr := <-ch; !asErr {
		t.Fatal("reason lost")
	}
	cl.leaveBlock()
	if cl.blocked.Load() {
		t.Fatal("still flagged blocked")
	}
}
