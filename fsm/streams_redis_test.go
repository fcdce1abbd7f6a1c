package fsm

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStreamsAgainstRedis replays a seeded random sequence of stream
// commands with explicit IDs against a real redis-server and the FSM and
// compares raw replies byte for byte. Only what depends on each server's
// clock is masked, in both replies: XPENDING's idle times, XINFO
// CONSUMERS' idle, XINFO STREAM FULL's seen-time and delivery times, and
// radix-tree-nodes (the shape of Redis's radix tree; see streamMask). The
// FSM's clock follows the wall clock, and the time thresholds the
// generator uses (min-idle 0 or 1000000 ms against deliveries either fresh
// or dated 2000000 ms back or at TIME 1) cannot flip on a few ms of skew.
// Both sides run with stream-node-max-entries 10 (QUORIS_STREAMS_NODE_MAX)
// and stream-node-max-bytes 160 (QUORIS_STREAMS_NODE_BYTES), so nodes end
// by either rule and approximate trimming crosses node boundaries often.
func TestStreamsAgainstRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	nodeMax := strconv.FormatUint(envSeed("QUORIS_STREAMS_NODE_MAX", 10), 10)
	nodeBytes := strconv.FormatUint(envSeed("QUORIS_STREAMS_NODE_BYTES", 160), 10)
	r.do(t, "CONFIG", "SET", "stream-node-max-entries", nodeMax, "stream-node-max-bytes", nodeBytes)
	if got := h.do("QUORIS.CONFIG", "stream-node-max-entries", nodeMax, "stream-node-max-bytes", nodeBytes); got != "+OK\r\n" {
		t.Fatalf("QUORIS.CONFIG: %q", got)
	}
	seed := envSeed("QUORIS_STREAMS_SEED", 20261204)
	g := &streamGen{rng: rand.New(rand.NewPCG(seed, 17)), keys: []string{"s0", "s1", "str"}, last: map[string]int{}}
	r.do(t, "SET", "str", "x")
	h.do("SET", "str", "x")

	const n = 4000
	mismatches := 0
	kinds := map[string]map[string]int{}
	for i := 0; i < n; i++ {
		cmd := g.command()
		name := strings.ToLower(cmd[0])
		if name == "xgroup" || name == "xinfo" {
			name += " " + strings.ToLower(cmd[1])
		}
		h.now = time.Now().UnixMilli()
		want, got := r.do(t, cmd...), h.do(cmd...)
		if kinds[name] == nil {
			kinds[name] = map[string]int{}
		}
		kinds[name][want[:1]]++
		if w, q := streamMask(cmd, want), streamMask(cmd, got); w != q {
			mismatches++
			if mismatches <= 15 {
				t.Errorf("#%d %.300q:\n redis:  %.1500q\n quoris: %.1500q", i, cmd, want, got)
			}
		}
		if i%25 == 0 || i == n-1 {
			for _, k := range g.keys {
				for _, probe := range [][]string{{"TYPE", k}, {"OBJECT", "ENCODING", k}, {"XINFO", "STREAM", k, "FULL", "COUNT", "0"}, {"XINFO", "GROUPS", k}} {
					if w, q := streamMask(probe, r.do(t, probe...)), streamMask(probe, h.do(probe...)); w != q {
						mismatches++
						if mismatches <= 15 {
							t.Errorf("#%d after %.200q, %q:\n redis:  %.1500q\n quoris: %.1500q", i, cmd, probe, w, q)
						}
					}
				}
			}
		}
	}
	for name, m := range kinds {
		t.Logf("%-22s %v", name, m)
	}
	if mismatches > 0 {
		t.Errorf("%d mismatches in %d commands", mismatches, n)
	}
}

type streamGen struct {
	rng  *rand.Rand
	keys []string
	last map[string]int // highest ms used per key
}

func (g *streamGen) pick(xs ...string) string { return xs[g.rng.IntN(len(xs))] }
func (g *streamGen) key() string {
	if g.rng.IntN(30) == 0 {
		return g.keys[2]
	}
	return g.keys[g.rng.IntN(2)]
}

