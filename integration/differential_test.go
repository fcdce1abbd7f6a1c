package integration

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDifferentialRedis sends one seeded random sequence of string and
// keyspace commands to a real redis-server and to a one-node quoris over
// raw RESP connections and compares the replies byte for byte. Documented
// differences only: TTL-like values within a tolerance (the two servers
// see each command at slightly different times), KEYS and SCAN as sorted
// sets, RANDOMKEY by membership.
//
// QUORIS_DIFF_SEED picks the sequence, QUORIS_DIFF_N its length, and
// QUORIS_DIFF_SKIP (comma-separated family names, see diffOps) leaves
// families out while hunting for other differences.
func TestDifferentialRedis(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed; run make deps (apt-get install redis-server) to enable")
	}
	seed := uint64(0x5eed2026)
	if s := os.Getenv("QUORIS_DIFF_SEED"); s != "" {
		if seed, err = strconv.ParseUint(s, 0, 64); err != nil {
			t.Fatalf("QUORIS_DIFF_SEED=%q: %v", s, err)
		}
	}
	n := 3000
	if s := os.Getenv("QUORIS_DIFF_N"); s != "" {
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatalf("QUORIS_DIFF_N=%q: %v", s, err)
		}
	}
	deadlineCtx(t, 120*time.Second)

	raddr := startRedis(t, bin)
	c := NewCluster(t)
	c.Start(1)
	qaddr := c.Node(1).Addr

	rc, err := dialRESP(raddr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	qc, err := dialRESP(qaddr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer qc.Close()

	// Every family the test was written for must exist in quoris. The
	// optional ones only make keys of other types (for WRONGTYPE replies)
	// and join in once quoris has those types.
	known := map[string]bool{}
	for _, op := range diffOps {
		for _, name := range op.needs {
			if _, done := known[name]; done {
				continue
			}
			ok, err := knownCommand(qaddr, name)
			if err != nil {
				t.Fatal(err)
			}
			known[name] = ok
		}
	}
	var ops []diffOp
	var skipped []string
	total := 0
	excluded := map[string]bool{}
	if s := os.Getenv("QUORIS_DIFF_SKIP"); s != "" {
		for _, name := range strings.Split(s, ",") {
			excluded[strings.TrimSpace(name)] = true
		}
		t.Logf("QUORIS_DIFF_SKIP: not generating %q", s)
	}
	for _, op := range diffOps {
		if excluded[op.name] {
			continue
		}
		var missing []string
		for _, name := range op.needs {
			if !known[name] {
				missing = append(missing, name)
			}
		}
		switch {
		case len(missing) == 0:
			ops = append(ops, op)
			total += op.weight
		case optionalFamilies[op.name]:
			skipped = append(skipped, op.name)
		default:
			t.Errorf("quoris does not implement %v (family %q)", missing, op.name)
		}
	}
	if len(skipped) > 0 {
		t.Logf("optional families skipped, quoris lacks their commands: %v", skipped)
	}
	if len(ops) == 0 {
		t.Fatal("no command family to test")
	}
	// The probes above may have created state (FLUSHDB with no args is a
	// valid call); start both from empty.
	for _, conn := range []*respConn{rc, qc} {
		if r, err := conn.Do("FLUSHALL"); err != nil || string(r) != "+OK\r\n" {
			t.Fatalf("FLUSHALL: %q, %v", r, err)
		}
	}

	g := &diffGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), base: time.Now().Unix() - 10}
	t.Logf("seed %#x, %d commands", seed, n)
	var history []string
	mismatches := 0
	start := time.Now()
	for i := 0; i < n; i++ {
		pick := g.r.IntN(total)
		var op diffOp
		for _, o := range ops {
			if pick < o.weight {
				op = o
				break
			}
			pick -= o.weight
		}
		g.gap = false
		args := op.gen(g)
		if g.gap {
			// Relative expiry with GT/LT compares two deadlines computed
			// from two commands' clocks: make sure they are distinct ms.
			time.Sleep(2 * time.Millisecond)
		}
		history = append(history, fmt.Sprintf("#%d db%d %s", i, g.db, showArgs(args)))
		if len(history) > 8 {
			history = history[1:]
		}
		rrep, err := rc.Do(args...)
		if err != nil {
			t.Fatalf("redis-server, command #%d %s: %v", i, showArgs(args), err)
		}
		qrep, err := qc.Do(args...)
		if err != nil {
			t.Fatalf("seed %#x: quoris connection failed at command #%d %s: %v", seed, i, showArgs(args), err)
		}
		why := compareReplies(args, rrep, qrep, rc, qc)
		if strings.EqualFold(args[0], "select") && string(rrep) == "+OK\r\n" {
			g.db, _ = strconv.Atoi(args[1])
		}
		if why == "" {
			continue
		}
		mismatches++
		t.Errorf("seed %#x (QUORIS_DIFF_SEED=%d) command #%d in db %d: %s\n  command: %s\n  redis:   %q\n  quoris:  %q\n  recent commands:\n    %s",
			seed, seed, i, g.db, why, showArgs(args), rrep, qrep, strings.Join(history, "\n    "))
		if mismatches >= 25 {
			t.Fatalf("stopping after %d mismatches", mismatches)
		}
		// Resynchronise so one difference does not cascade.
		for _, conn := range []*respConn{rc, qc} {
			if r, err := conn.Do("FLUSHALL"); err != nil || string(r) != "+OK\r\n" {
				t.Fatalf("FLUSHALL to resynchronise: %q, %v", r, err)
			}
		}
	}
	t.Logf("%d commands compared in %v, %d mismatches", n, time.Since(start).Round(time.Millisecond), mismatches)
}

