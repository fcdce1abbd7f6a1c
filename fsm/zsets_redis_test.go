package fsm

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestZSetsAgainstRedis replays a seeded random sequence of sorted-set
// commands against a real redis-server and the FSM and compares raw
// replies byte for byte. A sorted set's order is defined, so nearly
// everything compares exactly; the exceptions are what Redis leaves
// random or unspecified:
//   - ZRANDMEMBER picks (checked for size, membership, scores, uniqueness);
//   - ZSCAN of a skiplist-encoded set, whose order and cursors are
//     Redis's hash table's (a whole iteration is compared as a set; a
//     listpack is returned whole and compared exactly);
//   - lex ranges over a skiplist whose members have different scores,
//     where Redis's answer depends on its random node levels: such
//     commands are redirected to "zlex", whose members all score 0.
func TestZSetsAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	seed := envSeed("QUORIS_ZSETS_SEED", 20240620)
	n := 3000
	if s := os.Getenv("QUORIS_ZSETS_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	rng := rand.New(rand.NewPCG(seed, 23))
	g := &zsetGen{strGen: strGen{rng: rng, keys: []string{"z0", "z1", "z2", "z3", "str", "set"}}}

	mismatches := 0
	report := func(i int, cmd []string, what, want, got string) {
		mismatches++
		if mismatches <= 20 {
			t.Errorf("#%d %.300q %s:\n redis:  %.600q\n quoris: %.600q", i, cmd, what, want, got)
		}
	}
	kinds := map[string]map[string]int{}
	for i := 0; i < n; i++ {
		cmd := g.command()
		name := strings.ToLower(cmd[0])
		zsetLexRedirect(h, name, cmd)
		skiplist := false
		if name == "zscan" || name == "zrandmember" {
			skiplist = h.do("OBJECT", "ENCODING", cmd[1]) == "$8\r\nskiplist\r\n"
		}
		want, got := r.do(t, cmd...), h.do(cmd...)
		if os.Getenv("QUORIS_ZSETS_TRACE") != "" {
			t.Logf("#%d %.200q -> %.300q", i, cmd, want)
		}
		if kinds[name] == nil {
			kinds[name] = map[string]int{}
		}
		kinds[name][want[:1]]++
		switch {
		case strings.HasPrefix(want, "-") || strings.HasPrefix(got, "-"):
			if want != got {
				report(i, cmd, "", want, got)
			}
		case name == "zrandmember":
			if msg := zsetRandCheck(h, cmd, want, got); msg != "" {
				report(i, cmd, msg, want, got)
			}
		case name == "zscan" && skiplist:
			if cmd[2] != "0" {
				break // a page from an arbitrary cursor: only whole iterations compare
			}
			w := hsScanAll(t, cmd, want, func(c []string) string { return r.do(t, c...) }, 2)
			q := hsScanAll(t, cmd, got, func(c []string) string { return h.do(c...) }, 2)
			if w != q {
				report(i, cmd, "(whole iteration)", w, q)
			}
		default:
			if want != got {
				report(i, cmd, "", want, got)
			}
		}
		if i%7 == 0 || i == n-1 {
			for _, k := range append(g.keys, "zlex") {
				for _, probe := range [][]string{{"TYPE", k}, {"OBJECT", "ENCODING", k}, {"ZRANGE", k, "0", "-1", "WITHSCORES"}} {
					if w, q := r.do(t, probe...), h.do(probe...); w != q {
						report(i, cmd, "then "+strings.Join(probe, " "), w, q)
					}
				}
			}
		}
	}
	for name, m := range kinds {
		t.Logf("%-18s %v", name, m)
	}
	if mismatches > 20 {
		t.Errorf("%d mismatches in total", mismatches)
	}
}

