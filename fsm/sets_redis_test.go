package fsm

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/quoris/quoris/datatypes"
)

// TestSetsAgainstRedis replays a seeded random sequence of set commands
// against a real redis-server and the FSM and compares raw replies. Only
// what Redis leaves unspecified is compared loosely: a hashtable-encoded
// set's order (SMEMBERS, SINTER, SUNION, SDIFF, SSCAN pages as sorted
// multisets or whole iterations as sets), and random picks (SRANDMEMBER,
// SPOP), which are checked for size, membership and uniqueness. An intset
// has a defined order, numeric, and is compared byte for byte. A SPOP with
// a random outcome leaves the two sides holding different members, so the
// key is then copied from the FSM to Redis, encoding included.
func TestSetsAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	seed := envSeed("QUORIS_SETS_SEED", 20240612)
	rng := rand.New(rand.NewPCG(seed, 17))
	g := &setGen{strGen: strGen{rng: rng, keys: []string{"s0", "s1", "s2", "s3", "str"}}}

	const n = 3000
	mismatches := 0
	report := func(i int, cmd []string, what, want, got string) {
		mismatches++
		if mismatches <= 20 {
			t.Errorf("#%d %.200q %s:\n redis:  %.500q\n quoris: %.500q", i, cmd, what, want, got)
		}
	}
	const hashtable = "$9\r\nhashtable\r\n"
	kinds := map[string]map[string]int{}
	for i := 0; i < n; i++ {
		cmd := g.command()
		name := strings.ToLower(cmd[0])
		// Whether every set the command reads is an intset (then its order
		// is defined), and the members before a random pop.
		allIntset := true
		for _, k := range setCmdKeys(name, cmd) {
			if e := r.do(t, "OBJECT", "ENCODING", k); e == hashtable {
				allIntset = false
			}
		}
		var before []string
		if name == "spop" && len(cmd) > 1 {
			before = hsItems(h.do("SMEMBERS", cmd[1]))
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
		case name == "srandmember" || name == "spop":
			if msg := setRandCheck(h, name, cmd, before, allIntset, want, got); msg != "" {
				report(i, cmd, msg, want, got)
			}
			if name == "spop" && want != got {
				setSync(t, r, h, cmd[1])
			}
		case name == "sscan":
			if allIntset {
				if want != got {
					report(i, cmd, "", want, got)
				}
				break
			}
			if cmd[2] != "0" {
				break // a page from an arbitrary cursor: only whole iterations compare
			}
			w := hsScanAll(t, cmd, want, func(c []string) string { return r.do(t, c...) }, 1)
			q := hsScanAll(t, cmd, got, func(c []string) string { return h.do(c...) }, 1)
			if w != q {
				report(i, cmd, "(whole iteration)", w, q)
			}
		case name == "smembers" || name == "sinter" || name == "sunion" || name == "sdiff":
			// SUNION and SDIFF answer in the order of the set they build,
			// numeric when that is an intset: all integers, at most 512.
			// The same operation stored tells which that was.
			ordered := allIntset
			if name == "sunion" || name == "sdiff" {
				store := append([]string{strings.ToUpper(name) + "STORE", "tmp"}, cmd[1:]...)
				r.do(t, store...)
				h.do(store...)
				we, qe := r.do(t, "OBJECT", "ENCODING", "tmp"), h.do("OBJECT", "ENCODING", "tmp")
				if we != qe {
					report(i, cmd, "(encoding of the result)", we, qe)
				}
				r.do(t, "DEL", "tmp")
				h.do("DEL", "tmp")
				ordered = we != hashtable
			}
			if ordered {
				if want != got {
					report(i, cmd, "", want, got)
				}
			} else if w, q := hsSorted(want, 1), hsSorted(got, 1); w != q {
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
				if w, q := r.do(t, "SMEMBERS", k), h.do("SMEMBERS", k); hsSorted(w, 1) != hsSorted(q, 1) {
					report(i, cmd, "then SMEMBERS "+k, w, q)
				}
			}
		}
	}
	for name, m := range kinds {
		t.Logf("%-12s %v", name, m)
	}
	if mismatches > 20 {
		t.Errorf("%d mismatches in total", mismatches)
	}
}

