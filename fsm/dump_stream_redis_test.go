package fsm

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDumpStreamAgainstRedis builds streams with the seeded stream command
// generator on a real redis-server and the FSM (nodes of at most 10
// entries or 160 bytes, so there are many, some with tombstones), and
// every 50 commands moves each stream both ways: Redis's payload restored
// in quoris, and quoris's in Redis, must show the same XINFO STREAM FULL
// as the original (only radix-tree-nodes, the radix tree's inner shape,
// is masked); Redis re-dumps quoris's payload byte for byte; and entries
// appended to both restored copies land in the same nodes.
func TestDumpStreamAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	r.do(t, "CONFIG", "SET", "stream-node-max-entries", "10", "stream-node-max-bytes", "160")
	if got := h.do("QUORIS.CONFIG", "stream-node-max-entries", "10", "stream-node-max-bytes", "160"); got != "+OK\r\n" {
		t.Fatalf("QUORIS.CONFIG: %q", got)
	}
	seed := envSeed("QUORIS_DUMP_STREAM_SEED", 20261205)
	g := &streamGen{rng: rand.New(rand.NewPCG(seed, 5)), keys: []string{"s0", "s1", "str"}, last: map[string]int{}}
	r.do(t, "SET", "str", "x")
	h.do("SET", "str", "x")
	xinfo := func(do func(...string) string, key string) string {
		root := parseRESPTree(do("XINFO", "STREAM", key, "FULL", "COUNT", "0"))
		root.maskField("radix-tree-nodes")
		return root.String()
	}
	rdo := func(a ...string) string { return r.do(t, a...) }
	checked, identical := 0, 0
	for i := 0; i < 1500; i++ {
		h.now = time.Now().UnixMilli()
		cmd := g.command()
		r.do(t, cmd...)
		h.do(cmd...)
		if i%50 != 49 {
			continue
		}
		for _, k := range g.keys[:2] {
			if rdo("TYPE", k) != "+stream\r\n" {
				continue
			}
			checked++
			probe := []string{"XINFO", "STREAM", k, "FULL", "COUNT", "0"}
			if w, q := streamMask(probe, rdo(probe...)), streamMask(probe, h.do(probe...)); w != q {
				t.Fatalf("#%d %s: the two servers diverged before any DUMP:\n redis:  %.800q\n quoris: %.800q", i, k, w, q)
			}
			wp, qp := hsItems(rdo("DUMP", k))[0], hsItems(h.do("DUMP", k))[0]
			for _, rs := range []struct {
				name string
				do   func(...string) string
				key  string
				p    string
			}{
				{"quoris restoring redis's payload", h.do, k + ":r", wp},
				{"redis restoring redis's payload", rdo, k + ":r", wp},
				{"redis restoring quoris's payload", rdo, k + ":q", qp},
			} {
				if got := rs.do("RESTORE", rs.key, "0", rs.p, "REPLACE"); got != "+OK\r\n" {
					t.Fatalf("#%d %s: %s: %q", i, k, rs.name, got)
				}
			}
			// Clocks differ, so each copy is compared with its own original.
			if want, got := xinfo(rdo, k), xinfo(h.do, k+":r"); got != want {
				t.Errorf("#%d %s: restored from redis's payload:\n redis:  %.800q\n quoris: %.800q", i, k, want, got)
			}
			if want, got := xinfo(h.do, k), xinfo(rdo, k+":q"); got != want {
				t.Errorf("#%d %s: redis restoring quoris's payload:\n original: %.800q\n restored: %.800q", i, k, want, got)
			}
			if again := hsItems(rdo("DUMP", k+":q"))[0]; again != qp {
				t.Errorf("#%d %s: redis re-dumps quoris's payload differently:\n quoris: %q\n redis:  %q", i, k, qp, again)
			}
			if qp == wp {
				identical++
			}
			// Appends to the restored copies split nodes at the same place.
			top := strconv.Itoa(1_000_000 + i*10)
			for j := 0; j < 12; j++ {
				add := append([]string{"XADD", k + ":r", top + "-" + strconv.Itoa(j)}, g.fields()...)
				if w, q := rdo(add...), h.do(add...); w != q {
					t.Errorf("#%d %q: redis %q quoris %q", i, add, w, q)
				}
			}
			if w, q := xinfo(rdo, k+":r"), xinfo(h.do, k+":r"); w != q {
				t.Errorf("#%d %s: after appends to the restored copies:\n redis:  %.800q\n quoris: %.800q", i, k, w, q)
			}
			rdo("DEL", k+":r", k+":q")
			h.do("DEL", k+":r")
		}
	}
	if checked < 20 {
		t.Fatalf("only %d streams checked", checked)
	}
	t.Logf("%d streams moved both ways; %d payloads byte-identical on both servers", checked, identical)
}

// TestRestoreStreamCorrupt: damaged stream payloads are refused as Redis
// refuses them, and a payload with a bad checksum is refused first.
func TestRestoreStreamCorrupt(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	if got := r.do(t, "CONFIG", "SET", "sanitize-dump-payload", "yes"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET sanitize-dump-payload: %q", got)
	}
	for _, cmd := range [][]string{
		{"XADD", "s", "1-1", "a", "1", "b", "hello"},
		{"XADD", "s", "1-2", "a", "2", "b", "x"},
		{"XADD", "s", "2-0", "c", "3"},
		{"XDEL", "s", "1-2"},
		{"XGROUP", "CREATE", "s", "g", "0"},
		{"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"},
	} {
		r.do(t, cmd...)
	}
	p := hsItems(r.do(t, "DUMP", "s"))[0]
	body := p[:len(p)-10]
	refit := func(b string) string { return payload(10, []byte(b)) }
	cases := map[string]string{
		"checksum":          p[:len(p)-1] + string(p[len(p)-1]^1),
		"truncated":         refit(body[:len(body)-5]),
		"bad node key size": refit(body[:2] + "\x0f" + body[3:]),
		"lp-count":          refit(strings.Replace(body, "\x05\x01\x03\x01", "\x06\x01\x03\x01", 1)),
	}
	for name, payload := range cases {
		w, q := r.do(t, "RESTORE", "k", "0", payload, "REPLACE"), h.do("RESTORE", "k", "0", payload, "REPLACE")
		if w != q || !strings.HasPrefix(w, "-") {
			t.Errorf("%s: redis %q quoris %q", name, w, q)
		}
	}
}
