package fsm

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestListsAgainstRedis replays a seeded random sequence of list commands,
// well-formed and malformed, against a real redis-server and the FSM and
// demands byte-identical replies, plus identical list contents every few
// dozen commands. Nothing in list commands is random or unordered, so
// every reply is compared exactly.
//
// Blocking commands are the one special case. The FSM answers a null array
// where Redis would block; Redis would hang the test there, so whenever the
// FSM says it would block, the command is sent to Redis inside MULTI/EXEC,
// where Redis does not block either and answers what a timeout would.
func TestListsAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)

	seed := envSeed("QUORIS_LISTS_SEED", 20240607)
	rng := rand.New(rand.NewPCG(seed, 13))
	g := &listGen{strGen: strGen{rng: rng, keys: []string{"l0", "l1", "l2", "l3", "s0"}}}

	const n = 3000
	mismatches := 0
	report := func(i int, cmd []string, want, got string) {
		mismatches++
		if mismatches <= 20 {
			t.Errorf("#%d %q:\n redis:  %q\n quoris: %q", i, cmd, want, got)
		}
	}
	kinds := map[string]map[string]int{}
	for i := 0; i < n; i++ {
		cmd := g.command()
		name := strings.ToLower(cmd[0])
		got := h.do(cmd...)
		var want string
		if h.f.Table().Lookup([]byte(name)).Has("blocking") && (got == "*-1\r\n" || got == "$-1\r\n") {
			want = r.listDoNonBlocking(t, cmd)
		} else {
			want = r.do(t, cmd...)
		}
		if kinds[name] == nil {
			kinds[name] = map[string]int{}
		}
		kinds[name][strings.SplitN(want, "\r\n", 2)[0]]++
		if got != want {
			report(i, cmd, want, got)
		}
		if i%40 == 0 || i == n-1 {
			for _, k := range g.keys {
				c := []string{"LRANGE", k, "0", "-1"}
				if want, got := r.do(t, c...), h.do(c...); want != got {
					report(i, c, want, got)
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

// listDoNonBlocking runs a blocking command in MULTI/EXEC so that Redis answers
// at once, as the FSM's single attempt does (BLMOVE and BRPOPLPUSH answer a
// null bulk there, the others a null array).
func (r *redisConn) listDoNonBlocking(t *testing.T, cmd []string) string {
	t.Helper()
	if ok := r.do(t, "MULTI"); ok != "+OK\r\n" {
		t.Fatalf("MULTI: %q", ok)
	}
	if q := r.do(t, cmd...); q != "+QUEUED\r\n" {
		r.do(t, "DISCARD")
		return q
	}
	out := r.do(t, "EXEC")
	if !strings.HasPrefix(out, "*1\r\n") {
		t.Fatalf("EXEC of %q: %q", cmd, out)
	}
	return out[len("*1\r\n"):]
}

type listGen struct {
	strGen
}

func (g *listGen) elem() string {
	return g.pick("a", "b", "c", "a", "b", "", "hello", "1", "-1", "a b", "x")
}

func (g *listGen) elems(min int) []string {
	var out []string
	for n := min + g.rng.IntN(4); n > 0; n-- {
		out = append(out, g.elem())
	}
	return out
}

func (g *listGen) index() string {
	return g.pick("0", "1", "2", "-1", "-2", "3", "5", "-5", "10", "-100", "100",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "x", "1.5", "", "+1", "01")
}

func (g *listGen) count() string {
	return g.pick("0", "1", "2", "3", "5", "100", "-1", "-3", "x", "", "9223372036854775807", "-9223372036854775808")
}

func (g *listGen) timeout() string {
	return g.pick("0", "0", "0.1", "1", "1.5", "10", "0.0001", "-0", "-1", "-0.5", "-0.0001", "abc", "",
		"inf", "-inf", "nan", "1e30", "9223372036854775", "9223372036854775.807", "9223372036854775.808",
		"9.3e15", "0x10", "1e-400", " 1", "1 ", "1e", ".5")
}

func (g *listGen) where() string { return g.name(g.pick("LEFT", "RIGHT", "LEFT", "RIGHT", "up")) }

func (g *listGen) keyList(min int) []string {
	var out []string
	for n := min + g.rng.IntN(3); n > 0; n-- {
		out = append(out, g.key())
	}
	return out
}

// mpopArgs builds LMPOP/BLMPOP's numkeys keys... where [COUNT n], now and
// then with numkeys not matching the keys.
func (g *listGen) mpopArgs() []string {
	keys := g.keyList(1)
	numkeys := strconv.Itoa(len(keys))
	if g.rng.IntN(8) == 0 {
		numkeys = g.pick("0", "-1", "x", "5", "9223372036854775807", "9223372036854775806", "2")
	}
	args := append([]string{numkeys}, keys...)
	if g.rng.IntN(12) > 0 {
		args = append(args, g.where())
	}
	for n := g.rng.IntN(3); n > 0; n-- {
		args = append(args, g.name(g.pick("COUNT", "COUNT", "bogus")))
		if g.rng.IntN(8) > 0 {
			args = append(args, g.count())
		}
	}
	return args
}

func (g *listGen) command() []string {
	k := g.key()
	c := func(name string, args ...string) []string { return append([]string{g.name(name)}, args...) }
	switch g.rng.IntN(40) {
	case 0, 1, 2, 3:
		return c(g.pick("LPUSH", "RPUSH"), append([]string{k}, g.elems(1)...)...)
	case 4:
		return c(g.pick("LPUSHX", "RPUSHX"), append([]string{k}, g.elems(1)...)...)
	case 5, 6:
		return c(g.pick("LPOP", "RPOP"), k)
	case 7:
		args := []string{k, g.count()}
		if g.rng.IntN(10) == 0 {
			args = append(args, "1")
		}
		return c(g.pick("LPOP", "RPOP"), args...)
	case 8:
		return c("LLEN", k)
	case 9, 10, 11:
		return c("LRANGE", k, g.index(), g.index())
	case 12:
		return c("LINDEX", k, g.index())
	case 13:
		return c("LSET", k, g.index(), g.elem())
	case 14:
		return c("LINSERT", k, g.name(g.pick("BEFORE", "AFTER", "AFTER", "BEFORE", "middle")), g.elem(), g.elem())
	case 15:
		return c("LREM", k, g.count(), g.elem())
	case 16:
		return c("LTRIM", k, g.index(), g.index())
	case 17, 18:
		args := []string{k, g.elem()}
		for n := g.rng.IntN(4); n > 0; n-- {
			opt := g.pick("RANK", "COUNT", "MAXLEN", "RANK", "COUNT", "bogus")
			args = append(args, g.name(opt))
			if g.rng.IntN(10) > 0 {
				switch opt {
				case "RANK":
					args = append(args, g.pick("1", "2", "-1", "-2", "0", "3", "x", "-9223372036854775808", "9223372036854775807"))
				case "COUNT":
					args = append(args, g.pick("0", "1", "2", "-1", "x", "10"))
				case "MAXLEN":
					args = append(args, g.pick("0", "1", "2", "3", "-1", "x"))
				}
			}
		}
		return c("LPOS", args...)
	case 19, 20:
		return c("LMOVE", k, g.key(), g.where(), g.where())
	case 21:
		return c("RPOPLPUSH", k, g.key())
	case 22, 23:
		return c("LMPOP", g.mpopArgs()...)
	case 24, 25:
		return c(g.pick("BLPOP", "BRPOP"), append(g.keyList(1), g.timeout())...)
	case 26:
		return c("BLMOVE", k, g.key(), g.where(), g.where(), g.timeout())
	case 27:
		return c("BRPOPLPUSH", k, g.key(), g.timeout())
	case 28:
		return c("BLMPOP", append([]string{g.timeout()}, g.mpopArgs()...)...)
	case 29:
		return c("SET", g.pick("s0", "s0", k), g.elem())
	case 30:
		return c("DEL", k)
	case 31:
		return c(g.pick("TYPE", "EXISTS"), k)
	case 32:
		return c("OBJECT", "ENCODING", k)
	case 33:
		// Wrong argument counts.
		return c(g.pick("LPUSH", "LPOP", "LLEN", "LRANGE", "LINDEX", "LSET", "LINSERT", "LREM", "LTRIM",
			"LPOS", "LMOVE", "RPOPLPUSH", "LMPOP", "BLPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP"), k)
	default:
		return c("RPUSH", append([]string{k}, g.elems(2)...)...)
	}
}
