package fsm

import (
	"errors"
	"reflect"
	"testing"
)

func TestEntryRoundTrip(t *testing.T) {
	tests := []struct {
		kind byte
		db   int
		now  int64
		args [][]byte
	}{
		{KindCommand, 0, 1_700_000_000_000, [][]byte{[]byte("SET"), []byte("k"), []byte("v")}},
		{KindExpire, 15, -5, [][]byte{[]byte("a"), {}, []byte("c")}},
		{KindMeta, 3, 0, [][]byte{}},
	}
	for _, tc := range tests {
		b := AppendEntry(nil, tc.kind, tc.db, tc.now, tc.args)
		e, err := DecodeEntry(b)
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind != tc.kind || e.DB != tc.db || e.Time != tc.now || len(e.Args) != len(tc.args) {
			t.Fatalf("got %+v", e)
		}
		for i := range tc.args {
			if !reflect.DeepEqual(append([]byte{}, e.Args[i]...), append([]byte{}, tc.args[i]...)) {
				t.Fatalf("arg %d: %q != %q", i, e.Args[i], tc.args[i])
			}
		}
	}
}

func TestDecodeEntryRejectsGarbage(t *testing.T) {
	good := AppendEntry(nil, KindCommand, 1, 42, [][]byte{[]byte("GET"), []byte("key")})
	for _, b := range [][]byte{nil, {1}, good[:len(good)-1], append(append([]byte{}, good...), 0), {1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}} {
		if _, err := DecodeEntry(b); !errors.Is(err, ErrBadEntry) {
			t.Errorf("DecodeEntry(%x) = %v, want ErrBadEntry", b, err)
		}
	}
}

// FuzzDecodeEntry: arbitrary bytes must never panic, and a bad entry applied
// to the FSM must produce an error reply, not a crash.
func FuzzDecodeEntry(f *testing.F) {
	f.Add(AppendEntry(nil, KindCommand, 0, 1, [][]byte{[]byte("PING")}))
	f.Add(testBatch(0, 1, [][]byte{[]byte("SET"), []byte("k"), []byte("v")}, [][]byte{[]byte("GET"), []byte("k")}))
	f.Add(AppendStageChunk(nil, 1, 10, 0, []byte("abcde")))
	f.Add(AppendBatchItemKind(AppendBatchHeader(nil, 1), KindStaged, 0, 1, StagedArgs(1)))
	f.Add(AppendEntry(nil, KindCommand, 0, 1, AppendTx(nil, nil, []TxCmd{{DB: 0, Args: [][]byte{[]byte("SET"), []byte("k"), []byte("v")}}})))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = DecodeEntry(b)
		fs := New(2, nil)
		fs.applyEntry(1, b)
	})
}
