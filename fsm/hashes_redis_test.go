package fsm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tidwall/redcon"
)

// TestHashesAgainstRedis replays a seeded random sequence of hash commands
// against a real redis-server and the FSM and compares raw replies. Only
// what Redis itself leaves unspecified is compared loosely: the order of a
// hashtable-encoded hash (HGETALL, HKEYS, HVALS as sorted multisets, whole
// HSCAN iterations as sets) and HRANDFIELD's random picks (checked for
// size, membership and uniqueness instead). A listpack hash has a defined
// order, insertion order, and is compared byte for byte. After every few
// commands each key's TYPE, OBJECT ENCODING and contents are compared too.
func TestHashesAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	seed := envSeed("QUORIS_HASHES_SEED", 20240611)
	rng := rand.New(rand.NewPCG(seed, 13))
	g := &hashGen{strGen: strGen{rng: rng, keys: []string{"h0", "h1", "h2", "str"}}}

	const n = 3000
	mismatches := 0
	report := func(i int, cmd []string, what, want, got string) {
		mismatches++
		if mismatches <= 20 {
			t.Errorf("#%d %.200q %s:\n redis:  %.500q\n quoris: %.500q", i, cmd, what, want, got)
		}
	}
	kinds := map[string]map[string]int{}
	for i := 0; i < n; i++ {
		cmd := g.command()
		name := strings.ToLower(cmd[0])
		enc := ""
		if len(cmd) > 1 {
			enc = r.do(t, "OBJECT", "ENCODING", cmd[1])
		}
		want, got := r.do(t, cmd...), h.do(cmd...)
		if kinds[name] == nil {
			kinds[name] = map[string]int{}
		}
		kinds[name][want[:1]]++
		switch {
		case strings.HasPrefix(want, "-") || strings.HasPrefix(got, "-"):
			if want != got {
				report(i, cmd, "", want, got)
			}
		case name == "hrandfield":
			if msg := hrandCheck(h, cmd, enc, want, got); msg != "" {
				report(i, cmd, msg, want, got)
			}
		case name == "hscan":
			if enc != "$9\r\nhashtable\r\n" {
				if want != got {
					report(i, cmd, "", want, got)
				}
				break
			}
			if cmd[2] != "0" {
				break // a page from an arbitrary cursor: only whole iterations compare
			}
			w := hsScanAll(t, cmd, want, func(c []string) string { return r.do(t, c...) }, 2)
			q := hsScanAll(t, cmd, got, func(c []string) string { return h.do(c...) }, 2)
			if w != q {
				report(i, cmd, "(whole iteration)", w, q)
			}
		case (name == "hgetall" || name == "hkeys" || name == "hvals") && enc == "$9\r\nhashtable\r\n":
			group := 1
			if name == "hgetall" {
				group = 2
			}
			if w, q := hsSorted(want, group), hsSorted(got, group); w != q {
				report(i, cmd, "(as multisets)", w, q)
			}
		default:
			if want != got {
				report(i, cmd, "", want, got)
			}
		}
		if i%7 == 0 || i == n-1 {
			for _, k := range g.keys {
				for _, probe := range [][]string{{"TYPE", k}, {"OBJECT", "ENCODING", k}} {
					if w, q := r.do(t, probe...), h.do(probe...); w != q {
						report(i, cmd, "then "+strings.Join(probe, " "), w, q)
					}
				}
				if w, q := r.do(t, "HGETALL", k), h.do("HGETALL", k); hsSorted(w, 2) != hsSorted(q, 2) {
					report(i, cmd, "then HGETALL "+k, w, q)
				}
			}
		}
	}
	for name, m := range kinds {
		t.Logf("%-14s %v", name, m)
	}
	if mismatches > 20 {
		t.Errorf("%d mismatches in total", mismatches)
	}
}