// id is an ID near the key's recent ones.
func (g *streamGen) id(key string) string {
	top := g.last[key] + 2
	ms := g.rng.IntN(top + 1)
	switch g.rng.IntN(12) {
	case 0:
		return strconv.Itoa(ms)
	case 1:
		return g.pick("-", "+", "0", "0-0", "abc", "18446744073709551615-18446744073709551615", "1-x")
	}
	return fmt.Sprintf("%d-%d", ms, g.rng.IntN(3))
}

func (g *streamGen) rangeID(key string) string {
	id := g.id(key)
	if g.rng.IntN(6) == 0 && id != "-" && id != "+" {
		return "(" + id
	}
	return id
}

func (g *streamGen) fields() []string {
	n := 1 + g.rng.IntN(2)
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, g.pick("f", "name", "v"), strconv.Itoa(g.rng.IntN(1000)))
	}
	if g.rng.IntN(40) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

func (g *streamGen) trim(key string) []string {
	var out []string
	if g.rng.IntN(2) == 0 {
		out = append(out, g.pick("MAXLEN", "maxlen"))
	} else {
		out = append(out, "MINID")
	}
	approx := g.rng.IntN(2) == 0
	switch g.rng.IntN(3) {
	case 0:
		out = append(out, "~")
	case 1:
		out = append(out, "=")
		approx = false
	default:
		approx = false
	}
	if out[0] == "MINID" {
		out = append(out, fmt.Sprintf("%d", g.rng.IntN(g.last[key]+3)))
	} else {
		out = append(out, strconv.Itoa(g.rng.IntN(60)-1))
	}
	if g.rng.IntN(4) == 0 || (approx && g.rng.IntN(2) == 0) {
		out = append(out, "LIMIT", strconv.Itoa(g.rng.IntN(30)))
	}
	return out
}

func (g *streamGen) group() string    { return g.pick("g1", "g2", "g1", "nogroup") }
func (g *streamGen) consumer() string { return g.pick("c1", "c2", "c3") }

func (g *streamGen) ids(key string) []string {
	var out []string
	for n := 1 + g.rng.IntN(3); n > 0; n-- {
		out = append(out, g.id(key))
	}
	return out
}

