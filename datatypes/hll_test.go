package datatypes

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// hllBuild replays what PFADD does for elements "e0".."e<n-1>" sent 500 at
// a time: add each, and mark the cache stale after a batch that changed.
func hllBuild(t *testing.T, n int) []byte {
	t.Helper()
	b := NewHLL()
	HLLInvalidate(b) // PFADD creating the key counts as a change
	for i := 0; i < n; i += 500 {
		updated := false
		for j := i; j < min(i+500, n); j++ {
			var r int
			b, r = HLLAdd(b, []byte(fmt.Sprintf("e%d", j)), HLLSparseMaxBytes)
			if r < 0 {
				t.Fatalf("add e%d: corrupt", j)
			}
			updated = updated || r == 1
		}
		if updated {
			HLLInvalidate(b)
		}
	}
	return b
}

func hllSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestNewHLL(t *testing.T) {
	want := []byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff")
	if got := NewHLL(); !bytes.Equal(got, want) {
		t.Fatalf("NewHLL = %q", got)
	}
	if card, ok := HLLCount(NewHLL()); !ok || card != 0 {
		t.Fatalf("empty count = %d, %v", card, ok)
	}
}

// TestHLLGolden compares with bytes and counts taken from redis-server
// 7.0.15 after the same PFADDs, before and after PFCOUNT filled the cache.
func TestHLLGolden(t *testing.T) {
	b := NewHLL()
	HLLInvalidate(b)
	for _, e := range []string{"a", "b", "c"} {
		b, _ = HLLAdd(b, []byte(e), HLLSparseMaxBytes)
	}
	if want := "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ"; string(b) != want {
		t.Fatalf("a b c: got %q, want %q", b, want)
	}
	golden := []struct {
		n             int
		length        int
		before, after string
		card          uint64
	}{
		{100, 285, "53986fa020104b2d94c131f7d7b840674634568242921d84d01b767289a56a1d", "aebee27e50c672722325ed27d2acb1011cc7138f9a0f43d52abc23308a822a44", 100},
		{1000, 1906, "519a7f0764d633e025ff9f8cdeb30cd2f452e2ad37f729f6b9ea7a4699791162", "ab6313e24c05ff993730105e09ef76d5c0c4fcde58406d6a29d1889220a056e4", 1008},
		{5000, 12304, "0a4b61a05c269540574e1293e6e18e69a4e9cb96ade9ecb5b7ff490debf31722", "bd470063c39f632ff0572b22d3ae558cdc523a5ae6f47e7324ed636dcc84e2ec", 4968},
		{100000, 12304, "db44442a96c3ca475b58a386c4e1263c33d76900a2a9f2a934e50769c36644f9", "548dba672576d8a299d51943c2728e21beda0aea57391bd87567dba08eed8e4e", 100853},
	}
	for _, g := range golden {
		b := hllBuild(t, g.n)
		if len(b) != g.length || hllSum(b) != g.before {
			t.Errorf("%d elements: %d bytes %s, want %d bytes %s", g.n, len(b), hllSum(b), g.length, g.before)
		}
		if _, ok := HLLCached(b); ok {
			t.Errorf("%d elements: cache should be stale", g.n)
		}
		card, ok := HLLCount(b)
		if !ok || card != g.card {
			t.Errorf("%d elements: count %d (%v), want %d", g.n, card, ok, g.card)
		}
		HLLSetCached(b, card)
		if hllSum(b) != g.after {
			t.Errorf("%d elements after caching: %s, want %s", g.n, hllSum(b), g.after)
		}
		if c, ok := HLLCached(b); !ok || c != g.card {
			t.Errorf("%d elements: cached %d, %v", g.n, c, ok)
		}
	}
}

// TestHLLSparseMatchesDense checks that the sparse encoding holds the same
// registers the dense one would, through growth, merges of VAL runs and
// promotion, and never exceeds HLLSparseMaxBytes.
func TestHLLSparseMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	sparse := NewHLL()
	dense, _ := HLLSparseToDense(NewHLL())
	for i := 0; i < 4000; i++ {
		e := []byte(fmt.Sprintf("x%d", rng.Uint64()))
		var r1, r2 int
		wasSparse := !HLLIsDense(sparse)
		sparse, r1 = HLLAdd(sparse, e, HLLSparseMaxBytes)
		dense, r2 = HLLAdd(dense, e, HLLSparseMaxBytes)
		if r1 != r2 {
			t.Fatalf("add %d: sparse %d, dense %d", i, r1, r2)
		}
		if !HLLIsDense(sparse) && len(sparse) > HLLSparseMaxBytes {
			t.Fatalf("sparse grew to %d bytes", len(sparse))
		}
		if wasSparse && (i%97 == 0 || HLLIsDense(sparse)) {
			conv, ok := HLLSparseToDense(sparse)
			if !ok || !bytes.Equal(conv[HLLHeaderSize:], dense[HLLHeaderSize:]) {
				t.Fatalf("add %d: registers differ (ok=%v)", i, ok)
			}
		}
	}
	if !HLLIsDense(sparse) {
		t.Fatal("4000 elements should have promoted to dense")
	}
	if !bytes.Equal(sparse[HLLHeaderSize:], dense[HLLHeaderSize:]) {
		t.Fatal("registers differ after promotion")
	}
}

