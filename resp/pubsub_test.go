package resp

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestPubSubClientState(t *testing.T) {
	addr, _ := startTestServer(t)
	sub, pub := dialPS(t, addr), dialPS(t, addr)
	sub.send("CLIENT", "SETNAME", "listener")
	sub.read(1)
	sub.send("SUBSCRIBE", "a", "b")
	sub.send("PSUBSCRIBE", "x*")
	sub.send("SSUBSCRIBE", "s")
	sub.read(4)
	pub.send("CLIENT", "LIST")
	list := pub.read(1)
	re := regexp.MustCompile(`name=listener [^\n]*flags=P db=0 sub=2 psub=1 ssub=1 `)
	if !re.MatchString(list) {
		t.Errorf("CLIENT LIST does not show the subscriptions:\n%s", list)
	}
	// A message published before an UNSUBSCRIBE reaches the client first.
	pub.send("PUBLISH", "a", "before")
	if got := pub.read(1); got != ":1\r\n" {
		t.Fatalf("PUBLISH: %q", got)
	}
	sub.send("UNSUBSCRIBE", "a")
	want := "*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$6\r\nbefore\r\n" +
		"*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n"
	if got := sub.read(2); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Pattern and channel deliveries count separately, as in Redis.
	pub.send("PUBLISH", "xb", "m")
	if got := pub.read(1); got != ":1\r\n" {
		t.Errorf("PUBLISH xb: %q", got)
	}
	sub.read(1)
	// A closed subscriber is forgotten.
	sub.c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		pub.send("PUBSUB", "NUMSUB", "b")
		got := pub.read(1)
		pub.send("PUBSUB", "NUMPAT")
		np := pub.read(1)
		if got == "*2\r\n$1\r\nb\r\n:0\r\n" && np == ":0\r\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after close: NUMSUB %q NUMPAT %q", got, np)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// PUBLISH inside MULTI is applied with the transaction, and a pipeline of
// publishes arrives in order.
func TestPublishInMultiAndPipeline(t *testing.T) {
	addr, _ := startTestServer(t)
	sub, pub := dialPS(t, addr), dialPS(t, addr)
	sub.send("SUBSCRIBE", "c")
	sub.read(1)
	pub.send("MULTI")
	pub.send("PUBLISH", "c", "1")
	pub.send("SET", "k", "v")
	pub.send("PUBLISH", "c", "2")
	pub.send("EXEC")
	if got := pub.read(5); !strings.HasSuffix(got, "*3\r\n:1\r\n+OK\r\n:1\r\n") {
		t.Fatalf("MULTI: %q", got)
	}
	for i := 3; i < 50; i++ {
		pub.send("PUBLISH", "c", itoa(i))
	}
	pub.read(47)
	var want strings.Builder
	for i := 1; i < 50; i++ {
		want.WriteString("*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$" + itoa(len(itoa(i))) + "\r\n" + itoa(i) + "\r\n")
	}
	if got := sub.read(49); got != want.String() {
		t.Errorf("got %q", got)
	}
}

// BenchmarkPublishFanout: one pipelining publisher, 10 subscribers on a
// single-node server; each op is one message delivered to all of them.
func BenchmarkPublishFanout(b *testing.B) {
	addr, _ := startTestServer(b)
	benchFanout(b, addr)
}

// BenchmarkPublishFanoutRedis is the same against redis-server.
func BenchmarkPublishFanoutRedis(b *testing.B) {
	benchFanout(b, startRedisServer(b))
}

func benchFanout(b *testing.B, addr string) {
	t := b
	const subscribers = 10
	var subs []*psConn
	for i := 0; i < subscribers; i++ {
		p := dialPS(t, addr)
		p.send("SUBSCRIBE", "bench")
		p.read(1)
		subs = append(subs, p)
	}
	pub := dialPS(t, addr)
	b.ResetTimer()
	done := make(chan struct{})
	for _, p := range subs {
		go func(p *psConn) {
			p.read(b.N)
			done <- struct{}{}
		}(p)
	}
	const window = 256
	sent := 0
	for sent < b.N {
		n := min(window, b.N-sent)
		for i := 0; i < n; i++ {
			pub.send("PUBLISH", "bench", "payload-0123456789")
		}
		pub.read(n)
		sent += n
	}
	for range subs {
		<-done
	}
}