// setCmdKeys lists the keys a set command reads.
func setCmdKeys(name string, cmd []string) []string {
	switch {
	case len(cmd) < 2:
		return nil
	case name == "sinter" || name == "sunion" || name == "sdiff":
		return cmd[1:]
	case name == "sinterstore" || name == "sunionstore" || name == "sdiffstore":
		return cmd[2:]
	case name == "sintercard":
		n, err := strconv.Atoi(cmd[1])
		if err != nil || n < 1 || n > len(cmd)-2 {
			return nil
		}
		return cmd[2 : 2+n]
	}
	return cmd[1:2]
}

// setAllInts reports whether members would make an intset.
func setAllInts(ms []string) bool {
	if len(ms) > datatypes.SetMaxIntsetEntries {
		return false
	}
	for _, m := range ms {
		if _, ok := datatypes.ParseInt([]byte(m)); !ok {
			return false
		}
	}
	return true
}

// setRandCheck validates a random SRANDMEMBER or SPOP reply from the
// harness: the same size as Redis's, members of the set (before the pop),
// distinct for a positive count. Where the outcome is not random (the
// whole set of an intset) the replies must be identical.
func setRandCheck(h *harness, name string, cmd, before []string, allIntset bool, want, got string) string {
	if len(cmd) == 2 {
		if (want == "$-1\r\n") != (got == "$-1\r\n") {
			return "(nil on one side only)"
		}
		if got == "$-1\r\n" {
			return ""
		}
		m := hsItems(got)[0]
		if name == "srandmember" && h.do("SISMEMBER", cmd[1], m) != ":1\r\n" ||
			name == "spop" && !slices.Contains(before, m) {
			return "(picked a non-member)"
		}
		return ""
	}
	w, q := hsItems(want), hsItems(got)
	if len(w) != len(q) {
		return "(sizes differ)"
	}
	count, _ := strconv.ParseInt(cmd[2], 10, 64)
	size, _ := strconv.ParseInt(strings.Trim(h.do("SCARD", cmd[1]), ":\r\n"), 10, 64)
	if name == "spop" {
		size = int64(len(before))
	}
	if count > 1 && count >= size && (allIntset || name == "spop" && setAllInts(q)) && want != got {
		return "(whole set in a defined order)"
	}
	seen := map[string]bool{}
	for _, m := range q {
		member := slices.Contains(before, m)
		if name == "srandmember" {
			member = h.do("SISMEMBER", cmd[1], m) == ":1\r\n"
		}
		if !member {
			return "(picked a non-member)"
		}
		if count > 0 && seen[m] {
			return "(repeated member with a positive count)"
		}
		seen[m] = true
	}
	if name == "spop" {
		for _, m := range q {
			if h.do("SISMEMBER", cmd[1], m) != ":0\r\n" {
				return "(popped member still present)"
			}
		}
	}
	return ""
}

// setSync makes Redis's key hold exactly the FSM's members in the FSM's
// encoding, after a SPOP that popped different members on each side.
func setSync(t *testing.T, r *redisConn, h *harness, key string) {
	t.Helper()
	r.do(t, "DEL", key)
	members := hsItems(h.do("SMEMBERS", key))
	if h.do("EXISTS", key) != ":1\r\n" {
		return
	}
	if h.do("OBJECT", "ENCODING", key) == "$9\r\nhashtable\r\n" {
		// A hashtable holding only integers: convert with a string member.
		r.do(t, "SADD", key, "\x00sync")
		defer r.do(t, "SREM", key, "\x00sync")
	}
	for len(members) > 0 {
		n := min(len(members), 200)
		r.do(t, append([]string{"SADD", key}, members[:n]...)...)
		members = members[n:]
	}
}

// setGen produces random set commands over a small key space; members
// are drawn so that both intset limits (non-integers, 512 members) get
// crossed, and "str" sometimes holds a string for WRONGTYPE.
type setGen struct {
	strGen
}

func (g *setGen) member() string {
	if g.rng.IntN(3) == 0 {
		return strconv.Itoa(g.rng.IntN(20) - 5)
	}
	return g.pick("a", "b", "c", "hello", "", "1", "2", "3", "10", "-1", "01", "+1", " 1", "-0",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "1.5", "x y")
}

func (g *setGen) count() string {
	return g.pick("0", "1", "2", "3", "5", "-1", "-2", "-4", "10", "600", "1000", "x", "",
		"9223372036854775807", "-9223372036854775807", "-9223372036854775808", "1.5")
}

func (g *setGen) keyList(min int) []string {
	var ks []string
	for n := min + g.rng.IntN(3); n > 0; n-- {
		ks = append(ks, g.pick(append(g.keys, "nokey")...))
	}
	return ks
}