func TestHLLPromoteOnLargeValue(t *testing.T) {
	b, r := HLLSet(NewHLL(), 100, 33, HLLSparseMaxBytes)
	if r != 1 || !HLLIsDense(b) || len(b) != HLLDenseSize {
		t.Fatalf("value 33: r=%d dense=%v len=%d", r, HLLIsDense(b), len(b))
	}
	if v := denseGet(b[HLLHeaderSize:], 100); v != 33 {
		t.Fatalf("register 100 = %d", v)
	}
	b, r = HLLSet(NewHLL(), 100, 32, HLLSparseMaxBytes)
	if r != 1 || HLLIsDense(b) {
		t.Fatalf("value 32 should stay sparse")
	}
	if _, r = HLLSet(b, 100, 5, HLLSparseMaxBytes); r != 0 {
		t.Fatalf("lower value changed the register")
	}
}

func TestHLLCorrupt(t *testing.T) {
	short := NewHLL()
	short[HLLHeaderSize] = 0x40 // XZERO of 256: too few registers
	short[HLLHeaderSize+1] = 0xff
	if _, ok := HLLCount(short); ok {
		t.Error("count of a short sparse HLL should fail")
	}
	var regs [HLLRegisters]uint8
	if HLLMerge(&regs, short) {
		t.Error("merge of a short sparse HLL should fail")
	}
	if _, ok := HLLSparseToDense(short); ok {
		t.Error("conversion of a short sparse HLL should fail")
	}
	if _, r := HLLSet(bytes.Clone(short), 10000, 3, HLLSparseMaxBytes); r != -1 {
		t.Errorf("set past the end: %d", r)
	}
	for _, b := range [][]byte{nil, []byte("HYLL"), []byte("HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"),
		[]byte("HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"),
		[]byte("HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff")} {
		if IsHLL(b) {
			t.Errorf("IsHLL(%q) = true", b)
		}
	}
	if !IsHLL(NewHLL()) {
		t.Error("IsHLL(NewHLL()) = false")
	}
}

func TestHLLMergeCountsUnion(t *testing.T) {
	a, b, u := NewHLL(), NewHLL(), NewHLL()
	for i := 0; i < 3000; i++ {
		e := []byte(fmt.Sprintf("m%d", i))
		if i%2 == 0 {
			a, _ = HLLAdd(a, e, HLLSparseMaxBytes)
		} else {
			b, _ = HLLAdd(b, e, HLLSparseMaxBytes)
		}
		u, _ = HLLAdd(u, e, HLLSparseMaxBytes)
	}
	var regs [HLLRegisters]uint8
	if !HLLMerge(&regs, a) || !HLLMerge(&regs, b) {
		t.Fatal("merge failed")
	}
	want, _ := HLLCount(u)
	if got := HLLCountRegisters(&regs); got != want {
		t.Fatalf("union count %d, want %d", got, want)
	}
}

// TestHLLAccuracy checks the standard error 1.04/sqrt(16384) = 0.81%.
func TestHLLAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("1M-element accuracy run skipped under -short")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	b := NewHLL()
	var sq float64
	checks := 0
	buf := make([]byte, 8)
	for i := 1; i <= 1_000_000; i++ {
		for j := range buf {
			buf[j] = byte(rng.Uint32())
		}
		b, _ = HLLAdd(b, buf, HLLSparseMaxBytes)
		if i%50_000 == 0 {
			card, _ := HLLCount(b)
			rel := (float64(card) - float64(i)) / float64(i)
			if math.Abs(rel) > 0.03 {
				t.Errorf("%d elements: estimate %d, error %.2f%%", i, card, rel*100)
			}
			sq += rel * rel
			checks++
		}
	}
	rms := math.Sqrt(sq / float64(checks))
	t.Logf("RMS relative error over %d checkpoints: %.3f%%", checks, rms*100)
	if rms > 0.0162 { // twice the standard error
		t.Errorf("RMS error %.3f%% is far above 0.81%%", rms*100)
	}
}

// TestStringClonePastEnd checks the byte kept past a string's end: Redis
// reads a cut-off XZERO's second byte from there.
func TestStringClonePastEnd(t *testing.T) {
	b := append(bytes.Clone(NewHLL()[:HLLHeaderSize]), 0x78)[: HLLHeaderSize+1 : HLLHeaderSize+1] // XZERO cut off
	if n := xzeroLen(b[HLLHeaderSize:]); n != 0x3800+1 {
		t.Fatalf("cut-off XZERO with nothing past the end: %d", n)
	}
	withTail := append(b, 0xfd)[:len(b)]
	if n := xzeroLen(withTail[HLLHeaderSize:]); n != 0x38fd+1 {
		t.Fatalf("cut-off XZERO with 0xfd past the end: %d", n)
	}
	c := StringClone(withTail)
	if !bytes.Equal(c, b) || pastEnd(c) != 0xfd {
		t.Fatalf("clone %x past-end %x", c, pastEnd(c))
	}
	c[0] = 'X'
	if withTail[0] != 'H' {
		t.Fatal("clone shares memory")
	}
	if c := StringClone([]byte("plain")); cap(c) != len(c) || pastEnd(c) != 0 {
		t.Fatalf("plain clone has spare capacity %d", cap(c)-len(c))
	}
}

func TestHLLSelfTest(t *testing.T) {
	if testing.Short() {
		t.Skip("ten million additions")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	if msg := HLLSelfTest(rng.Uint64, 3000); msg != "" {
		t.Fatal(msg)
	}
}
