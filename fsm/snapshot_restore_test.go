package fsm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/quoris/quoris/snapshot"
)

func persistBytes(t *testing.T, f *FSM) []byte {
	t.Helper()
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var sink bufSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	return sink.Bytes()
}

// expiries lists db's expiry index in deadline order.
func expiries(db *DB) []expSlot {
	var out []expSlot
	db.Expired(math.MaxInt64, func(key string, at int64) bool {
		out = append(out, expSlot{at: at, key: key})
		return true
	})
	return out
}

// TestRestoreRebuildsSameState restores snapshots of every kind of state
// and checks that the restored FSM persists to the very same bytes (so
// nothing persisted was lost or reordered) and rebuilt the expiry index,
// which is not persisted, exactly.
func TestRestoreRebuildsSameState(t *testing.T) {
	tests := []struct {
		name  string
		build func(h *harness)
	}{
		{"empty", func(h *harness) {}},
		{"strings", func(h *harness) {
			rng := rand.New(rand.NewPCG(3, 4))
			for i := range 20_000 {
				k := "k" + strconv.Itoa(rng.IntN(30_000))
				switch i % 5 {
				case 0:
					h.do("SET", k, strconv.Itoa(i)) // int encoding
				case 1:
					h.do("SET", k, string(bytes.Repeat([]byte{byte(i)}, i%300)), "PX", strconv.Itoa(1000+i%700))
				case 2:
					h.do("APPEND", k, "raw")
				case 3:
					h.do("DEL", k) // tombstones
				default:
					h.do("INCRBYFLOAT", k+"f", "1.5")
				}
			}
			h.do("SET", "", "empty key")
			h.do("SET", "empty value", "")
		}},
		{"every type and database", func(h *harness) {
			for db := range 4 {
				h.do("SELECT", strconv.Itoa(db))
				h.db = db
				for i := range 300 {
					s := strconv.Itoa(i)
					h.do("HSET", "h"+s, "f", s, "g", s+s)
					h.do("SADD", "si"+s, s, "7")
					h.do("SADD", "ss"+s, "m"+s)
					h.do("RPUSH", "l"+s, s, "x", s)
					h.do("ZADD", "z"+s, s, "a", "-0", "b")
					h.do("GEOADD", "g"+s, "13.36", "38.11", "p"+s)
					h.do("PFADD", "hll"+s, "a", "b", s)
					h.do("SET", "s"+s, s)
					if i%3 == 0 {
						h.do("PEXPIRE", "h"+s, strconv.Itoa(5000+i))
						h.do("PEXPIRE", "s"+s, "5000") // deadlines tie: ordered by key
					}
					if i%7 == 0 {
						h.do("DEL", "l"+s)
					}
				}
			}
			h.db = 3
			h.do("FLUSHDB")
			h.do("SET", "after", "flush")
			h.f.dbs[2].tombFloor = 77
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := newHarness(t)
			src.f.nodes["n1"] = "127.0.0.1:1"
			tc.build(src)
			total := 0
			for _, db := range src.f.dbs {
				total += db.Len()
			}
			if (total == 0) != (tc.name == "empty") {
				t.Fatalf("%d keys to snapshot", total)
			}
			data := persistBytes(t, src.f)
			dst := New(16, nil)
			if err := dst.Restore(io.NopCloser(bytes.NewReader(data))); err != nil {
				t.Fatal(err)
			}
			if again := persistBytes(t, dst); !bytes.Equal(again, data) {
				t.Fatalf("restored state persists differently (%d bytes, want %d)", len(again), len(data))
			}
			for i := range src.f.dbs {
				a, b := src.f.dbs[i], dst.dbs[i]
				if a.Len() != b.Len() || !slices.Equal(expiries(a), expiries(b)) {
					t.Fatalf("db %d: %d keys, %d deadlines; restored %d keys, %d deadlines",
						i, a.Len(), a.ExpiresLen(), b.Len(), b.ExpiresLen())
				}
			}
			if dst.nodes["n1"] != "127.0.0.1:1" || dst.now != src.f.now {
				t.Fatalf("nodes %v now %d", dst.nodes, dst.now)
			}
		})
	}
}

// TestLoaderMatchesPut feeds a dbLoader entries in the order Persist
// writes them, under hash functions that never, sometimes and always
// collide, and compares the result with a database built by put.
func TestLoaderMatchesPut(t *testing.T) {
	hashes := map[string]func(string) uint64{
		"xxhash":   KeyHash,
		"len%3":    func(k string) uint64 { return uint64(len(k)) % 3 },
		"constant": func(string) uint64 { return 42 },
	}
	for name, hash := range hashes {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			want := newDB()
			want.hash = hash
			for i := range 3000 {
				k := fmt.Sprintf("key%d", rng.IntN(2000))
				it := Item{Str: []byte(strconv.Itoa(i)), Version: uint64(i)}
				if i%4 == 0 {
					it = Item{Value: i, Gen: uint64(i), Version: uint64(i)}
				}
				if i%3 == 0 {
					it.ExpireAt = int64(1000 + rng.IntN(50))
				}
				want.put(k, it)
			}
			l := dbLoader{db: newDB()}
			l.db.hash = hash
			model := map[string]string{}
			want.Ascend(0, func(key string, _ uint64, it Item) bool {
				it.from = nil
				if !l.add(newEntry(key, it)) {
					t.Fatalf("%s refused", key)
				}
				model[key] = itemString(it)
				return true
			})
			got := l.finish()
			checkDB(t, got, model)
			if !slices.Equal(expiries(got), expiries(want)) {
				t.Fatal("expiry index differs")
			}
			// Persist never writes a key twice; a stream that does is corrupt.
			var first string
			got.Ascend(0, func(key string, _ uint64, _ Item) bool { first = key; return false })
			l = dbLoader{db: got}
			if l.add(newEntry(first, Item{Str: []byte("again")})) {
				t.Fatal("a duplicate key was accepted")
			}
		})
	}
}

// TestRestoreRefusesDuplicateKey: the FSM's state is left as it was.
func TestRestoreRefusesDuplicateKey(t *testing.T) {
	var buf bytes.Buffer
	w := snapshot.NewWriter(&buf)
	w.Header(snapshot.Header{Databases: 16})
	for range 2 {
		w.StringKey(snapshot.Key{Key: "twice"}, []byte("v"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f := New(16, nil)
	f.dbs[0].put("keep", Item{Str: []byte("me")})
	if err := f.Restore(io.NopCloser(&buf)); !errors.Is(err, snapshot.ErrCorrupt) {
		t.Fatalf("got %v", err)
	}
	if _, ok := f.dbs[0].raw("keep"); !ok || f.dbs[0].Len() != 1 {
		t.Fatal("state changed by a failed restore")
	}
}
