package integration

import (
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestGoRedisRESP3ThroughFollower: go-redis v9 with its default protocol
// (it opens with HELLO 3) works against a follower, which proxies to the
// leader over RESP2 and converts the replies to RESP3 for its client:
// maps, sets, doubles, nulls, WITHSCORES pairs and verbatim strings all
// decode to the values a RESP2 client gets.
func TestGoRedisRESP3ThroughFollower(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	leader := c.Leader()
	follower := leader%3 + 1
	cl := redis.NewClient(&redis.Options{Addr: c.Node(follower).Addr, MaxRetries: -1, DisableIdentity: true})
	defer cl.Close()
	c2 := c.Client(follower) // RESP2, for comparison

	hello, err := cl.Do(ctx, "HELLO", "3").Result()
	if err != nil {
		t.Fatalf("HELLO 3: %v", err)
	}
	if m, ok := hello.(map[any]any); !ok || m["proto"] != int64(3) {
		t.Fatalf("HELLO 3 = %#v, want a map with proto 3", hello)
	}
	if err := cl.HSet(ctx, "r3:h", "a", "1", "b", "2").Err(); err != nil {
		t.Fatal(err)
	}
	cl.SAdd(ctx, "r3:s", "x", "y")
	cl.ZAdd(ctx, "r3:z", redis.Z{Score: 1.5, Member: "m1"}, redis.Z{Score: 2, Member: "m2"})

	if got, err := cl.HGetAll(ctx, "r3:h").Result(); err != nil || !reflect.DeepEqual(got, map[string]string{"a": "1", "b": "2"}) {
		t.Errorf("HGETALL = %v, %v", got, err)
	}
	if got, err := cl.SMembers(ctx, "r3:s").Result(); err != nil || !sameSet(got, []string{"x", "y"}) {
		t.Errorf("SMEMBERS = %v, %v", got, err)
	}
	if got, err := cl.ZScore(ctx, "r3:z", "m1").Result(); err != nil || got != 1.5 {
		t.Errorf("ZSCORE = %v, %v", got, err)
	}
	if got, err := cl.ZRangeWithScores(ctx, "r3:z", 0, -1).Result(); err != nil ||
		!reflect.DeepEqual(got, []redis.Z{{Score: 1.5, Member: "m1"}, {Score: 2, Member: "m2"}}) {
		t.Errorf("ZRANGE WITHSCORES = %v, %v", got, err)
	}
	if got, err := cl.ZIncrBy(ctx, "r3:z", 1, "m1").Result(); err != nil || got != 2.5 {
		t.Errorf("ZINCRBY = %v, %v", got, err)
	}
	if _, err := cl.Get(ctx, "r3:nokey").Result(); err != redis.Nil {
		t.Errorf("GET missing = %v, want redis.Nil", err)
	}
	raw, err := cl.Do(ctx, "HGETALL", "r3:h").Result()
	if _, ok := raw.(map[any]any); err != nil || !ok {
		t.Errorf("HGETALL through Do = %#v, %v; want a RESP3 map", raw, err)
	}
	info, err := cl.ClientInfo(ctx).Result()
	if err != nil || info.Resp != 3 {
		t.Errorf("CLIENT INFO = %+v, %v; want resp=3", info, err)
	}
	if got, err := cl.Info(ctx, "server").Result(); err != nil || len(got) == 0 {
		t.Errorf("INFO = %q, %v", got, err)
	}
	// A transaction: each element in its own command's RESP3 type.
	cmds, err := cl.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HGetAll(ctx, "r3:h")
		p.ZScore(ctx, "r3:z", "m2")
		p.Get(ctx, "r3:nokey")
		return nil
	})
	if err != redis.Nil || len(cmds) != 3 {
		t.Fatalf("MULTI/EXEC: %v, %v", cmds, err)
	}
	if got := cmds[0].(*redis.MapStringStringCmd).Val(); !reflect.DeepEqual(got, map[string]string{"a": "1", "b": "2"}) {
		t.Errorf("EXEC HGETALL = %v", got)
	}
	if got := cmds[1].(*redis.FloatCmd).Val(); got != 2 {
		t.Errorf("EXEC ZSCORE = %v", got)
	}
	// The RESP2 client sees the same data.
	if got, err := c2.HGetAll(ctx, "r3:h").Result(); err != nil || len(got) != 2 {
		t.Errorf("RESP2 HGETALL = %v, %v", got, err)
	}
}

func sameSet(a, b []string) bool {
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return reflect.DeepEqual(a, b)
}