func showArgs(args []string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.IndexFunc(a, func(r rune) bool { return r <= ' ' || r == '"' || r > '~' }) < 0 {
			parts[i] = a
		} else {
			parts[i] = strconv.Quote(a)
		}
	}
	return strings.Join(parts, " ")
}

// startRedis runs redis-server on a free port without persistence.
func startRedis(t *testing.T, bin string) string {
	t.Helper()
	port := strconv.Itoa(freePorts(t, 1)[0])
	dir := t.TempDir()
	logf, err := os.Create(filepath.Join(dir, "redis.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--databases", "16")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); logf.Close(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("----- redis-server log -----\n%s", b)
		}
	})
	addr := "127.0.0.1:" + port
	eventually(t, 10*time.Second, "redis-server answers PING", func() error {
		select {
		case <-done:
			t.Fatalf("redis-server exited: %v", cmd.ProcessState)
		default:
		}
		r, err := rawDo(addr, time.Second, "PING")
		if err != nil || string(r) != "+PONG\r\n" {
			return fmt.Errorf("%q, %v", r, err)
		}
		return nil
	})
	return addr
}

// compareReplies returns "" when quoris's reply is equivalent to redis's.
// rc and qc may be used for follow-up reads (SCAN continuation,
// RANDOMKEY membership) that change no state.
func compareReplies(args []string, rrep, qrep []byte, rc, qc *respConn) string {
	if bytes.Equal(rrep, qrep) {
		return ""
	}
	if bytes.HasPrefix(qrep, []byte("-ERR unknown command")) && !bytes.HasPrefix(rrep, []byte("-ERR unknown command")) {
		return "quoris does not know this command"
	}
	rv, err1 := parseReply(rrep)
	qv, err2 := parseReply(qrep)
	if err1 != nil || err2 != nil {
		return fmt.Sprintf("unparsable reply (redis %v, quoris %v)", err1, err2)
	}
	switch strings.ToLower(args[0]) {
	case "ttl", "expiretime":
		return compareTime(rv, qv, 5)
	case "pttl", "pexpiretime":
		return compareTime(rv, qv, 5000)
	case "keys":
		return compareSets(rv, qv)
	case "scan":
		return compareScan(args, rv, qv, rc, qc)
	case "randomkey":
		return compareRandomKey(rv, qv, rc, qc)
	}
	return "replies differ"
}

