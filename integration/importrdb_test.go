package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quoris/quoris/integration/redistest"
)

// fillAllTypes writes every type in every encoding Redis 7.0 saves, with
// TTLs, in databases 0, 1 and 3.
func fillAllTypes(t *testing.T, ctx context.Context, addr string) {
	t.Helper()
	for _, db := range []int{0, 1, 3} {
		c := redis.NewClient(&redis.Options{Addr: addr, DB: db})
		defer c.Close()
		p := c.Pipeline()
		pre := "db" + strconv.Itoa(db) + ":"
		p.Set(ctx, pre+"int", "12345", 0)
		p.Set(ctx, pre+"bigint", "-9223372036854775808", 0)
		p.Set(ctx, pre+"short", "hello", 0)
		p.Set(ctx, pre+"lzf", strings.Repeat("abcdefgh", 200), 0)
		p.Set(ctx, pre+"ttl", "expiring", time.Hour)
		p.Set(ctx, pre+"binary", "\x00\xff\r\n", 0)
		p.RPush(ctx, pre+"list:lp", "a", "1", "-5", "b")
		for i := 0; i < 2000; i++ {
			p.RPush(ctx, pre+"list:ql", strings.Repeat("x", i%50)+strconv.Itoa(i))
		}
		p.SAdd(ctx, pre+"set:intset", 1, 2, 3, -70000, 1<<40)
		p.SAdd(ctx, pre+"set:ht", "a", "b", "c", 7)
		for i := 0; i < 600; i++ {
			p.SAdd(ctx, pre+"set:bigint", i)
			p.ZAdd(ctx, pre+"zset:sl", redis.Z{Score: float64(i) / 3, Member: "m" + strconv.Itoa(i)})
			p.HSet(ctx, pre+"hash:ht", "f"+strconv.Itoa(i), i)
		}
		p.ZAdd(ctx, pre+"zset:lp", redis.Z{Score: 1.5, Member: "a"}, redis.Z{Score: -2, Member: "b"}, redis.Z{Score: 1e300, Member: "c"})
		p.HSet(ctx, pre+"hash:lp", "f1", "v1", "f2", "22")
		p.HSet(ctx, pre+"hash:ttl", "f", "v")
		p.PExpire(ctx, pre+"hash:ttl", 90*time.Minute)
		for i := 1; i <= 250; i++ {
			p.XAdd(ctx, &redis.XAddArgs{Stream: pre + "stream", ID: fmt.Sprintf("%d-%d", 1000+i/3, i%3), Values: []any{"f", i, "g", strings.Repeat("v", i%7)}})
		}
		p.XDel(ctx, pre+"stream", "1001-0", "1050-1")
		p.XGroupCreate(ctx, pre+"stream", "g1", "0")
		p.XGroupCreate(ctx, pre+"stream", "g2", "$")
		p.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g1", Consumer: "alice", Streams: []string{pre + "stream", ">"}, Count: 5})
		p.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g1", Consumer: "bob", Streams: []string{pre + "stream", ">"}, Count: 3})
		p.XAck(ctx, pre+"stream", "g1", "1000-2")
		p.XAdd(ctx, &redis.XAddArgs{Stream: pre + "empty-stream", ID: "5-5", Values: []any{"a", "b"}})
		p.XDel(ctx, pre+"empty-stream", "5-5")
		if _, err := p.Exec(ctx); err != nil {
			t.Fatalf("filling db %d: %v", db, err)
		}
	}
}

var radixNodes = regexp.MustCompile(`radix-tree-nodes\r\n:\d+`)

// keyContent renders a key's type, encoding, absolute expiry and content.
func keyContent(ctx context.Context, c *redis.Client, addr string, db int, key string) (string, error) {
	typ, err := c.Type(ctx, key).Result()
	if err != nil {
		return "", err
	}
	enc, _ := c.ObjectEncoding(ctx, key).Result()
	exp, _ := c.Do(ctx, "PEXPIRETIME", key).Int64()
	head := fmt.Sprintf("%s/%s/exp=%d:", typ, enc, exp)
	var body any
	switch typ {
	case "string":
		body, err = c.Get(ctx, key).Result()
	case "list":
		body, err = c.LRange(ctx, key, 0, -1).Result()
	case "set":
		var m []string
		m, err = c.SMembers(ctx, key).Result()
		slices.Sort(m)
		body = m
	case "zset":
		body, err = c.ZRangeWithScores(ctx, key, 0, -1).Result()
	case "hash":
		var m map[string]string
		m, err = c.HGetAll(ctx, key).Result()
		body = fmt.Sprint(m) // fmt sorts map keys
	case "stream":
		rc, derr := dialRESP(addr, 5*time.Second)
		if derr != nil {
			return "", derr
		}
		defer rc.Close()
		rc.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := rc.Do("SELECT", strconv.Itoa(db)); err != nil {
			return "", err
		}
		b, derr := rc.Do("XINFO", "STREAM", key, "FULL", "COUNT", "0")
		body, err = radixNodes.ReplaceAllString(string(b), "radix-tree-nodes"), derr
	default:
		return "", fmt.Errorf("key %q: unexpected type %q", key, typ)
	}
	return head + fmt.Sprint(body), err
}