func (g *setGen) command() []string {
	k := g.key()
	c := func(name string, args ...string) []string { return append([]string{g.name(name)}, args...) }
	switch g.rng.IntN(36) {
	case 0, 1, 2, 3, 4:
		args := []string{k}
		for n := 1 + g.rng.IntN(4); n > 0; n-- {
			args = append(args, g.member())
		}
		return c("SADD", args...)
	case 5:
		// Many integers at once, to cross the 512-member intset limit.
		args := []string{k}
		start := g.rng.IntN(700)
		for n := g.rng.IntN(300); n > 0; n-- {
			args = append(args, strconv.Itoa(start+n))
		}
		return c("SADD", append(args, "7")...)
	case 6, 7:
		args := []string{k}
		for n := 1 + g.rng.IntN(3); n > 0; n-- {
			args = append(args, g.member())
		}
		return c("SREM", args...)
	case 8, 9:
		return c("SMEMBERS", k)
	case 10:
		return c("SISMEMBER", k, g.member())
	case 11:
		args := []string{k}
		for n := 1 + g.rng.IntN(3); n > 0; n-- {
			args = append(args, g.member())
		}
		return c("SMISMEMBER", args...)
	case 12:
		return c("SCARD", k)
	case 13, 14:
		switch g.rng.IntN(4) {
		case 0:
			return c("SPOP", k)
		case 1:
			return c("SPOP", k, g.count(), "extra")
		}
		cnt := g.count()
		if l, err := strconv.ParseInt(cnt, 10, 64); err == nil && l > 1000 {
			cnt = "1000"
		}
		return c("SPOP", k, cnt)
	case 15, 16:
		args := []string{k}
		if g.rng.IntN(4) > 0 {
			args = append(args, g.count())
			if g.rng.IntN(10) == 0 {
				args = append(args, "x")
			}
		}
		if len(args) == 2 {
			if l, err := strconv.ParseInt(args[1], 10, 64); err == nil && l < -1000 && l != -1<<63 {
				args[1] = "-3" // a huge negative count would make Redis build a huge reply
			}
		}
		return c("SRANDMEMBER", args...)
	case 17, 18:
		return c("SMOVE", k, g.pick(append(g.keys, "nokey")...), g.member())
	case 19, 20:
		return c("SINTER", g.keyList(1)...)
	case 21:
		return c(g.pick("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), append([]string{k}, g.keyList(1)...)...)
	case 22, 23:
		ks := g.keyList(1)
		numkeys := strconv.Itoa(len(ks))
		if g.rng.IntN(8) == 0 {
			numkeys = g.pick("0", "-1", "x", "5", "9223372036854775807")
		}
		args := append([]string{numkeys}, ks...)
		for n := g.rng.IntN(3); n > 0; n-- {
			args = append(args, g.name(g.pick("LIMIT", "LIMIT", "bogus")))
			if g.rng.IntN(6) > 0 {
				args = append(args, g.pick("0", "1", "2", "5", "-1", "x"))
			}
		}
		return c("SINTERCARD", args...)
	case 24, 25:
		return c("SUNION", g.keyList(1)...)
	case 26, 27:
		return c("SDIFF", g.keyList(1)...)
	case 28, 29:
		args := []string{k, g.pick("0", "0", "0", "7", "123456789", "-1", "x", "")}
		for n := g.rng.IntN(3); n > 0; n-- {
			switch g.rng.IntN(4) {
			case 0:
				args = append(args, g.name("COUNT"), g.pick("1", "5", "100", "0", "-1", "x"))
			case 1:
				args = append(args, g.name("MATCH"), g.pick("*", "1*", "[ab]", "?", "*5", "h*"))
			case 2:
				args = append(args, g.name(g.pick("TYPE", "COUNT")))
			default:
				args = append(args, g.name("COUNT"), "3")
			}
		}
		return c("SSCAN", args...)
	case 30:
		return c("DEL", k)
	case 31:
		return c("SET", "str", "x")
	case 32:
		return c(g.pick("SADD", "SREM", "SMOVE", "SISMEMBER", "SMISMEMBER", "SINTERCARD", "SINTERSTORE", "SSCAN"), k)
	case 33:
		return c(g.pick("SCARD", "SMEMBERS", "SPOP", "SRANDMEMBER", "SINTER", "SUNION", "SDIFF"))
	default:
		return c("SADD", k, g.member())
	}
}
