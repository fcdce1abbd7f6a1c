package integration

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTrackingEveryNode: a client tracking keys on any node (the leader, a
// follower proxying its reads, a follower reading locally with READONLY,
// a follower in BCAST mode) is told of a write made through another node,
// by that node's own apply, with Redis's exact RESP2 redirect message.
func TestTrackingEveryNode(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	lead := c.Leader()
	var followers []int
	for i := 1; i <= 3; i++ {
		if i != lead {
			followers = append(followers, i)
		}
	}
	cases := []struct {
		name     string
		node     int
		readonly bool
		options  []string
		writeVia int
	}{
		{"leader", lead, false, nil, followers[0]},
		{"follower proxied reads", followers[0], false, nil, followers[1]},
		{"follower READONLY", followers[0], true, nil, lead},
		{"follower BCAST", followers[1], false, []string{"BCAST", "PREFIX", "trk:"}, followers[0]},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr := c.Node(tc.node).Addr
			key := "trk:" + strconv.Itoa(i)
			if err := c.Client(tc.writeVia).Set(ctx, key, "old", 0).Err(); err != nil {
				t.Fatal(err)
			}
			sub, id := subscribeInvalidations(t, addr)
			tr := mustDial(t, addr)
			if tc.readonly {
				mustDo(t, tr, "+OK\r\n", "READONLY")
			}
			mustDo(t, tr, "+OK\r\n", append([]string{"CLIENT", "TRACKING", "on", "REDIRECT", id}, tc.options...)...)
			if got, err := tr.Do("GET", key); err != nil || !strings.HasPrefix(string(got), "$") {
				t.Fatalf("GET %s: %q %v", key, got, err)
			}
			if err := c.Client(tc.writeVia).Set(ctx, key, "new", 0).Err(); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$%d\r\n%s\r\n", len(key), key)
			sub.SetDeadline(time.Now().Add(10 * time.Second))
			got, err := sub.Read()
			if err != nil || string(got) != want {
				t.Fatalf("invalidation on node %d: %q %v, want %q", tc.node, got, err, want)
			}
			// The key is forgotten after one invalidation (BCAST: every
			// change is announced).
			if err := c.Client(tc.writeVia).Set(ctx, key, "newer", 0).Err(); err != nil {
				t.Fatal(err)
			}
			sub.SetDeadline(time.Now().Add(500 * time.Millisecond))
			got, err = sub.Read()
			if tc.options == nil && err == nil {
				t.Errorf("second write announced again: %q", got)
			}
			if tc.options != nil && string(got) != want {
				t.Errorf("BCAST second write: %q %v, want %q", got, err, want)
			}
		})
	}
}

func mustDial(t *testing.T, addr string) *respConn {
	t.Helper()
	rc, err := dialRESP(addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	rc.SetDeadline(time.Now().Add(30 * time.Second))
	return rc
}

func mustDo(t *testing.T, rc *respConn, want string, args ...string) {
	t.Helper()
	if got, err := rc.Do(args...); err != nil || string(got) != want {
		t.Fatalf("%q: %q %v, want %q", args, got, err, want)
	}
}

// subscribeInvalidations opens a RESP2 connection subscribed to
// __redis__:invalidate and returns it with its client id.
func subscribeInvalidations(t *testing.T, addr string) (*respConn, string) {
	t.Helper()
	sub := mustDial(t, addr)
	idReply, err := sub.Do("CLIENT", "ID")
	if err != nil || len(idReply) < 4 || idReply[0] != ':' {
		t.Fatalf("CLIENT ID: %q %v", idReply, err)
	}
	mustDo(t, sub, "*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n", "SUBSCRIBE", "__redis__:invalidate")
	return sub, strings.TrimSpace(string(idReply[1:]))
}