// zsetLexRedirect points a lex-range command at "zlex" when its key holds
// a skiplist with mixed scores (see TestZSetsAgainstRedis).
func zsetLexRedirect(h *harness, name string, cmd []string) {
	lex := name == "zrangebylex" || name == "zrevrangebylex" || name == "zlexcount" || name == "zremrangebylex"
	at := 1
	if name == "zrange" || name == "zrangestore" {
		if name == "zrangestore" {
			at = 2
		}
		for _, a := range cmd[1:] {
			lex = lex || strings.EqualFold(a, "bylex")
		}
	}
	if !lex || at >= len(cmd) || h.do("OBJECT", "ENCODING", cmd[at]) != "$8\r\nskiplist\r\n" {
		return
	}
	lo := hsItems(h.do("ZRANGE", cmd[at], "0", "0", "WITHSCORES"))
	hi := hsItems(h.do("ZRANGE", cmd[at], "-1", "-1", "WITHSCORES"))
	if len(lo) == 2 && len(hi) == 2 && lo[1] != hi[1] {
		cmd[at] = "zlex"
	}
}

// zsetRandCheck validates a ZRANDMEMBER reply from the harness against
// Redis's: same size, members of the set with their scores, distinct for
// a positive count, the whole set when the count covers it.
func zsetRandCheck(h *harness, cmd []string, want, got string) string {
	if len(cmd) == 2 {
		if (want == "$-1\r\n") != (got == "$-1\r\n") {
			return "(nil on one side only)"
		}
		if got != "$-1\r\n" && h.do("ZSCORE", cmd[1], hsItems(got)[0]) == "$-1\r\n" {
			return "(picked a non-member)"
		}
		return ""
	}
	w, q := hsItems(want), hsItems(got)
	if len(w) != len(q) {
		return "(sizes differ)"
	}
	count, _ := strconv.ParseInt(cmd[2], 10, 64)
	step := 1
	if len(cmd) == 4 {
		step = 2
	}
	size := strings.Count(h.do("ZRANGE", cmd[1], "0", "-1"), "$")
	if count >= int64(size) && count > 0 {
		if hsSorted(want, step) != hsSorted(got, step) {
			return "(whole set differs)"
		}
		return ""
	}
	seen := map[string]bool{}
	for i := 0; i+step <= len(q); i += step {
		score := h.do("ZSCORE", cmd[1], q[i])
		if score == "$-1\r\n" {
			return "(picked a non-member)"
		}
		if step == 2 && hsItems(score)[0] != q[i+1] {
			return "(wrong score)"
		}
		if count > 0 && seen[q[i]] {
			return "(repeated member with a positive count)"
		}
		seen[q[i]] = true
	}
	return ""
}

// zsetGen produces random sorted-set commands over a small key space:
// scores that exercise parsing and %.17g printing, members that cross
// the listpack limits (129 members, 65 bytes), bounds of every spelling.
type zsetGen struct {
	strGen
}

func (g *zsetGen) member() string {
	switch g.rng.IntN(12) {
	case 0:
		return strings.Repeat("L", 64+g.rng.IntN(2))
	case 1, 2, 3, 4:
		return "m" + strconv.Itoa(g.rng.IntN(40))
	}
	return g.pick("a", "b", "c", "d", "e", "aa", "ab", "ba", "b\x00", "", "A", "z", "zz", "1", "10", "2")
}

func (g *zsetGen) key() string {
	if g.rng.IntN(15) == 0 {
		return g.pick("str", "set")
	}
	return g.pick("z0", "z1", "z2", "z3")
}

func (g *zsetGen) score() string {
	switch g.rng.IntN(20) {
	case 0:
		return g.pick("nan", "x", "", " 1", "1e400", "1e-400", "(1", "1 ", "0x", "1e", "infinit", "1\x00")
	case 1, 2, 3, 4, 5, 6, 7:
		return strconv.Itoa(g.rng.IntN(21) - 10)
	}
	return g.pick("0", "-0", "+0", "1", "1.5", "0.1", "0.3", "-2.5", "3", "1e20", "123456789012345678",
		"4611686018427387904", "1e-5", "inf", "-inf", "+inf", "Infinity", "1e-310", "0x10", "0X1P-2", "5.", ".5",
		"1e308", "-1.7976931348623157e308", "0.30000000000000004", "-0.0", "1E2", "0x.8p1", "2.5e-3")
}

