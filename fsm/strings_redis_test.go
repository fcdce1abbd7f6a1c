package fsm

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quoris/quoris/integration/redistest"
)

// TestStringsAgainstRedis replays one seeded random command sequence against
// a real redis-server and against the FSM, and demands byte-identical
// replies. It is the arbiter for the many corner cases (error precedence,
// option parsing, number formatting) a hand-written table would miss.
func TestStringsAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	// Align the FSM's clock with Redis's so relative TTLs and EXAT/PXAT
	// timestamps land on the same side of "now" in both.
	h.now = time.Now().UnixMilli()

	keys := []string{"k0", "k1", "k2", "k3", "k4"}
	seed := uint64(20240601)
	if s := os.Getenv("QUORIS_STRINGS_SEED"); s != "" {
		// Lets a developer explore other sequences; the default stays fixed.
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	g := &strGen{rng: rng, keys: keys}

	const n = 3000
	mismatches := 0
	// kinds counts reply types per command; logged with -v to show what the
	// random sequence actually covered.
	kinds := map[string]map[string]int{}
	for i := 0; i < n; i++ {
		h.now = max(h.now, time.Now().UnixMilli())
		if rng.IntN(80) == 0 {
			// Make a key hold a non-string so WRONGTYPE paths get exercised.
			k := g.key()
			r.do(t, "DEL", k)
			r.do(t, "RPUSH", k, "x")
			h.f.dbs[0].remove(k, 0)
			h.f.dbs[0].put(k, Item{Value: 42})
			continue
		}
		cmd := g.command()
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
				t.Errorf("#%d %q:\n redis: %q\n quoris: %q", i, cmd, want, got)
			}
		}
		if i%25 == 0 || i == n-1 {
			for _, k := range keys {
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
	if mismatches > 20 {
		t.Errorf("%d mismatches in total", mismatches)
	}
}

// ttlState classifies a key as missing, persistent or volatile without
// comparing remaining times, which differ by scheduling jitter.
func (h *harness) ttlState(key string) string {
	it, ok := h.f.dbs[h.db].raw(key)
	switch {
	case !ok || !alive(it, h.now):
		return "missing"
	case it.ExpireAt == 0:
		return "persistent"
	}
	return "volatile"
}

func (r *redisConn) ttlState(t *testing.T, key string) string {
	reply := r.do(t, "PTTL", key)
	switch {
	case reply == ":-2\r\n":
		return "missing"
	case reply == ":-1\r\n":
		return "persistent"
	case strings.HasPrefix(reply, ":"):
		return "volatile"
	}
	t.Fatalf("PTTL %s: unexpected reply %q", key, reply)
	return ""
}

// strGen produces random string commands over a small key space, mixing
// well-formed calls with the malformed ones whose errors must match too.
type strGen struct {
	rng  *rand.Rand
	keys []string
}

func (g *strGen) pick(xs ...string) string { return xs[g.rng.IntN(len(xs))] }

func (g *strGen) key() string { return g.keys[g.rng.IntN(len(g.keys))] }

// name randomises letter case, which Redis ignores in names and options.
func (g *strGen) name(s string) string {
	switch g.rng.IntN(3) {
	case 0:
		return strings.ToUpper(s)
	case 1:
		return strings.ToLower(s)
	}
	b := []byte(s)
	for i := range b {
		if g.rng.IntN(2) == 0 {
			b[i] = bytes.ToUpper(b[i : i+1])[0]
		}
	}
	return string(b)
}

func (g *strGen) value() string {
	if g.rng.IntN(3) == 0 {
		return g.integer()
	}
	return g.pick("", "0", "1", "-1", "7", "10", "-25", "42", "100", "012", "+5", " 3", "3 ",
		"-0", "9223372036854775806", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "1.5", "-2.25", "3.0e3", "5.0e3", "0.1", "1e-3", "inf", "nan",
		"0x10", "abc", "hello", "hello world", "ohmytext", "mynewtext", "x", "ABCBDAB", "BDCABA")
}

func (g *strGen) integer() string {
	return g.pick("0", "1", "-1", "2", "5", "-3", "17", "100", "-100", "1000",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
		"01", "+1", "1.5", "abc", "", " 1", "-0", "4611686018427387904")
}

func (g *strGen) float() string {
	return g.pick("0", "1", "-1", "0.1", "0.2", "1.5", "-2.25", "3.0e3", "1e10", "1e-10",
		"10.5", "5.0e3", "+1.5", ".5", "1.", "0x10", "1e4000", "-1e4000", "1e-5000", "inf",
		"-inf", "nan", "abc", "", " 1", "1 ", "1e", "17.00000000000000001", "1e30", "-0",
		"3.14159265358979323846", "0.000000000000000001")
}

// ttl returns an expire argument for unit s (seconds) or ms, or an absolute
// one: far enough from now that test runtime never flips its meaning.
func (g *strGen) ttl(opt string) string {
	now := time.Now().UnixMilli()
	switch strings.ToUpper(opt) {
	case "EX":
		return g.pick("100", "3600", "86400", "0", "-1", "abc", "1.5", "9223372036854775", "9223372036854776")
	case "PX":
		return g.pick("100000", "3600000", "0", "-5", "x", "9223372036854775807")
	case "EXAT":
		return g.pick(strconv.FormatInt(now/1000+86400, 10), "1", "1000", "0", "-1", "x",
			"9223372036854775", "9223372036854776")
	default: // PXAT
		return g.pick(strconv.FormatInt(now+86_400_000, 10), "1", "1000000", "0", "-7", "x",
			"9223372036854775807")
	}
}

func (g *strGen) setOptions(getex bool) []string {
	var out []string
	for n := g.rng.IntN(4); n > 0; n-- {
		var opt string
		if getex {
			opt = g.pick("EX", "PX", "EXAT", "PXAT", "PERSIST", "PERSIST", "NX", "KEEPTTL", "bogus")
		} else {
			opt = g.pick("EX", "PX", "EXAT", "PXAT", "NX", "XX", "GET", "KEEPTTL", "KEEPTTL", "GET", "NX", "XX", "bogus")
		}
		out = append(out, g.name(opt))
		switch strings.ToUpper(opt) {
		case "EX", "PX", "EXAT", "PXAT":
			if g.rng.IntN(15) > 0 { // sometimes leave the argument off
				out = append(out, g.ttl(opt))
			}
		}
	}
	return out
}

func (g *strGen) command() []string {
	k := g.key()
	c := func(name string, args ...string) []string { return append([]string{g.name(name)}, args...) }
	switch g.rng.IntN(30) {
	case 0, 1:
		return c("GET", k)
	case 2, 3, 4:
		return c("SET", append([]string{k, g.value()}, g.setOptions(false)...)...)
	case 5:
		return c("SETNX", k, g.value())
	case 6:
		return c("SETEX", k, g.ttl("EX"), g.value())
	case 7:
		return c("PSETEX", k, g.ttl("PX"), g.value())
	case 8:
		args := []string{}
		for n := 1 + g.rng.IntN(4); n > 0; n-- {
			args = append(args, g.key())
		}
		return c("MGET", args...)
	case 9, 10:
		name := g.pick("MSET", "MSETNX")
		args := []string{}
		for n := 1 + g.rng.IntN(3); n > 0; n-- {
			args = append(args, g.key(), g.value())
		}
		if g.rng.IntN(8) == 0 {
			args = args[:len(args)-1] // odd pairs: an arity error
		}
		return c(name, args...)
	case 11:
		return c("GETSET", k, g.value())
	case 12:
		return c("GETDEL", k)
	case 13, 14:
		return c("GETEX", append([]string{k}, g.setOptions(true)...)...)
	case 15:
		return c("APPEND", k, g.value())
	case 16:
		return c("STRLEN", k)
	case 17:
		return c(g.pick("INCR", "DECR"), k)
	case 18, 19:
		return c(g.pick("INCRBY", "DECRBY"), k, g.integer())
	case 20, 21:
		return c("INCRBYFLOAT", k, g.float())
	case 22, 23:
		return c(g.pick("GETRANGE", "SUBSTR"), k, g.integer(), g.integer())
	case 24:
		return c("SETRANGE", k, g.pick("0", "1", "3", "10", "-1", "x", "536870912", "9223372036854775807"), g.pick("", "abc", "Z", "xyz123"))
	case 25, 26:
		args := []string{k, g.key()}
		for n := g.rng.IntN(4); n > 0; n-- {
			opt := g.pick("LEN", "IDX", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "MINMATCHLEN", "junk")
			args = append(args, g.name(opt))
			if strings.EqualFold(opt, "MINMATCHLEN") && g.rng.IntN(10) > 0 {
				args = append(args, g.pick("0", "1", "2", "4", "-3", "x"))
			}
		}
		return c("LCS", args...)
	case 27:
		// Wrong argument counts.
		return c(g.pick("GET", "STRLEN", "INCR", "GETDEL", "SETNX", "SETEX", "GETRANGE", "INCRBY", "APPEND"))
	default:
		return c(g.pick("SET", "GETEX", "SETRANGE"), k)
	}
}

// --- a minimal redis-server driver ------------------------------------------

type redisConn struct {
	conn net.Conn
	rd   *bufio.Reader
}

func startRedis(t *testing.T, bin string) *redisConn {
	t.Helper()
	conn, err := net.Dial("tcp", redistest.Start(t, bin, redistest.Quiet...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	r := &redisConn{conn: conn, rd: bufio.NewReader(conn)}
	if pong := r.do(t, "PING"); pong != "+PONG\r\n" {
		t.Fatalf("redis-server PING: %q", pong)
	}
	return r
}

// do sends one command and returns its raw reply.
func (r *redisConn) do(t *testing.T, args ...string) string {
	t.Helper()
	var b []byte
	b = fmt.Appendf(b, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
	}
	r.conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := r.conn.Write(b); err != nil {
		t.Fatalf("redis write: %v", err)
	}
	var out []byte
	if err := readRESP(r.rd, &out); err != nil {
		t.Fatalf("redis read after %q: %v", args, err)
	}
	return string(out)
}

// readRESP appends one complete RESP2 value, raw, to out.
func readRESP(rd *bufio.Reader, out *[]byte) error {
	line, err := rd.ReadSlice('\n')
	if err != nil {
		return err
	}
	*out = append(*out, line...)
	if len(line) < 3 {
		return fmt.Errorf("short line %q", line)
	}
	switch line[0] {
	case '+', '-', ':':
		return nil
	case '$':
		n, err := strconv.Atoi(string(line[1 : len(line)-2]))
		if err != nil || n < 0 {
			return err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return err
		}
		*out = append(*out, buf...)
		return nil
	case '*':
		n, err := strconv.Atoi(string(line[1 : len(line)-2]))
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if err := readRESP(rd, out); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unexpected RESP type in %q", line)
}

// redisOrSkip starts a redis-server for a differential test, or skips the
// test when none is installed.
func redisOrSkip(t *testing.T) *redisConn {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not on PATH: skipping the differential test against real Redis (make deps installs it)")
	}
	return startRedis(t, bin)
}

// envSeed is a differential test's seed: def, or the value of the
// environment variable name, to replay another sequence.
func envSeed(name string, def uint64) uint64 {
	if s := os.Getenv(name); s != "" {
		if v, err := strconv.ParseUint(s, 10, 64); err == nil {
			return v
		}
	}
	return def
}
