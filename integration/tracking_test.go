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

// TestTrackingRESP3Follower: a RESP3 client tracking on a follower gets
// the invalidation push on its own connection, after a write through the
// leader.
func TestTrackingRESP3Follower(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	c := NewCluster(t)
	c.Start(3)
	lead := c.Leader()
	fol := 1
	if fol == lead {
		fol = 2
	}
	if err := c.Client(lead).Set(ctx, "r3", "old", 0).Err(); err != nil {
		t.Fatal(err)
	}
	tr := mustDial(t, c.Node(fol).Addr)
	// HELLO's map is skipped: the replies after it are checked exactly.
	tr.Queue("HELLO", "3")
	tr.Queue("CLIENT", "TRACKING", "on")
	tr.Queue("GET", "r3")
	if err := tr.Flush(); err != nil {
		t.Fatal(err)
	}
	expectBytesAfter(t, tr, "+OK\r\n$3\r\nold\r\n")
	if err := c.Client(lead).Set(ctx, "r3", "new", 0).Err(); err != nil {
		t.Fatal(err)
	}
	expectBytes(t, tr, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nr3\r\n")
}

// expectBytesAfter reads until what arrived ends with want (skipping a
// reply of unknown shape before it).
func expectBytesAfter(t *testing.T, rc *respConn, want string) {
	t.Helper()
	var got []byte
	for !strings.HasSuffix(string(got), want) {
		b, err := rc.rd.ReadByte()
		if err != nil {
			t.Fatalf("waiting for %q: %v (got %q)", want, err, got)
		}
		got = append(got, b)
	}
}

// expectBytes reads exactly len(want) bytes and compares them.
func expectBytes(t *testing.T, rc *respConn, want string) {
	t.Helper()
	got := make([]byte, len(want))
	if _, err := ioReadFull(rc.rd, got); err != nil || string(got) != want {
		t.Fatalf("got %q %v, want %q", got, err, want)
	}
}