func compareTime(rv, qv Value, tol int64) string {
	if rv.Kind != ':' || qv.Kind != ':' {
		return "replies differ"
	}
	if rv.Int < 0 || qv.Int < 0 {
		return "replies differ"
	}
	if d := rv.Int - qv.Int; d > tol || d < -tol {
		return fmt.Sprintf("times differ by %d (tolerance %d)", d, tol)
	}
	return ""
}

func sortedStrings(v Value) ([]string, bool) {
	if v.Kind != '*' || v.Null {
		return nil, false
	}
	out := make([]string, 0, len(v.Arr))
	for _, e := range v.Arr {
		if e.Kind != '$' || e.Null {
			return nil, false
		}
		out = append(out, e.Str)
	}
	slices.Sort(out)
	return out, true
}

func compareSets(rv, qv Value) string {
	r, ok1 := sortedStrings(rv)
	q, ok2 := sortedStrings(qv)
	if !ok1 || !ok2 {
		return "replies differ"
	}
	if !slices.Equal(r, q) {
		return fmt.Sprintf("different sets: redis %q, quoris %q", r, q)
	}
	return ""
}

// compareScan completes both scans from their returned cursors and
// compares the union of what each returned.
func compareScan(args []string, rv, qv Value, rc, qc *respConn) string {
	collect := func(v Value, conn *respConn) ([]string, string) {
		var all []string
		for iter := 0; ; iter++ {
			if v.Kind != '*' || len(v.Arr) != 2 || v.Arr[0].Kind != '$' {
				return nil, "malformed SCAN reply " + v.String()
			}
			keys, ok := sortedStrings(v.Arr[1])
			if !ok {
				return nil, "malformed SCAN reply " + v.String()
			}
			all = append(all, keys...)
			if v.Arr[0].Str == "0" {
				break
			}
			if iter > 1000 {
				return nil, "SCAN does not terminate"
			}
			next := slices.Clone(args)
			next[1] = v.Arr[0].Str
			raw, err := conn.Do(next...)
			if err != nil {
				return nil, err.Error()
			}
			if v, err = parseReply(raw); err != nil {
				return nil, err.Error()
			}
		}
		slices.Sort(all)
		return slices.Compact(all), ""
	}
	if rv.Kind == '-' || qv.Kind == '-' {
		return "replies differ"
	}
	r, why := collect(rv, rc)
	if why != "" {
		return "redis: " + why
	}
	q, why := collect(qv, qc)
	if why != "" {
		return "quoris: " + why
	}
	if !slices.Equal(r, q) {
		return fmt.Sprintf("full scans differ: redis %q, quoris %q", r, q)
	}
	return ""
}

func compareRandomKey(rv, qv Value, rc, qc *respConn) string {
	if rv.Kind != '$' || qv.Kind != '$' || rv.Null != qv.Null {
		return "replies differ"
	}
	// Each server's key must exist on the other.
	for _, check := range []struct {
		key  string
		conn *respConn
	}{{qv.Str, rc}, {rv.Str, qc}} {
		raw, err := check.conn.Do("EXISTS", check.key)
		if err != nil {
			return err.Error()
		}
		if string(raw) != ":1\r\n" {
			return fmt.Sprintf("RANDOMKEY returned %q, which the other server does not have", check.key)
		}
	}
	return ""
}

// ---------------------------------------------------------------------------
// The command generator.

type diffGen struct {
	r    *rand.Rand
	base int64 // unix seconds, before the test started: absolute expiry times derive from it
	db   int
	gap  bool
}

type diffOp struct {
	name   string
	weight int
	needs  []string // lower-case commands quoris must know
	gen    func(g *diffGen) []string
}