// compareAllKeys checks that every key of want's databases is in got with
// the same type, encoding, expiry and content, and got has no other keys.
func compareAllKeys(t *testing.T, ctx context.Context, wantAddr, gotAddr string, dbs []int) int {
	t.Helper()
	compared := 0
	for _, db := range dbs {
		w := redis.NewClient(&redis.Options{Addr: wantAddr, DB: db})
		g := redis.NewClient(&redis.Options{Addr: gotAddr, DB: db})
		defer w.Close()
		defer g.Close()
		keys, err := w.Keys(ctx, "*").Result()
		if err != nil {
			t.Fatal(err)
		}
		if n, err := g.DBSize(ctx).Result(); err != nil || n != int64(len(keys)) {
			t.Errorf("db %d: %d keys, want %d (%v)", db, n, len(keys), err)
		}
		for _, k := range keys {
			want, err1 := keyContent(ctx, w, wantAddr, db, k)
			got, err2 := keyContent(ctx, g, gotAddr, db, k)
			if err1 != nil || err2 != nil {
				t.Fatalf("db %d key %q: %v / %v", db, k, err1, err2)
			}
			if want != got {
				t.Errorf("db %d key %q:\n want %.600q\n got  %.600q", db, k, want, got)
			}
			compared++
		}
	}
	return compared
}

// TestImportRDB makes redis-server save a dump.rdb holding every type and
// encoding (with expiries, several databases and a function library),
// converts it with `quoris-server import-rdb --out`, starts a new 3-node
// cluster whose first node restores the result, and compares every key,
// its encoding and absolute expiry with the redis-server's.
func TestImportRDB(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	raddr := redistest.StartOrSkip(t, redistest.Quiet...)
	fillAllTypes(t, ctx, raddr)
	rc := redis.NewClient(&redis.Options{Addr: raddr})
	defer rc.Close()
	lib := "#!lua name=mylib\nredis.register_function('echo1', function(keys, args) return args[1] end)"
	if err := rc.FunctionLoad(ctx, lib).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rc.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	dir, err := rc.ConfigGet(ctx, "dir").Result()
	if err != nil {
		t.Fatal(err)
	}
	rdbPath := filepath.Join(dir["dir"], "dump.rdb")
	snap := filepath.Join(t.TempDir(), "imported.snap")
	if out, err := exec.Command(serverBin, "import-rdb", rdbPath, "--out", snap).CombinedOutput(); err != nil {
		t.Fatalf("import-rdb: %v\n%s", err, out)
	}

	c := NewCluster(t)
	c.NodeCommand[1] = []string{"restore", snap}
	c.Start(3)
	leader := c.Node(c.Leader()).Addr
	n := compareAllKeys(t, ctx, raddr, leader, []int{0, 1, 2, 3})
	if n != 3*18 {
		t.Fatalf("%d keys compared, want 18 in each of 3 databases", n)
	}
	q := redis.NewClient(&redis.Options{Addr: leader})
	defer q.Close()
	if got, err := q.FCall(ctx, "echo1", nil, "hi").Text(); err != nil || got != "hi" {
		t.Errorf("imported function: %q %v", got, err)
	}
	// The joined nodes received the state by snapshot install.
	for i := 2; i <= 3; i++ {
		addr := c.Node(i).Addr
		eventually(t, 10*time.Second, "follower has the imported keys", func() error {
			info, err := rawDo(addr, 2*time.Second, "INFO", "keyspace")
			if err != nil {
				return err
			}
			if !strings.Contains(string(info), "db3:keys=") {
				return fmt.Errorf("%s: %q", addr, info)
			}
			return nil
		})
	}
	t.Logf("%d keys compared after import", n)

	// One step: import-rdb with server flags converts and serves.
	one := NewCluster(t)
	one.NodeCommand[1] = []string{"import-rdb", rdbPath}
	one.Start(1)
	if n := compareAllKeys(t, ctx, raddr, one.Node(1).Addr, []int{0, 1, 2, 3}); n != 3*18 {
		t.Errorf("one-step import: %d keys compared", n)
	}
}

// TestImportRDBRefuses: a damaged file is refused with a clear error and no
// output file.
func TestImportRDBRefuses(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"not rdb":      "hello world",
		"too new":      "REDIS0011\xff",
		"truncated":    "REDIS0010\xfe\x00\x00\x01k",
		"module aux":   "REDIS0010\xf7",
		"bad checksum": "REDIS0010\x00\x01k\x01v\xff\x01\x02\x03\x04\x05\x06\x07\x08",
	} {
		in := filepath.Join(dir, "in.rdb")
		out := filepath.Join(dir, "out.snap")
		if err := os.WriteFile(in, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		msg, err := exec.Command(serverBin, "import-rdb", in, "--out", out).CombinedOutput()
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Errorf("%s: output written", name)
		}
		t.Logf("%s: %s", name, strings.TrimSpace(string(msg)))
	}
}