func (g *zsetGen) bound() string {
	if g.rng.IntN(3) == 0 {
		return g.pick("", "(") + strconv.Itoa(g.rng.IntN(21)-10)
	}
	return g.pick("-inf", "+inf", "inf", "(-inf", "(+inf", "0", "-0", "(0", "1.5", "(1.5", "0.1", "(0.1", "1e20",
		" 1", "", "(", "x", "nan", "(nan", "1e400", "-1e400", "1e-400", "1\x001", "0x1p1", "1 ", "((1")
}

func (g *zsetGen) lexBound() string {
	if g.rng.IntN(3) == 0 {
		return g.pick("[", "(") + g.member()
	}
	return g.pick("-", "+", "[a", "(a", "[b", "(b", "[", "(", "[m1", "(m2", "[zz", "x", "", "+x", "-\x00", "[\x00")
}

func (g *zsetGen) rank() string {
	if g.rng.IntN(2) == 0 {
		return strconv.Itoa(g.rng.IntN(13) - 6)
	}
	return g.pick("0", "-1", "100", "-100", "200", "x", "1.5", "9223372036854775807", "-9223372036854775808", "")
}

func (g *zsetGen) count() string {
	return g.pick("0", "1", "2", "3", "5", "-1", "-2", "-4", "10", "200", "x", "",
		"9223372036854775807", "-9223372036854775807", "-9223372036854775808", "4611686018427387903", "4611686018427387904", "1.5")
}

func (g *zsetGen) keyList(min int) []string {
	var ks []string
	for n := min + g.rng.IntN(3); n > 0; n-- {
		ks = append(ks, g.pick(append(g.keys, "nokey", "zlex")...))
	}
	return ks
}

func (g *zsetGen) timeout() string {
	return g.pick("0.01", "0.01", "0.01", "0.02", "-1", "x", "inf", "-0.5", "1e30", "")
}

// rangeOpts appends random ZRANGE-family options.
func (g *zsetGen) rangeOpts(args []string, allowed ...string) []string {
	for n := g.rng.IntN(3); n > 0; n-- {
		switch opt := g.pick(allowed...); opt {
		case "LIMIT":
			args = append(args, g.name("LIMIT"), g.pick("0", "1", "2", "-1", "5", "x"), g.pick("1", "2", "-1", "0", "3", "x"))
		default:
			args = append(args, g.name(opt))
		}
	}
	return args
}

func (g *zsetGen) pairs(args []string, n int) []string {
	for ; n > 0; n-- {
		args = append(args, g.score(), g.member())
	}
	return args
}

func (g *zsetGen) setOp() []string {
	c := func(name string, args ...string) []string { return append([]string{g.name(name)}, args...) }
	name := g.pick("ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZINTERCARD")
	var args []string
	if strings.HasSuffix(name, "STORE") {
		args = append(args, g.key())
	}
	ks := g.keyList(1)
	numkeys := strconv.Itoa(len(ks))
	if g.rng.IntN(10) == 0 {
		numkeys = g.pick("0", "-1", "x", "5", "9223372036854775807")
	}
	args = append(args, numkeys)
	args = append(args, ks...)
	for n := g.rng.IntN(3); n > 0; n-- {
		switch g.rng.IntN(6) {
		case 0, 1:
			args = append(args, g.name("WEIGHTS"))
			for range ks {
				args = append(args, g.pick("1", "2", "-1", "0", "0.5", "inf", "-inf", "0.1", "x"))
			}
		case 2:
			args = append(args, g.name("AGGREGATE"), g.name(g.pick("SUM", "MIN", "MAX", "AVG")))
		case 3:
			args = append(args, g.name("WITHSCORES"))
		case 4:
			args = append(args, g.name("LIMIT"), g.pick("0", "1", "2", "-1", "x"))
		default:
			args = append(args, g.name(g.pick("WEIGHTS", "AGGREGATE", "bogus")))
		}
	}
	return c(name, args...)
}

