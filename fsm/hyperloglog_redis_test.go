package fsm

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHyperLogLogTablesAgainstRedis(t *testing.T) {
	r := bitRedis(t)
	r.do(t, "RPUSH", "list", "x")
	for _, tc := range hllCases() {
		if got := r.do(t, tc.cmd...); got != tc.want {
			t.Errorf("%q: redis %q, table %q", tc.cmd, got, tc.want)
		}
	}
}

// TestHyperLogLogsAgainstRedis replays one seeded random sequence of HLL
// commands against Redis and the FSM. Besides the replies (PFCOUNT's
// estimates included), it compares the stored bytes with GET: sparse and
// dense encodings, promotion, the cached cardinality and its stale bit must
// all be Redis's, byte for byte.
func TestHyperLogLogsAgainstRedis(t *testing.T) {
	r := bitRedis(t)
	h := newHarness(t)
	h.now = time.Now().UnixMilli()
	seed := envSeed("QUORIS_HLL_SEED", 20240603)
	rng := rand.New(rand.NewPCG(seed, 13))
	g := &hllGen{strGen: strGen{rng: rng, keys: []string{"h0", "h1", "h2", "h3", "s0"}}}

	const n = 3000
	mismatches, dense, sparse := 0, 0, 0
	kinds := map[string]map[string]int{}
	for i := 0; i < n; i++ {
		h.now = max(h.now, time.Now().UnixMilli())
		k := g.key()
		switch rng.IntN(120) {
		case 0:
			r.do(t, "DEL", k)
			r.do(t, "RPUSH", k, "x")
			h.do("DEL", k)
			h.f.dbs[0].put(k, Item{Value: 42})
			continue
		case 1, 2:
			// Copy one HLL's bytes to another key, as a client would.
			src := g.key()
			if v := r.do(t, "GET", src); strings.HasPrefix(v, "$") && v != "$-1\r\n" {
				val := v[strings.Index(v, "\r\n")+2 : len(v)-2]
				if w, q := r.do(t, "SET", k, val), h.do("SET", k, val); w != q {
					mismatches++
					t.Errorf("#%d SET %s from %s: redis %q, quoris %q", i, k, src, w, q)
				}
			}
			continue
		}
		cmd := g.command(k)
		want := r.do(t, cmd...)
		got := h.do(cmd...)
		name := strings.ToLower(cmd[0])
		if kinds[name] == nil {
			kinds[name] = map[string]int{}
		}
		kinds[name][want[:1]]++
		if got != want {
			mismatches++
			if mismatches <= 20 {
				t.Errorf("#%d %q:\n redis: %.300q\n quoris: %.300q", i, cmd, want, got)
			}
		}
		if i%25 == 0 || i == n-1 {
			for _, k := range g.keys {
				if r.do(t, "TYPE", k) == "+list\r\n" {
					continue // quoris's stand-in for a list has no encoding
				}
				for _, probe := range [][]string{{"GET", k}, {"OBJECT", "ENCODING", k}} {
					w, q := r.do(t, probe...), h.do(probe...)
					if strings.HasPrefix(w, "$12304\r\n") {
						dense++
					} else if strings.HasPrefix(w, "$") && strings.Contains(w, "HYLL\x01") {
						sparse++
					}
					if w != q {
						mismatches++
						t.Errorf("#%d after %q: %q: redis %.200q, quoris %.200q", i, cmd, probe, w, q)
					}
				}
				if w, q := r.ttlState(t, k), h.ttlState(k); w != q {
					mismatches++
					t.Errorf("#%d after %q: key %s: redis %s, quoris %s", i, cmd, k, w, q)
				}
			}
		}
	}
	for name, m := range kinds {
		t.Logf("%-12s %v", name, m)
	}
	t.Logf("values probed: %d dense, %d sparse", dense, sparse)
	if mismatches > 20 {
		t.Errorf("%d mismatches in total", mismatches)
	}
}

type hllGen struct{ strGen }

func (g *hllGen) elements(n int, pool int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "el" + strconv.Itoa(g.rng.IntN(pool))
	}
	return out
}

func (g *hllGen) keyList(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = g.key()
	}
	return out
}

func (g *hllGen) command(k string) []string {
	c := func(name string, args ...string) []string { return append([]string{g.name(name)}, args...) }
	switch g.rng.IntN(40) {
	case 0, 1, 2, 3, 4, 5, 6, 7:
		return c("PFADD", append([]string{k}, g.elements(g.rng.IntN(6), 400)...)...)
	case 8, 9:
		// Big batches push HLLs through promotion to dense.
		return c("PFADD", append([]string{k}, g.elements(300+g.rng.IntN(2000), 1_000_000)...)...)
	case 10, 11, 12, 13, 14:
		return c("PFCOUNT", k)
	case 15, 16, 17:
		return c("PFCOUNT", g.keyList(2+g.rng.IntN(3))...)
	case 18, 19, 20, 21:
		return c("PFMERGE", g.keyList(1+g.rng.IntN(4))...)
	case 22, 23:
		return c("GET", k)
	case 24:
		return c("SET", k, g.pick("foo", "123", hllEmpty, hllEmpty, hllShort, hllLong,
			hllHeader(0, hllZero)+"\x7f\xff", hllHeader(1, "\x05\x00\x00\x00\x00\x00\x00\x00")+"\x7f\xff",
			hllHeader(1, hllStale)+"\x7f\xfe\x80", hllHeader(1, hllStale)+"\x3f\x7f\xbf\xbf"))
	case 25:
		if g.rng.IntN(2) == 0 {
			return c("APPEND", k, g.pick("x", "\x80", "\x00"))
		}
		return c("STRLEN", k)
	case 26, 27:
		return c("DEL", k)
	case 30:
		return c("EXPIRE", k, "1000")
	case 31:
		return c("EXISTS", k)
	case 32:
		return c(g.pick("PFADD", "PFCOUNT", "PFMERGE"))
	default:
		return c("PFADD", k, g.elements(1, 50)[0])
	}
}