// hrandCheck validates an HRANDFIELD reply from the harness against the
// FSM's own hash, and its size against Redis's reply. A listpack hash
// asked for at least all its fields answers in a defined order; then the
// replies must be identical.
func hrandCheck(h *harness, cmd []string, enc, want, got string) string {
	withValues := len(cmd) == 4
	if len(cmd) == 2 {
		if (want == "$-1\r\n") != (got == "$-1\r\n") {
			return "(nil on one side only)"
		}
		if got != "$-1\r\n" && h.do("HEXISTS", cmd[1], hsItems(got)[0]) != ":1\r\n" {
			return "(picked a missing field)"
		}
		return ""
	}
	count, _ := strconv.ParseInt(cmd[2], 10, 64)
	size, _ := strconv.ParseInt(strings.Trim(h.do("HLEN", cmd[1]), ":\r\n"), 10, 64)
	if enc == "$8\r\nlistpack\r\n" && count > 1 && count >= size && want != got {
		return "(whole listpack hash)"
	}
	w, q := hsItems(want), hsItems(got)
	if len(w) != len(q) {
		return "(sizes differ)"
	}
	step := 1
	if withValues {
		step = 2
	}
	seen := map[string]bool{}
	for i := 0; i < len(q); i += step {
		v := h.do("HGET", cmd[1], q[i])
		if v == "$-1\r\n" || (withValues && v != fmt.Sprintf("$%d\r\n%s\r\n", len(q[i+1]), q[i+1])) {
			return "(field or value not in the hash)"
		}
		if count > 0 && seen[q[i]] {
			return "(repeated field with a positive count)"
		}
		seen[q[i]] = true
	}
	return ""
}

// hsItems returns the elements of a flat RESP array reply (or the single
// bulk string of a bulk reply).
func hsItems(reply string) []string {
	_, v := redcon.ReadNextRESP([]byte(reply))
	if v.Type != redcon.Array {
		return []string{v.String()}
	}
	var out []string
	v.ForEach(func(e redcon.RESP) bool {
		out = append(out, e.String())
		return true
	})
	return out
}

// hsSorted renders an array reply as a sorted multiset of groups of
// elements (pairs for HGETALL), for replies whose order Redis leaves open.
func hsSorted(reply string, group int) string {
	if !strings.HasPrefix(reply, "*") {
		return reply
	}
	items := hsItems(reply)
	var groups []string
	for i := 0; i+group <= len(items); i += group {
		groups = append(groups, fmt.Sprintf("%q", items[i:i+group]))
	}
	slices.Sort(groups)
	return strings.Join(groups, " ")
}

// hsScanAll finishes the HSCAN/SSCAN iteration cmd started (first is its
// reply) and returns the sorted set of groups (field/value pairs or
// members) it produced.
func hsScanAll(t *testing.T, cmd []string, first string, do func([]string) string, group int) string {
	t.Helper()
	seen := map[string]bool{}
	reply := first
	for range 100_000 {
		_, v := redcon.ReadNextRESP([]byte(reply))
		var parts []redcon.RESP
		v.ForEach(func(e redcon.RESP) bool { parts = append(parts, e); return true })
		if len(parts) != 2 {
			t.Fatalf("%q: malformed scan reply %q", cmd, reply)
		}
		items := hsItems(string(parts[1].Raw))
		for i := 0; i+group <= len(items); i += group {
			seen[fmt.Sprintf("%q", items[i:i+group])] = true
		}
		if parts[0].String() == "0" {
			out := make([]string, 0, len(seen))
			for k := range seen {
				out = append(out, k)
			}
			slices.Sort(out)
			return strings.Join(out, " ")
		}
		next := slices.Clone(cmd)
		next[2] = parts[0].String()
		reply = do(next)
	}
	t.Fatalf("%q did not terminate", cmd)
	return ""
}

// hashGen produces random hash commands over a small key space; fields
// and values are drawn so that both listpack limits (64-byte strings, 512
// fields) get crossed, and "str" sometimes holds a string for WRONGTYPE.
type hashGen struct {
	strGen
}

func (g *hashGen) field() string {
	return g.pick("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "", "a", "A", "hello",
		strings.Repeat("k", 64), strings.Repeat("k", 65), "b17", "b300", "b511")
}

func (g *hashGen) hvalue() string {
	if g.rng.IntN(4) == 0 {
		return g.integer()
	}
	if g.rng.IntN(6) == 0 {
		return g.float()
	}
	return g.pick("", "v", "1", "2.5", "-3", "x y", strings.Repeat("v", 64), strings.Repeat("v", 65), "10", "abc")
}