// optionalFamilies are skipped, not failed, while quoris lacks them: they
// only create keys of other types so string commands meet WRONGTYPE.
var optionalFamilies = map[string]bool{}

func (g *diffGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *diffGen) chance(p float64) bool    { return g.r.Float64() < p }

// cmd returns name in a random letter case.
func (g *diffGen) cmd(name string) string {
	switch g.r.IntN(4) {
	case 0:
		return strings.ToLower(name)
	case 1:
		if len(name) > 1 {
			return strings.ToUpper(name[:1]) + strings.ToLower(name[1:])
		}
	}
	return strings.ToUpper(name)
}

var diffKeys = []string{"k1", "k2", "k3", "n1", "n2", "{t}a", "{t}b", "s", "a b", "l1"}

func (g *diffGen) key() string {
	if g.chance(0.01) {
		return ""
	}
	return diffKeys[g.r.IntN(len(diffKeys))]
}

func (g *diffGen) keys(min, max int) []string {
	out := make([]string, min+g.r.IntN(max-min+1))
	for i := range out {
		out[i] = g.key()
	}
	return out
}

func (g *diffGen) word(alphabet string, min, max int) string {
	b := make([]byte, min+g.r.IntN(max-min+1))
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

func (g *diffGen) val() string {
	switch g.r.IntN(6) {
	case 0:
		return g.word("abcde", 0, 12)
	case 1:
		return strconv.Itoa(g.r.IntN(2001) - 1000)
	case 2:
		return g.pick("ohmytext", "mynewtext", "hello world", strings.Repeat("x", 45), strings.Repeat("ab", 30), "\x00\xff\r\nbin")
	}
	return g.pick("", "0", "1", "-1", "7", "10", "-0", "00", "+5", " 3", "3 ", "12345678901234567890",
		"9223372036854775807", "-9223372036854775808", "9223372036854775806", "3.14", "-2.5", "1e3", "1e400",
		"0x1F", "abc", "inf", "nan", "1.50", "5.0e3", "123456789012345678", "0.1")
}

func (g *diffGen) intArg() string {
	if g.chance(0.6) {
		return strconv.Itoa(g.r.IntN(201) - 100)
	}
	return g.pick("0", "1", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
		"1.5", "abc", "", " 1", "+1", "007", "-0")
}

func (g *diffGen) floatArg() string {
	if g.chance(0.4) {
		return strconv.FormatFloat(float64(g.r.IntN(2001)-1000)/float64(1+g.r.IntN(16)), 'f', -1, 64)
	}
	return g.pick("0.1", "0.2", "1", "-1.5", "1e2", "3.0e-1", "abc", "inf", "-inf", "nan", "1e308",
		"5.0e3", "0x10", "", " 1", "1 ", "10.5", "-0.0", "1.7976931348623157e308", "2.5e-5")
}

func (g *diffGen) offset() string {
	if g.chance(0.7) {
		return strconv.Itoa(g.r.IntN(41) - 20)
	}
	return g.pick("0", "-1", "100", "-100", "9223372036854775807", "-9223372036854775808", "abc", "1.5")
}

// Relative TTLs are far apart (more than the test lasts) so that
// comparisons between deadlines set at different moments cannot depend on
// which server saw the command first.
func (g *diffGen) relSec() string {
	if g.chance(0.8) {
		return g.pick("100", "1000", "100000", "0", "-5")
	}
	return g.pick("abc", "1.5", "9223372036854775807", "9223372036854775", "-9223372036854775808", "")
}

func (g *diffGen) relMs() string {
	if g.chance(0.8) {
		return g.pick("100000", "1000000", "100000000", "0", "-5000")
	}
	return g.pick("abc", "1.5", "9223372036854775807", "9223372036854775", "-9223372036854775808")
}

// Absolute times: far future (distinct from base+relative), or the past.
func (g *diffGen) absSec() string {
	if g.chance(0.85) {
		off := []int64{500, 50000, 5000000, -100}[g.r.IntN(4)]
		return strconv.FormatInt(g.base+off, 10)
	}
	return g.pick("1", "0", "-1", "abc", "9223372036854775807")
}

func (g *diffGen) absMs() string {
	if g.chance(0.85) {
		off := []int64{500, 50000, 5000000, -100}[g.r.IntN(4)]
		return strconv.FormatInt((g.base+off)*1000+int64(g.r.IntN(3)), 10)
	}
	return g.pick("1", "0", "-1", "abc", "9223372036854775807")
}

// futureSec and futureMs are absolute times for SET, never in the past:
// Redis 7.0 stores a key SET with a past EXAT/PXAT and leaves it to expiry,
// so DBSIZE counts it until the active expire cycle happens to run.
func (g *diffGen) futureSec() string {
	if g.chance(0.85) {
		return strconv.FormatInt(g.base+[]int64{500, 50000, 5000000}[g.r.IntN(3)], 10)
	}
	return g.pick("0", "-1", "abc", "9223372036854775807")
}

func (g *diffGen) futureMs() string {
	if g.chance(0.85) {
		return strconv.FormatInt((g.base+[]int64{500, 50000, 5000000}[g.r.IntN(3)])*1000+int64(g.r.IntN(3)), 10)
	}
	return g.pick("0", "-1", "abc", "9223372036854775807")
}

// expireOpts returns zero to two of NX XX GT LT (combinations included).
func (g *diffGen) expireOpts() []string {
	var out []string
	for i := g.r.IntN(5); i > 2; i-- {
		out = append(out, g.pick("NX", "XX", "GT", "LT", "nx", "gt", "BAD"))
	}
	return out
}

func hasGTLT(opts []string) bool {
	for _, o := range opts {
		if strings.EqualFold(o, "gt") || strings.EqualFold(o, "lt") {
			return true
		}
	}
	return false
}

func (g *diffGen) setOpts() []string {
	var out []string
	for i := g.r.IntN(7); i > 3; i-- {
		switch g.r.IntN(9) {
		case 0:
			out = append(out, g.pick("NX", "nx"))
		case 1:
			out = append(out, g.pick("XX", "xx"))
		case 2:
			out = append(out, g.pick("GET", "get"))
		case 3:
			out = append(out, g.pick("EX", "ex"), g.relSec())
		case 4:
			out = append(out, g.pick("PX", "px"), g.relMs())
		case 5:
			out = append(out, "EXAT", g.futureSec())
		case 6:
			out = append(out, "PXAT", g.futureMs())
		case 7:
			out = append(out, g.pick("KEEPTTL", "keepttl"))
		default:
			out = append(out, g.pick("EX", "BOGUS", "PX"))
		}
	}
	return out
}

func (g *diffGen) getexOpts() []string {
	switch g.r.IntN(8) {
	case 0:
		return []string{"EX", g.relSec()}
	case 1:
		return []string{"PX", g.relMs()}
	case 2:
		return []string{"EXAT", g.absSec()}
	case 3:
		return []string{"PXAT", g.absMs()}
	case 4:
		return []string{g.pick("PERSIST", "persist")}
	case 5:
		return []string{"EX", g.relSec(), "PERSIST"}
	case 6:
		return []string{g.pick("BOGUS", "EX")}
	}
	return nil
}

func join(head []string, tail ...[]string) []string {
	out := slices.Clone(head)
	for _, t := range tail {
		out = append(out, t...)
	}
	return out
}

// redisArity is Redis 7.0's arity of every command the generator uses.
var redisArity = map[string]int{
	"get": 2, "set": -3, "setnx": 3, "setex": 4, "psetex": 4, "mget": -2, "mset": -3, "msetnx": -3,
	"getset": 3, "getdel": 2, "getex": -2, "append": 3, "strlen": 2, "incr": 2, "decr": 2, "incrby": 3,
	"decrby": 3, "incrbyfloat": 3, "getrange": 4, "setrange": 4, "substr": 4, "lcs": -3, "del": -2,
	"unlink": -2, "exists": -2, "type": 2, "rename": 3, "renamenx": 3, "copy": -3, "move": 3,
	"expire": -3, "pexpire": -3, "expireat": -3, "pexpireat": -3, "ttl": 2, "pttl": 2, "expiretime": 2,
	"pexpiretime": 2, "persist": 2, "touch": -2, "dbsize": 1, "select": 2, "flushdb": -1, "keys": 2,
	"scan": -2, "randomkey": 1, "object": -2,
}

var diffOps = []diffOp{
	{"get", 40, []string{"get"}, func(g *diffGen) []string { return []string{g.cmd("GET"), g.key()} }},
	{"set", 60, []string{"set"}, func(g *diffGen) []string {
		return join([]string{g.cmd("SET"), g.key(), g.val()}, g.setOpts())
	}},
	{"setnx/setex/psetex", 12, []string{"setnx", "setex", "psetex"}, func(g *diffGen) []string {
		switch g.r.IntN(3) {
		case 0:
			return []string{g.cmd("SETNX"), g.key(), g.val()}
		case 1:
			return []string{g.cmd("SETEX"), g.key(), g.relSec(), g.val()}
		}
		return []string{g.cmd("PSETEX"), g.key(), g.relMs(), g.val()}
	}},
	{"mget", 12, []string{"mget"}, func(g *diffGen) []string { return join([]string{g.cmd("MGET")}, g.keys(1, 4)) }},
	{"mset/msetnx", 12, []string{"mset", "msetnx"}, func(g *diffGen) []string {
		args := []string{g.cmd(g.pick("MSET", "MSETNX"))}
		for i := 1 + g.r.IntN(3); i > 0; i-- {
			args = append(args, g.key(), g.val())
		}
		if g.chance(0.1) {
			args = args[:len(args)-1] // odd: wrong number of arguments
		}
		return args
	}},
	{"getset/getdel", 12, []string{"getset", "getdel"}, func(g *diffGen) []string {
		if g.chance(0.5) {
			return []string{g.cmd("GETSET"), g.key(), g.val()}
		}
		return []string{g.cmd("GETDEL"), g.key()}
	}},
	{"getex", 12, []string{"getex"}, func(g *diffGen) []string { return join([]string{g.cmd("GETEX"), g.key()}, g.getexOpts()) }},
	{"append/strlen", 20, []string{"append", "strlen"}, func(g *diffGen) []string {
		if g.chance(0.6) {
			return []string{g.cmd("APPEND"), g.key(), g.val()}
		}
		return []string{g.cmd("STRLEN"), g.key()}
	}},
	{"incr family", 40, []string{"incr", "decr", "incrby", "decrby"}, func(g *diffGen) []string {
		k := g.pick("n1", "n2", "n1", g.key())
		switch g.r.IntN(4) {
		case 0:
			return []string{g.cmd("INCR"), k}
		case 1:
			return []string{g.cmd("DECR"), k}
		case 2:
			return []string{g.cmd("INCRBY"), k, g.intArg()}
		}
		return []string{g.cmd("DECRBY"), k, g.intArg()}
	}},
	{"incrbyfloat", 20, []string{"incrbyfloat"}, func(g *diffGen) []string {
		return []string{g.cmd("INCRBYFLOAT"), g.pick("n1", "n2", g.key()), g.floatArg()}
	}},
	{"getrange/substr", 15, []string{"getrange", "substr"}, func(g *diffGen) []string {
		return []string{g.cmd(g.pick("GETRANGE", "SUBSTR")), g.key(), g.offset(), g.offset()}
	}},
	{"setrange", 12, []string{"setrange"}, func(g *diffGen) []string {
		off := strconv.Itoa(g.r.IntN(40))
		if g.chance(0.15) {
			// Too large (rejected before any allocation), negative, not a number.
			off = g.pick("536870912", "9223372036854775807", "-1", "abc")
		}
		return []string{g.cmd("SETRANGE"), g.key(), off, g.val()}
	}},
	{"lcs", 10, []string{"lcs"}, func(g *diffGen) []string {
		args := []string{g.cmd("LCS"), g.key(), g.key()}
		switch g.r.IntN(6) {
		case 0:
			args = append(args, "LEN")
		case 1:
			args = append(args, "IDX")
		case 2:
			args = append(args, "IDX", "MINMATCHLEN", g.pick("0", "2", "3", "-1", "abc"))
		case 3:
			args = append(args, "IDX", "WITHMATCHLEN")
		case 4:
			args = append(args, g.pick("LEN IDX", "BOGUS", "MINMATCHLEN"))
			if args[len(args)-1] == "LEN IDX" {
				args = append(args[:len(args)-1], "LEN", "IDX")
			}
		}
		return args
	}},
	{"lcs values", 4, []string{"set"}, func(g *diffGen) []string {
		return []string{"SET", g.pick("k1", "k2", "k3"), g.word("abcd", 0, 16)}
	}},
	{"del/unlink/exists/touch", 30, []string{"del", "unlink", "exists", "touch"}, func(g *diffGen) []string {
		name := g.pick("DEL", "UNLINK", "EXISTS", "EXISTS", "TOUCH")
		if name == "DEL" || name == "UNLINK" {
			return join([]string{g.cmd(name)}, g.keys(1, 2))
		}
		return join([]string{g.cmd(name)}, g.keys(1, 4))
	}},
	{"type", 10, []string{"type"}, func(g *diffGen) []string { return []string{g.cmd("TYPE"), g.key()} }},
	{"rename/renamenx", 12, []string{"rename", "renamenx"}, func(g *diffGen) []string {
		return []string{g.cmd(g.pick("RENAME", "RENAMENX")), g.key(), g.key()}
	}},
	{"copy", 10, []string{"copy"}, func(g *diffGen) []string {
		args := []string{g.cmd("COPY"), g.key(), g.key()}
		if g.chance(0.3) {
			args = append(args, "DB", g.pick("0", "1", "2", "16", "-1", "abc"))
		}
		if g.chance(0.4) {
			args = append(args, g.pick("REPLACE", "replace"))
		}
		if g.chance(0.05) {
			args = append(args, "BOGUS")
		}
		return args
	}},
	{"move", 5, []string{"move"}, func(g *diffGen) []string {
		return []string{g.cmd("MOVE"), g.key(), g.pick("0", "1", "2", "16", "abc")}
	}},
	{"expire/pexpire", 25, []string{"expire", "pexpire"}, func(g *diffGen) []string {
		opts := g.expireOpts()
		g.gap = hasGTLT(opts)
		if g.chance(0.5) {
			return join([]string{g.cmd("EXPIRE"), g.key(), g.relSec()}, opts)
		}
		return join([]string{g.cmd("PEXPIRE"), g.key(), g.relMs()}, opts)
	}},
	{"expireat/pexpireat", 20, []string{"expireat", "pexpireat"}, func(g *diffGen) []string {
		if g.chance(0.5) {
			return join([]string{g.cmd("EXPIREAT"), g.key(), g.absSec()}, g.expireOpts())
		}
		return join([]string{g.cmd("PEXPIREAT"), g.key(), g.absMs()}, g.expireOpts())
	}},
	{"ttl family", 25, []string{"ttl", "pttl", "expiretime", "pexpiretime"}, func(g *diffGen) []string {
		return []string{g.cmd(g.pick("TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME")), g.key()}
	}},
	{"persist", 6, []string{"persist"}, func(g *diffGen) []string { return []string{g.cmd("PERSIST"), g.key()} }},
	{"object encoding", 12, []string{"object"}, func(g *diffGen) []string {
		if g.chance(0.1) {
			return []string{g.cmd("OBJECT"), g.pick("BOGUS", "encoding"), g.key()}
		}
		return []string{g.cmd("OBJECT"), g.pick("ENCODING", "encoding"), g.key()}
	}},
	{"dbsize", 6, []string{"dbsize"}, func(g *diffGen) []string { return []string{g.cmd("DBSIZE")} }},
	{"select", 8, []string{"select"}, func(g *diffGen) []string {
		return []string{g.cmd("SELECT"), g.pick("0", "0", "0", "1", "2", "16", "-1", "abc", "1.0")}
	}},
	{"flushdb", 1, []string{"flushdb"}, func(g *diffGen) []string {
		return join([]string{g.cmd("FLUSHDB")}, [][]string{nil, {"ASYNC"}, {"SYNC"}, {"BOGUS"}}[g.r.IntN(4)])
	}},
	{"keys", 6, []string{"keys"}, func(g *diffGen) []string {
		return []string{g.cmd("KEYS"), g.pick("*", "k*", "{t}*", "?1", "[kn]*", "*[^a]", "a\\ b", "*b*")}
	}},
	{"scan", 6, []string{"scan"}, func(g *diffGen) []string {
		args := []string{g.cmd("SCAN"), "0"}
		if g.chance(0.5) {
			args = append(args, "MATCH", g.pick("*", "k*", "n?", "{t}*"))
		}
		if g.chance(0.5) {
			args = append(args, "COUNT", g.pick("1", "3", "1000"))
		}
		if g.chance(0.3) {
			args = append(args, "TYPE", g.pick("string", "list", "none"))
		}
		return args
	}},
	{"randomkey", 4, []string{"randomkey"}, func(g *diffGen) []string { return []string{g.cmd("RANDOMKEY")} }},
	{"wrong arity", 12, []string{"get", "set"}, func(g *diffGen) []string {
		names := make([]string, 0, len(redisArity))
		for name := range redisArity {
			names = append(names, name)
		}
		slices.Sort(names)
		name := names[g.r.IntN(len(names))]
		ar := redisArity[name]
		var argc int
		switch {
		case ar > 0 && g.chance(0.5) && ar > 1:
			argc = g.r.IntN(ar - 1)
		case ar > 0:
			argc = ar + 1 + g.r.IntN(2)
		case -ar > 1:
			argc = g.r.IntN(-ar - 1)
		default:
			return []string{g.cmd("GET")} // every arity is valid; fall back
		}
		args := []string{g.cmd(name)}
		for i := 1; i < argc; i++ {
			args = append(args, g.key())
		}
		return args
	}},
	{"object arity", 2, []string{"object"}, func(g *diffGen) []string {
		return [][]string{{"OBJECT", "ENCODING"}, {"OBJECT", "ENCODING", "k1", "k2"}, {"object", "encoding"}}[g.r.IntN(3)]
	}},
	{"unknown command", 4, nil, func(g *diffGen) []string {
		args := []string{g.pick("FOOBAR", "gett", "NotACommand", "SETT", "x")}
		for i := g.r.IntN(4); i > 0; i-- {
			args = append(args, g.val())
		}
		return args
	}},
	// Wrong-type replies need keys of another type; these run only once
	// quoris has the commands.
	{"lists", 6, []string{"rpush"}, func(g *diffGen) []string {
		return []string{g.cmd("RPUSH"), g.pick("l1", "l1", g.key()), g.word("xyz", 1, 4)}
	}},
	{"sets", 4, []string{"sadd"}, func(g *diffGen) []string {
		return []string{g.cmd("SADD"), g.pick("s", g.key()), g.word("xyz", 1, 4)}
	}},
	{"hashes", 4, []string{"hset"}, func(g *diffGen) []string {
		return []string{g.cmd("HSET"), g.pick("{t}b", g.key()), g.word("fg", 1, 2), g.val()}
	}},
}