func (g *zsetGen) command() []string {
	k := g.key()
	c := func(name string, args ...string) []string { return append([]string{g.name(name)}, args...) }
	switch g.rng.IntN(60) {
	case 0, 1, 2, 3, 4, 5:
		args := []string{k}
		for n := g.rng.IntN(3); n > 0; n-- {
			args = append(args, g.name(g.pick("NX", "XX", "CH", "INCR", "GT", "LT")))
		}
		return c("ZADD", g.pairs(args, 1+g.rng.IntN(3))...)
	case 6:
		// Many members at once, to cross the 128-member listpack limit.
		args := []string{k}
		start := g.rng.IntN(200)
		for n := 60 + g.rng.IntN(90); n > 0; n-- {
			args = append(args, strconv.Itoa(g.rng.IntN(50)), "m"+strconv.Itoa(start+n))
		}
		return c("ZADD", args...)
	case 7:
		args := []string{"zlex"}
		for n := 1 + g.rng.IntN(4); n > 0; n-- {
			args = append(args, "0", g.member())
		}
		return c("ZADD", args...)
	case 8, 9:
		return c("ZINCRBY", k, g.pick(g.score(), "1", "nx", "incr"), g.member())
	case 10, 11:
		args := []string{k}
		for n := 1 + g.rng.IntN(3); n > 0; n-- {
			args = append(args, g.member())
		}
		return c("ZREM", args...)
	case 12:
		return c("ZCARD", k)
	case 13:
		return c("ZCOUNT", k, g.bound(), g.bound())
	case 14:
		return c("ZLEXCOUNT", k, g.lexBound(), g.lexBound())
	case 15:
		return c("ZSCORE", k, g.member())
	case 16:
		return c("ZMSCORE", k, g.member(), g.member())
	case 17:
		return c(g.pick("ZRANK", "ZREVRANK"), k, g.member())
	case 18, 19, 20:
		args := []string{k}
		switch g.rng.IntN(3) {
		case 0:
			args = append(args, g.rank(), g.rank())
		case 1:
			args = append(args, g.bound(), g.bound(), g.name("BYSCORE"))
		default:
			args = append(args, g.lexBound(), g.lexBound(), g.name("BYLEX"))
		}
		return c("ZRANGE", g.rangeOpts(args, "WITHSCORES", "REV", "LIMIT", "BYSCORE", "BYLEX", "bogus")...)
	case 21, 22:
		args := []string{g.key(), k}
		switch g.rng.IntN(3) {
		case 0:
			args = append(args, g.rank(), g.rank())
		case 1:
			args = append(args, g.bound(), g.bound(), g.name("BYSCORE"))
		default:
			args = append(args, g.lexBound(), g.lexBound(), g.name("BYLEX"))
		}
		return c("ZRANGESTORE", g.rangeOpts(args, "REV", "LIMIT", "BYSCORE", "BYLEX", "WITHSCORES")...)
	case 23, 24:
		return c(g.pick("ZRANGEBYSCORE", "ZREVRANGEBYSCORE"), g.rangeOpts([]string{k, g.bound(), g.bound()}, "WITHSCORES", "LIMIT", "LIMIT", "REV")...)
	case 25, 26:
		return c(g.pick("ZRANGEBYLEX", "ZREVRANGEBYLEX"), g.rangeOpts([]string{k, g.lexBound(), g.lexBound()}, "LIMIT", "LIMIT", "WITHSCORES")...)
	case 27:
		return c("ZREVRANGE", g.rangeOpts([]string{k, g.rank(), g.rank()}, "WITHSCORES", "WITHSCORES", "REV")...)
	case 28:
		return c("ZREMRANGEBYRANK", k, g.rank(), g.rank())
	case 29:
		return c("ZREMRANGEBYSCORE", k, g.bound(), g.bound())
	case 30:
		return c("ZREMRANGEBYLEX", g.pick(k, "zlex"), g.lexBound(), g.lexBound())
	case 31, 32:
		args := []string{k}
		if g.rng.IntN(2) == 0 {
			args = append(args, g.pick("0", "1", "2", "5", "-1", "x", "200"))
			if g.rng.IntN(8) == 0 {
				args = append(args, "1")
			}
		}
		return c(g.pick("ZPOPMIN", "ZPOPMAX"), args...)
	case 33, 34:
		ks := g.keyList(1)
		numkeys := strconv.Itoa(len(ks))
		if g.rng.IntN(8) == 0 {
			numkeys = g.pick("0", "-1", "x", "5", "9223372036854775807")
		}
		args := append([]string{numkeys}, ks...)
		args = append(args, g.name(g.pick("MIN", "MAX", "MIN", "MAX", "LEFT")))
		if g.rng.IntN(2) == 0 {
			args = append(args, g.name("COUNT"), g.pick("1", "2", "5", "0", "-1", "x"))
		}
		if g.rng.IntN(10) == 0 {
			args = append(args, g.name("COUNT"), "1")
		}
		if g.rng.IntN(3) == 0 {
			return c("BZMPOP", append([]string{g.timeout()}, args...)...)
		}
		return c("ZMPOP", args...)
	case 35, 36:
		args := append(g.keyList(1), g.timeout())
		return c(g.pick("BZPOPMIN", "BZPOPMAX"), args...)
	case 37, 38:
		args := []string{k}
		if g.rng.IntN(4) > 0 {
			args = append(args, g.count())
			if g.rng.IntN(2) == 0 {
				args = append(args, g.name(g.pick("WITHSCORES", "WITHSCORES", "x")))
			}
			if g.rng.IntN(10) == 0 {
				args = append(args, "x")
			}
		}
		if len(args) >= 2 {
			if l, err := strconv.ParseInt(args[1], 10, 64); err == nil && l < -1000 && l != -1<<63 &&
				(len(args) == 2 || l >= -(1<<62)+1) {
				args[1] = "-3" // a huge negative count would make Redis build a huge reply
			}
		}
		return c("ZRANDMEMBER", args...)
	case 39, 40, 41, 42, 43, 44:
		return g.setOp()
	case 45, 46:
		args := []string{g.pick(k, "zlex"), g.pick("0", "0", "0", "7", "x", "")}
		for n := g.rng.IntN(3); n > 0; n-- {
			switch g.rng.IntN(4) {
			case 0:
				args = append(args, g.name("COUNT"), g.pick("1", "5", "100", "0", "-1", "x"))
			case 1:
				args = append(args, g.name("MATCH"), g.pick("*", "m1*", "[ab]", "?", "*5", "L*"))
			case 2:
				args = append(args, g.name(g.pick("TYPE", "COUNT", "NOVALUES")))
			default:
				args = append(args, g.name("COUNT"), "3")
			}
		}
		return c("ZSCAN", args...)
	case 47:
		return c("DEL", k)
	case 48:
		return c("SET", "str", "x")
	case 49:
		return c("SADD", "set", g.member(), g.member())
	case 50:
		return c(g.pick("ZADD", "ZREM", "ZRANGE", "ZRANGESTORE", "ZUNIONSTORE", "ZMPOP", "ZSCAN", "BZPOPMIN", "ZRANDMEMBER", "ZINTERCARD"), k)
	case 51:
		return c(g.pick("ZCARD", "ZSCORE", "ZRANK", "ZPOPMIN", "ZUNION", "ZINCRBY"))
	case 52:
		return c("ZRANK", k, g.member(), g.name("WITHSCORE"))
	case 53:
		return c("ZADD", g.pairs([]string{k, g.name(g.pick("GT", "LT", "XX", "NX")), g.name("CH")}, 1+g.rng.IntN(2))...)
	case 54:
		return c("ZADD", k, g.name("INCR"), g.pick("inf", "-inf", "1", "-1e308", "1e308"), g.member())
	case 55:
		return c("COPY", k, g.key(), g.name("REPLACE"))
	default:
		return c("ZADD", k, g.score(), g.member())
	}
}