func (g *streamGen) command() []string {
	k := g.key()
	switch x := g.rng.IntN(100); {
	case x < 28:
		cmd := []string{"XADD", k}
		if g.rng.IntN(15) == 0 {
			cmd = append(cmd, "NOMKSTREAM")
		}
		if g.rng.IntN(5) == 0 {
			cmd = append(cmd, g.trim(k)...)
		}
		ms := g.last[k] + g.rng.IntN(3)
		var id string
		switch g.rng.IntN(10) {
		case 0:
			id = fmt.Sprintf("%d-*", ms)
		case 1:
			id = g.id(k)
		default:
			id = fmt.Sprintf("%d-%d", ms, g.rng.IntN(4))
		}
		if ms > g.last[k] {
			g.last[k] = ms
		}
		return append(append(cmd, id), g.fields()...)
	case x < 34:
		cmd := []string{g.pick("XRANGE", "XREVRANGE"), k, g.rangeID(k), g.rangeID(k)}
		if cmd[0] == "XRANGE" && g.rng.IntN(2) == 0 {
			cmd[2], cmd[3] = "-", "+"
		}
		if g.rng.IntN(3) == 0 {
			cmd = append(cmd, "COUNT", strconv.Itoa(g.rng.IntN(6)-1))
		}
		return cmd
	case x < 36:
		return []string{"XLEN", k}
	case x < 40:
		return append([]string{"XDEL", k}, g.ids(k)...)
	case x < 42:
		return append([]string{"XTRIM", k}, g.trim(k)...)
	case x < 46:
		cmd := []string{"XREAD"}
		if g.rng.IntN(2) == 0 {
			cmd = append(cmd, "COUNT", strconv.Itoa(g.rng.IntN(5)))
		}
		cmd = append(cmd, "STREAMS", k)
		if g.rng.IntN(3) == 0 {
			cmd = append(cmd, g.pick("s0", "s1", "nokey"))
		}
		for n := len(cmd) - 1; cmd[n] != "STREAMS"; n-- {
			cmd = append(cmd, g.pick("$", "0", g.id(k), g.id(k)))
		}
		return cmd
	case x < 50:
		cmd := []string{"XGROUP", g.pick("CREATE", "create"), k, g.group(), g.pick("$", "0", g.id(k), g.id(k))}
		if g.rng.IntN(3) == 0 {
			cmd = append(cmd, "MKSTREAM")
		}
		if g.rng.IntN(4) == 0 {
			cmd = append(cmd, "ENTRIESREAD", strconv.Itoa(g.rng.IntN(10)-2))
		}
		return cmd
	case x < 52:
		cmd := []string{"XGROUP", "SETID", k, g.group(), g.pick("$", "0", g.id(k))}
		if g.rng.IntN(3) == 0 {
			cmd = append(cmd, "ENTRIESREAD", strconv.Itoa(g.rng.IntN(10)-2))
		}
		return cmd
	case x < 53:
		return []string{"XGROUP", "DESTROY", k, g.group()}
	case x < 55:
		return []string{"XGROUP", g.pick("CREATECONSUMER", "DELCONSUMER"), k, g.group(), g.consumer()}
	case x < 67:
		cmd := []string{"XREADGROUP", "GROUP", g.group(), g.consumer()}
		if g.rng.IntN(2) == 0 {
			cmd = append(cmd, "COUNT", strconv.Itoa(g.rng.IntN(5)))
		}
		if g.rng.IntN(8) == 0 {
			cmd = append(cmd, "NOACK")
		}
		cmd = append(cmd, "STREAMS", k)
		if g.rng.IntN(3) == 0 {
			return append(cmd, g.pick("0", g.id(k), "$"))
		}
		return append(cmd, ">")
	case x < 72:
		return append([]string{"XACK", k, g.group()}, g.ids(k)...)
	case x < 77:
		cmd := []string{"XPENDING", k, g.group()}
		if g.rng.IntN(4) > 0 {
			if g.rng.IntN(4) == 0 {
				cmd = append(cmd, "IDLE", g.pick("0", "1000000"))
			}
			cmd = append(cmd, g.rangeID(k), g.rangeID(k), strconv.Itoa(g.rng.IntN(8)-1))
			if g.rng.IntN(3) == 0 {
				cmd = append(cmd, g.consumer())
			}
			if g.rng.IntN(4) == 0 {
				cmd[3], cmd[4] = "-", "+"
			}
		}
		return cmd
	case x < 83:
		cmd := append([]string{"XCLAIM", k, g.group(), g.consumer(), g.pick("0", "1000000")}, g.ids(k)...)
		for _, opt := range []string{"IDLE", "TIME", "RETRYCOUNT", "FORCE", "JUSTID", "LASTID"} {
			if g.rng.IntN(5) != 0 {
				continue
			}
			switch opt {
			case "IDLE":
				cmd = append(cmd, opt, "2000000")
			case "TIME":
				cmd = append(cmd, opt, "1")
			case "RETRYCOUNT":
				cmd = append(cmd, opt, strconv.Itoa(g.rng.IntN(5)))
			case "LASTID":
				cmd = append(cmd, opt, g.id(k))
			default:
				cmd = append(cmd, opt)
			}
		}
		return cmd
	case x < 87:
		cmd := []string{"XAUTOCLAIM", k, g.group(), g.consumer(), g.pick("0", "1000000"), g.pick("0", "-", g.rangeID(k))}
		if g.rng.IntN(2) == 0 {
			cmd = append(cmd, "COUNT", strconv.Itoa(g.rng.IntN(5)))
		}
		if g.rng.IntN(4) == 0 {
			cmd = append(cmd, "JUSTID")
		}
		return cmd
	case x < 94:
		switch g.rng.IntN(4) {
		case 0:
			return []string{"XINFO", "STREAM", k}
		case 1:
			return []string{"XINFO", "STREAM", k, "FULL", "COUNT", strconv.Itoa(g.rng.IntN(4))}
		case 2:
			return []string{"XINFO", "GROUPS", k}
		}
		return []string{"XINFO", "CONSUMERS", k, g.group()}
	case x < 96:
		cmd := []string{"XSETID", k, g.id(k)}
		if g.rng.IntN(3) == 0 {
			cmd = append(cmd, "ENTRIESADDED", strconv.Itoa(g.rng.IntN(400)))
		}
		if g.rng.IntN(3) == 0 {
			cmd = append(cmd, "MAXDELETEDID", g.id(k))
		}
		return cmd
	case x < 97:
		if g.rng.IntN(4) == 0 {
			g.last[k] = 0
			return []string{"DEL", k}
		}
		return []string{"TYPE", k}
	}
	return []string{"XLEN", k}
}

