package fsm

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"

	"github.com/hashicorp/raft"
)

// FuzzTxEntry: arbitrary QUORIS.TX arguments (decoded from the fuzz input
// as an entry's argument list) must never panic the FSM, which answers a
// damaged transaction with an error.
func FuzzTxEntry(f *testing.F) {
	seed := func(w []TxWatch, c []TxCmd) {
		args := AppendTx(nil, w, c)[1:] // without the name
		f.Add(AppendEntry(nil, KindCommand, 0, 1, args))
	}
	seed(nil, []TxCmd{{DB: 0, Args: argv("SET k v")}, {DB: 1, Args: argv("INCR n")}})
	seed([]TxWatch{{DB: 0, Key: "k", Version: 1, Since: 1}}, []TxCmd{{DB: 0, Args: argv("GET k")}})
	seed([]TxWatch{{DB: 99, Key: "k"}}, []TxCmd{{DB: 5, Args: argv("SET k v")}})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := DecodeEntry(b)
		if err != nil {
			return
		}
		_, _, _ = parseTx(e.Args)
		args := append([][]byte{[]byte("QUORIS.TX")}, e.Args...)
		fs := New(2, nil)
		applyEntry(fs, 1, KindCommand, 0, 1, "SET", "k", "1")
		fs.Apply(&raft.Log{Index: 2, Term: 1, Type: raft.LogCommand, Data: AppendEntry(nil, KindCommand, 0, 2, args)})
	})
}

// FuzzEntrySequence: a sequence of arbitrary entries (each a length, a
// term step and the entry's bytes) never panics, and every node applying
// it reaches the same state: a second FSM, and a third restored from a
// snapshot of the first taken half way, end with the same dataset digest
// and staged commands.
func FuzzEntrySequence(f *testing.F) {
	seq := func(entries ...[]byte) []byte {
		var b []byte
		for i, e := range entries {
			b = binary.AppendUvarint(b, uint64(len(e)))
			b = append(b, byte(i%3/2)) // a term step now and then
			b = append(b, e...)
		}
		return b
	}
	blob := AppendEntry(nil, KindCommand, 0, 5, argv("SET big 0123456789abcdef"))
	chunk := func(off, end int) []byte {
		return AppendStageChunk(nil, 3, uint64(len(blob)), uint64(off), blob[off:end])
	}
	item := AppendBatchItemKind(AppendBatchHeader(nil, 1), KindStaged, 0, 6, StagedArgs(3))
	f.Add(seq(chunk(0, 10), chunk(10, len(blob)), item))
	f.Add(seq(chunk(0, 10), testBatch(0, 5, argv("SET a 1"), argv("LPUSH l x")), chunk(10, len(blob)), item, AppendStageAbort(nil, 3)))
	f.Add(seq(testBatch(0, 5, argv("SET a 1")), AppendEntry(nil, KindCommand, 1, 7, argv("SADD s a b"))))
	f.Fuzz(func(t *testing.T, b []byte) {
		var entries [][]byte
		var terms []uint64
		term := uint64(1)
		for len(b) > 0 && len(entries) < 64 {
			n, k := binary.Uvarint(b)
			if k <= 0 || n > uint64(len(b)-k-1) || len(b) < k+1 {
				break
			}
			term += uint64(b[k] & 1)
			entries = append(entries, b[k+1:k+1+int(n)])
			terms = append(terms, term)
			b = b[k+1+int(n):]
		}
		a, c := New(2, nil), New(2, nil)
		var snap bytes.Buffer
		half := len(entries) / 2
		for i, e := range entries {
			l := func() *raft.Log {
				return &raft.Log{Index: uint64(i + 1), Term: terms[i], Type: raft.LogCommand, Data: append([]byte(nil), e...)}
			}
			a.Apply(l())
			c.Apply(l())
			if i+1 == half {
				s, err := a.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				sink := &bufSink{}
				if err := s.Persist(sink); err != nil {
					t.Fatal(err)
				}
				snap = sink.Buffer
			}
		}
		if a.DatasetDigest(1<<40) != c.DatasetDigest(1<<40) {
			t.Fatal("two FSMs applying the same entries differ")
		}
		if half == 0 {
			return
		}
		r := New(2, nil)
		if err := r.Restore(io.NopCloser(&snap)); err != nil {
			t.Fatalf("restoring the snapshot: %v", err)
		}
		for i := half; i < len(entries); i++ {
			r.Apply(&raft.Log{Index: uint64(i + 1), Term: terms[i], Type: raft.LogCommand, Data: append([]byte(nil), entries[i]...)})
		}
		if a.DatasetDigest(1<<40) != r.DatasetDigest(1<<40) || len(a.staged) != len(r.staged) {
			t.Fatal("a node restored from a snapshot differs from one that applied every entry")
		}
	})
}
