package fsm

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

func tokenOf(t *testing.T, reply string) uint64 {
	t.Helper()
	if len(reply) < 4 || reply[0] != ':' {
		t.Fatalf("not an integer reply: %q", reply)
	}
	n, err := strconv.ParseUint(reply[1:len(reply)-2], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestKeyVersion(t *testing.T) {
	h := strHarness(t)
	h.cases([]strCase{
		{strCmd("keyversion", "missing"), strNil},
		{strCmd("keyversion"), strArityErr("keyversion")},
		{strCmd("set", "k", "v"), strOK},
	})
	first := tokenOf(t, h.do("keyversion", "k"))
	if first != h.idx<<16 {
		t.Fatalf("token %d, want index %d << 16", first, h.idx)
	}
	h.do("get", "k") // reads change nothing
	if got := tokenOf(t, h.do("keyversion", "k")); got != first {
		t.Fatalf("a read changed the token: %d -> %d", first, got)
	}
	h.do("set", "k", "v") // the same value is still a change
	second := tokenOf(t, h.do("keyversion", "k"))
	if second <= first {
		t.Fatalf("token did not grow: %d -> %d", first, second)
	}
	h.do("pexpire", "k", "10")
	h.advance(10)
	if got := h.do("keyversion", "k"); got != strNil {
		t.Fatalf("expired key: %q", got)
	}
	if got := tokenOf(t, h.do("keyversion", "list")); got != 0 {
		t.Fatalf("any type has a version: %d", got)
	}
}

// TestTokensInOneBatch: a release and an acquisition by another client, or
// an expiry and an acquisition, can share a log entry; their tokens must
// still be ordered, and differ.
func TestTokensInOneBatch(t *testing.T) {
	h := strHarness(t)
	h.do("set", "lock", "a", "px", "5")
	replies := h.applyBatchOf(100,
		strCmd("set", "lock", "b", "nx", "px", "1000"), // A still holds it: refused
		strCmd("delex", "lock", "ifeq", "a"),           // A releases
		strCmd("set", "lock", "b", "nx", "px", "1000"), // B acquires
		strCmd("keyversion", "lock"),
	)
	if replies[0] != strNil || replies[1] != strInt(1) || replies[2] != strOK {
		t.Fatalf("replies %q", replies)
	}
	bTok := tokenOf(t, replies[3])
	if bTok != 100<<16|2 {
		t.Fatalf("B's token %d, want %d", bTok, 100<<16|2)
	}
	h.now += 2000 // B's lock expires between the next batch's commands
	replies = h.applyBatchOf(101,
		strCmd("set", "lock", "c", "nx", "px", "1000"),
		strCmd("keyversion", "lock"),
		strCmd("delex", "lock", "ifeq", "c"),
		strCmd("set", "lock", "d", "nx", "px", "1000"),
		strCmd("keyversion", "lock"),
	)
	cTok, dTok := tokenOf(t, replies[1]), tokenOf(t, replies[4])
	if !(bTok < cTok && cTok < dTok) {
		t.Fatalf("tokens not increasing: b=%d c=%d d=%d", bTok, cTok, dTok)
	}
	// WATCH still sees raft indexes.
	if it, _ := h.f.dbs[0].raw("lock"); it.Version != 101 || it.Pos != 3 {
		t.Fatalf("version %d pos %d", it.Version, it.Pos)
	}
}

// TestAcquireWithTokenInTransaction: MULTI; SET NX PX; KEYVERSION; EXEC is
// one log entry, so the token read is the acquisition's own.
func TestAcquireWithTokenInTransaction(t *testing.T) {
	h := strHarness(t)
	tx := func(val string) []string {
		args := AppendTx(nil, nil, []TxCmd{
			{Args: [][]byte{[]byte("set"), []byte("lock"), []byte(val), []byte("nx"), []byte("px"), []byte("1000")}},
			{Args: [][]byte{[]byte("keyversion"), []byte("lock")}},
		})
		out := make([]string, len(args))
		for i, a := range args {
			out[i] = string(a)
		}
		return out
	}
	replies := h.applyBatchOf(50, tx("a"), tx("b"))
	wantA := "*2\r\n+OK\r\n" + strInt(50<<16)
	if replies[0] != wantA {
		t.Fatalf("A: %q, want %q", replies[0], wantA)
	}
	// B lost: its SET is nil and the token it read is A's, which is why a
	// client uses the token only when its SET succeeded.
	if wantB := "*2\r\n" + strNil + strInt(50<<16); replies[1] != wantB {
		t.Fatalf("B: %q, want %q", replies[1], wantB)
	}
}

func TestTokenSurvivesSnapshot(t *testing.T) {
	h := newHarness(t)
	h.applyBatchOf(7, strCmd("set", "a", "1"), strCmd("set", "b", "2"), strCmd("rpush", "l", "x"))
	want := map[string]string{}
	for _, k := range []string{"a", "b", "l"} {
		want[k] = h.do("keyversion", k)
	}
	snap, err := h.f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t)
	if err := h2.f.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	for k, w := range want {
		if got := h2.do("keyversion", k); got != w {
			t.Errorf("%s: %q after restore, %q before", k, got, w)
		}
	}
	if w := strInt(7<<16 | 2); want["l"] != w {
		t.Errorf("l: %q, want %q", want["l"], w)
	}
}