// respNode is a parsed reply: a scalar line ("+OK", ":3", "$abc", "$-1")
// or an array.
type respNode struct {
	line  string
	elems []*respNode
	array bool
}

func parseRESPTree(s string) *respNode {
	rd := bufio.NewReader(strings.NewReader(s))
	var read func() *respNode
	read = func() *respNode {
		line, err := rd.ReadString('\n')
		if err != nil {
			return &respNode{line: "?"}
		}
		line = strings.TrimSuffix(line, "\r\n")
		switch line[0] {
		case '*':
			n, _ := strconv.Atoi(line[1:])
			if n < 0 {
				return &respNode{line: line}
			}
			nd := &respNode{array: true}
			for i := 0; i < n; i++ {
				nd.elems = append(nd.elems, read())
			}
			return nd
		case '$':
			n, _ := strconv.Atoi(line[1:])
			if n < 0 {
				return &respNode{line: line}
			}
			buf := make([]byte, n+2)
			if _, err := io.ReadFull(rd, buf); err != nil {
				return &respNode{line: "?"}
			}
			return &respNode{line: "$" + string(buf[:n])}
		}
		return &respNode{line: line}
	}
	return read()
}

func (n *respNode) String() string {
	if !n.array {
		return n.line + "\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[%d\n", len(n.elems))
	for _, e := range n.elems {
		b.WriteString(e.String())
	}
	b.WriteString("]\n")
	return b.String()
}

// maskField replaces the value after each key named in names in a flat
// map-like array.
func (n *respNode) maskField(names ...string) {
	if n == nil || !n.array {
		return
	}
	for i := 0; i+1 < len(n.elems); i += 2 {
		for _, name := range names {
			if n.elems[i].line == "$"+name {
				n.elems[i+1] = &respNode{line: "T"}
			}
		}
	}
}

func (n *respNode) field(name string) *respNode {
	if n == nil || !n.array {
		return nil
	}
	for i := 0; i+1 < len(n.elems); i += 2 {
		if n.elems[i].line == "$"+name {
			return n.elems[i+1]
		}
	}
	return nil
}

// streamMask blanks what depends on a server's clock or radix tree layout.
func streamMask(cmd []string, reply string) string {
	if strings.HasPrefix(reply, "-") {
		return reply
	}
	root := parseRESPTree(reply)
	name := strings.ToUpper(cmd[0])
	switch {
	case name == "XPENDING" && len(cmd) > 3 && root.array:
		for _, e := range root.elems {
			if e.array && len(e.elems) == 4 {
				e.elems[2] = &respNode{line: "T"}
			}
		}
	case name == "XINFO" && strings.EqualFold(cmd[1], "consumers") && root.array:
		for _, e := range root.elems {
			e.maskField("idle")
		}
	case name == "XINFO" && strings.EqualFold(cmd[1], "stream"):
		root.maskField("radix-tree-nodes")
		if groups := root.field("groups"); groups != nil && groups.array {
			for _, grp := range groups.elems {
				if p := grp.field("pending"); p != nil {
					for _, e := range p.elems {
						if len(e.elems) == 4 {
							e.elems[2] = &respNode{line: "T"}
						}
					}
				}
				if cs := grp.field("consumers"); cs != nil {
					for _, cons := range cs.elems {
						cons.maskField("seen-time")
						if p := cons.field("pending"); p != nil {
							for _, e := range p.elems {
								if len(e.elems) == 3 {
									e.elems[1] = &respNode{line: "T"}
								}
							}
						}
					}
				}
			}
		}
	default:
		return reply
	}
	return root.String()
}
