package fsm

import (
	"math/rand/v2"
	"testing"
)

// TestStreamCommandsNeverPanic throws random argument lists built from the
// stream commands' own vocabulary at every stream command: each must
// answer (an error is fine), never panic, since a panic in Apply would
// take down every node at once.
func TestStreamCommandsNeverPanic(t *testing.T) {
	h := newHarness(t)
	rng := rand.New(rand.NewPCG(7, 11))
	names := []string{"XADD", "XRANGE", "XREVRANGE", "XLEN", "XDEL", "XTRIM", "XREAD", "XSETID", "XGROUP", "XREADGROUP", "XACK", "XPENDING", "XCLAIM", "XAUTOCLAIM", "XINFO"}
	vocab := []string{"s", "s", "t", "g", "c", "0", "1", "-1", "5", "1-1", "2-0", "0-0", "$", ">", "*", "3-*", "-", "+", "(1-1", "(0-0",
		"(18446744073709551615-18446744073709551615", "18446744073709551615-18446744073709551615", "18446744073709551615",
		"MAXLEN", "MINID", "~", "=", "LIMIT", "NOMKSTREAM", "COUNT", "STREAMS", "GROUP", "NOACK", "BLOCK", "IDLE", "TIME",
		"RETRYCOUNT", "FORCE", "JUSTID", "LASTID", "CREATE", "SETID", "DESTROY", "CREATECONSUMER", "DELCONSUMER", "HELP",
		"MKSTREAM", "ENTRIESREAD", "ENTRIESADDED", "MAXDELETEDID", "STREAM", "GROUPS", "CONSUMERS", "FULL", "f", "v", ""}
	h.do("SET", "t", "x")
	for i := 0; i < 30000; i++ {
		if i%500 == 0 {
			h.do("XADD", "s", "*", "f", "v")
			h.do("XGROUP", "CREATE", "s", "g", "0", "MKSTREAM")
			h.do("XREADGROUP", "GROUP", "g", "c", "COUNT", "3", "STREAMS", "s", ">")
		}
		cmd := []string{names[rng.IntN(len(names))]}
		for n := rng.IntN(10); n > 0; n-- {
			cmd = append(cmd, vocab[rng.IntN(len(vocab))])
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%q panicked: %v", cmd, r)
				}
			}()
			h.advance(int64(rng.IntN(3)))
			h.do(cmd...)
		}()
	}
}
