package fsm

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestKeyspaceHashCollisions drives a DB whose hash collides constantly
// against a map: chained slots must behave exactly like distinct ones, and
// a clone must not see later writes.
func TestKeyspaceHashCollisions(t *testing.T) {
	rng := rand.New(rand.NewPCG(envSeed("QUORIS_KEYSPACE_SEED", 20261126), 1))
	db := newDB()
	db.hash = func(k string) uint64 { return uint64(len(k)) % 3 }
	model := map[string]string{}
	var snap *DB
	var snapModel map[string]string
	for i := range 20000 {
		key := fmt.Sprintf("k%d", rng.IntN(40))
		switch r := rng.IntN(10); {
		case r < 4:
			val := fmt.Sprintf("v%d", i)
			db.put(key, Item{Str: []byte(val), Version: uint64(i)})
			model[key] = val
		case r < 5: // another type: stored apart from the entry
			db.put(key, Item{Value: i, Gen: uint64(i)})
			model[key] = fmt.Sprint("#", i)
		case r < 8:
			_, ok := db.remove(key, uint64(i))
			if _, want := model[key]; ok != want {
				t.Fatalf("op %d: remove %s = %v, want %v", i, key, ok, want)
			}
			delete(model, key)
		case r < 9:
			it, ok := db.raw(key)
			if want, has := model[key]; ok != has || itemString(it) != want {
				t.Fatalf("op %d: raw %s = %+v %v, want %q %v", i, key, it, ok, want, has)
			}
		default:
			snap, snapModel = db.clone(), maps.Clone(model)
		}
		if db.Len() != len(model) {
			t.Fatalf("op %d: Len %d, want %d", i, db.Len(), len(model))
		}
	}
	checkDB(t, db, model)
	if snap != nil {
		checkDB(t, snap, snapModel)
	}
}

// itemString is how the collision test's model writes an item.
func itemString(it Item) string {
	if it.Value == nil {
		return string(it.Str)
	}
	if n, ok := it.Value.(int); !ok || uint64(n) != it.Gen {
		return fmt.Sprintf("bad %+v", it)
	}
	return fmt.Sprint("#", it.Value)
}

// checkDB compares db with model, and checks Ascend's order: by hash, then
// by key.
func checkDB(t *testing.T, db *DB, model map[string]string) {
	t.Helper()
	type hk struct {
		h uint64
		k string
	}
	var seen []hk
	db.Ascend(0, func(key string, h uint64, it Item) bool {
		if want, ok := model[key]; !ok || itemString(it) != want {
			t.Fatalf("Ascend: %s = %+v, want %q (present %v)", key, it, want, ok)
		}
		seen = append(seen, hk{h, key})
		return true
	})
	if len(seen) != len(model) || db.Len() != len(model) {
		t.Fatalf("Ascend saw %d keys, Len %d, want %d", len(seen), db.Len(), len(model))
	}
	if !slices.IsSortedFunc(seen, func(a, b hk) int {
		if c := cmp.Compare(a.h, b.h); c != 0 {
			return c
		}
		return strings.Compare(a.k, b.k)
	}) {
		t.Fatalf("Ascend order: %v", seen)
	}
}

// TestKeyspaceStoresBytesOnce checks that putting back a value read from
// the keyspace (a TTL change) shares the stored bytes instead of copying
// them, and that a new value is copied, not aliased.
func TestKeyspaceStoresBytesOnce(t *testing.T) {
	db := newDB()
	arg := []byte("value")
	db.put("k", Item{Str: arg})
	arg[0] = 'X'
	it, _ := db.raw("k")
	if string(it.Str) != "value" {
		t.Fatalf("stored value aliases the argument: %q", it.Str)
	}
	it.ExpireAt = 5000
	db.put("k", it)
	again, _ := db.raw("k")
	if &again.Str[0] != &it.Str[0] || again.ExpireAt != 5000 {
		t.Fatalf("a TTL change copied the value (or lost the TTL): %+v", again)
	}
	db.put("other", again)
	other, _ := db.raw("other")
	if &other.Str[0] == &again.Str[0] || string(other.Str) != "value" {
		t.Fatalf("another key shares the stored bytes: %q", other.Str)
	}
}