func (g *hashGen) count() string {
	return g.pick("0", "1", "2", "3", "5", "-1", "-2", "-4", "10", "600", "1000", "x", "",
		"9223372036854775807", "-9223372036854775807", "-9223372036854775808", "4611686018427387904", "1.5")
}

func (g *hashGen) command() []string {
	k := g.key()
	c := func(name string, args ...string) []string { return append([]string{g.name(name)}, args...) }
	switch g.rng.IntN(34) {
	case 0, 1, 2, 3:
		args := []string{k}
		for n := 1 + g.rng.IntN(3); n > 0; n-- {
			args = append(args, g.field(), g.hvalue())
		}
		if g.rng.IntN(12) == 0 {
			args = args[:len(args)-1]
		}
		return c(g.pick("HSET", "HSET", "HMSET"), args...)
	case 4:
		// Many fields at once, to cross the 512-entry listpack limit.
		args := []string{k}
		start := g.rng.IntN(600)
		for n := g.rng.IntN(300); n > 0; n-- {
			args = append(args, "b"+strconv.Itoa(start+n), "v")
		}
		return c("HSET", append(args, "f0", "x")...)
	case 5, 6:
		return c("HSETNX", k, g.field(), g.hvalue())
	case 7, 8:
		return c("HGET", k, g.field())
	case 9:
		args := []string{k}
		for n := 1 + g.rng.IntN(4); n > 0; n-- {
			args = append(args, g.field())
		}
		return c("HMGET", args...)
	case 10, 11:
		return c("HGETALL", k)
	case 12, 13:
		args := []string{k}
		for n := 1 + g.rng.IntN(3); n > 0; n-- {
			args = append(args, g.field())
		}
		return c("HDEL", args...)
	case 14:
		return c("HEXISTS", k, g.field())
	case 15:
		return c("HLEN", k)
	case 16:
		return c(g.pick("HKEYS", "HVALS"), k)
	case 17, 18:
		return c("HINCRBY", k, g.field(), g.integer())
	case 19, 20:
		return c("HINCRBYFLOAT", k, g.field(), g.float())
	case 21:
		return c("HSTRLEN", k, g.field())
	case 22, 23:
		args := []string{k}
		if g.rng.IntN(4) > 0 {
			args = append(args, g.count())
			if g.rng.IntN(2) == 0 {
				args = append(args, g.name(g.pick("WITHVALUES", "WITHVALUES", "WITHVALUE", "x")))
			}
			if g.rng.IntN(15) == 0 {
				args = append(args, "WITHVALUES")
			}
		}
		if len(args) >= 2 {
			if l, err := strconv.ParseInt(args[1], 10, 64); err == nil && l < -1000 && len(args) == 2 {
				args[1] = "-3" // a huge negative count would make Redis build a huge reply
			}
		}
		return c("HRANDFIELD", args...)
	case 24, 25:
		args := []string{k, g.pick("0", "0", "0", "7", "123456789", "-1", "x", "")}
		for n := g.rng.IntN(3); n > 0; n-- {
			switch g.rng.IntN(4) {
			case 0:
				args = append(args, g.name("COUNT"), g.pick("1", "5", "100", "0", "-1", "x"))
			case 1:
				args = append(args, g.name("MATCH"), g.pick("*", "f*", "b1*", "[fa]?", "*5", "x"))
			case 2:
				args = append(args, g.name(g.pick("TYPE", "NOVALUES", "COUNT")))
			default:
				args = append(args, g.name("COUNT"), "3")
			}
		}
		return c("HSCAN", args...)
	case 26:
		return c("DEL", k)
	case 27:
		return c("SET", "str", "x")
	case 28:
		return c(g.pick("HSET", "HMSET", "HSETNX", "HGET", "HMGET", "HDEL", "HEXISTS", "HINCRBY",
			"HINCRBYFLOAT", "HSTRLEN", "HSCAN", "HRANDFIELD", "HLEN"), k)
	case 29:
		return c(g.pick("HGETALL", "HKEYS", "HLEN", "HVALS"))
	default:
		return c("HSET", k, g.field(), g.hvalue())
	}
}
