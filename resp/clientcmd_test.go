package resp

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clientLineRE is Redis 7.0's CLIENT LIST line, field for field.
var clientLineRE = regexp.MustCompile(`^id=(\d+) addr=(127\.0\.0\.1:\d+) laddr=(127\.0\.0\.1:\d+) fd=(\d+) name=(\S*) age=(\d+) idle=(\d+) flags=([a-zA-Z]+) db=(\d+) ` +
	`sub=0 psub=0 ssub=0 multi=(-1|\d+) qbuf=(\d+) qbuf-free=0 argv-mem=(\d+) multi-mem=(\d+) rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=(\d+) events=r ` +
	`cmd=(\S+) user=default redir=-1 resp=2$`)

type clientLine struct {
	id, addr, laddr, name, flags, db, cmd string
	multi, qbuf, argvMem                  string
}

func parseClientLines(t *testing.T, v any) []clientLine {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("client list reply %#v", v)
	}
	if s == "" {
		return nil
	}
	if !strings.HasSuffix(s, "\n") {
		t.Errorf("client list does not end in a newline: %q", s)
	}
	var out []clientLine
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		m := clientLineRE.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("malformed client line %q", l)
		}
		out = append(out, clientLine{id: m[1], addr: m[2], laddr: m[3], name: m[5], flags: m[8], db: m[9], multi: m[10], qbuf: m[11], argvMem: m[12], cmd: m[15]})
	}
	return out
}

func TestClientIdentity(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	id, ok := r.val("CLIENT", "ID").(int64)
	if !ok || id < 1 {
		t.Fatalf("CLIENT ID = %v", id)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"CLIENT", "GETNAME"}, "$-1\r\n"},
		{[]string{"CLIENT", "SETNAME", "worker-1"}, "+OK\r\n"},
		{[]string{"CLIENT", "GETNAME"}, "$8\r\nworker-1\r\n"},
		{[]string{"CLIENT", "SETNAME", "a b"}, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"},
		{[]string{"CLIENT", "SETNAME", "a\nb"}, "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"},
		{[]string{"CLIENT", "GETNAME"}, "$8\r\nworker-1\r\n"},
		{[]string{"CLIENT", "SETNAME", ""}, "+OK\r\n"},
		{[]string{"CLIENT", "GETNAME"}, "$-1\r\n"},
		{[]string{"CLIENT", "SETNAME", "w"}, "+OK\r\n"},
		{[]string{"CLIENT", "ID", "x"}, "-ERR wrong number of arguments for 'client|id' command\r\n"},
		{[]string{"CLIENT", "INFO", "x"}, "-ERR wrong number of arguments for 'client|info' command\r\n"},
		{[]string{"CLIENT", "NO-EVICT", "on"}, "+OK\r\n"},
		{[]string{"CLIENT", "NO-EVICT", "maybe"}, "-ERR syntax error\r\n"},
		{[]string{"CLIENT", "NO-TOUCH", "ON"}, "+OK\r\n"},
		{[]string{"CLIENT", "NO-TOUCH", "x"}, "-ERR syntax error\r\n"},
		{[]string{"CLIENT", "SETINFO", "LIB-NAME", "go-redis(,go1.26)"}, "+OK\r\n"},
		{[]string{"CLIENT", "SETINFO", "lib-ver", "9.23.0"}, "+OK\r\n"},
		{[]string{"CLIENT", "SETINFO", "lib-foo", "x"}, "-ERR Unrecognized option 'lib-foo'\r\n"},
		{[]string{"CLIENT", "SETINFO", "LIB-NAME", "a b"}, "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n"},
		{[]string{"SELECT", "5"}, "+OK\r\n"},
	}
	for _, tc := range tests {
		if got := r.do(tc.args...); got != tc.want {
			t.Errorf("%q = %q, want %q", tc.args, got, tc.want)
		}
	}
	lines := parseClientLines(t, r.val("CLIENT", "INFO"))
	want := clientLine{id: strconv.FormatInt(id, 10), addr: r.c.LocalAddr().String(), laddr: addr, name: "w", flags: "eT", db: "5", cmd: "client|info", multi: "-1", qbuf: "26", argvMem: "10"}
	if len(lines) != 1 || lines[0] != want {
		t.Errorf("CLIENT INFO = %+v, want %+v", lines, want)
	}
	r.do("CLIENT", "NO-EVICT", "off")
	r.do("CLIENT", "NO-TOUCH", "off")
	if l := parseClientLines(t, r.val("CLIENT", "INFO")); l[0].flags != "N" {
		t.Errorf("flags = %q after NO-EVICT off and NO-TOUCH off, want N", l[0].flags)
	}
}

func TestClientList(t *testing.T) {
	addr, _ := startTestServer(t)
	a, b := dialRaw(t, addr), dialRaw(t, addr)
	a.do("CLIENT", "SETNAME", "a")
	b.do("PING")
	idA, idB := a.val("CLIENT", "ID").(int64), b.val("CLIENT", "ID").(int64)
	sa, sb := strconv.FormatInt(idA, 10), strconv.FormatInt(idB, 10)

	all := parseClientLines(t, a.val("CLIENT", "LIST"))
	if len(all) != 2 || all[0].id != sa || all[1].id != sb {
		t.Fatalf("CLIENT LIST = %+v, want clients %d and %d in id order", all, idA, idB)
	}
	if all[0].cmd != "client|list" || all[1].cmd != "client|id" || all[0].name != "a" || all[1].name != "" {
		t.Errorf("CLIENT LIST = %+v", all)
	}
	if all[1].addr != b.c.LocalAddr().String() || all[1].laddr != addr {
		t.Errorf("b's addresses: %+v, want %s -> %s", all[1], b.c.LocalAddr(), addr)
	}

	tests := []struct {
		args []string
		ids  []string // nil: an error, want holds it
		want string
	}{
		{[]string{"TYPE", "normal"}, []string{sa, sb}, ""},
		{[]string{"type", "MASTER"}, []string{}, ""},
		{[]string{"TYPE", "replica"}, []string{}, ""},
		{[]string{"TYPE", "slave"}, []string{}, ""},
		{[]string{"TYPE", "pubsub"}, []string{}, ""},
		{[]string{"TYPE", "bad"}, nil, "-ERR Unknown client type 'bad'\r\n"},
		{[]string{"ID", sb}, []string{sb}, ""},
		{[]string{"ID", sb, "99999", sa}, []string{sb, sa}, ""},
		{[]string{"ID", "0"}, []string{}, ""},
		{[]string{"ID", "x"}, nil, "-ERR Invalid client ID\r\n"},
		{[]string{"ID"}, nil, "-ERR syntax error\r\n"},
		{[]string{"TYPE", "normal", "x"}, nil, "-ERR syntax error\r\n"},
		{[]string{"FOO"}, nil, "-ERR syntax error\r\n"},
	}
	for _, tc := range tests {
		args := append([]string{"CLIENT", "LIST"}, tc.args...)
		if tc.ids == nil {
			if got := a.do(args...); got != tc.want {
				t.Errorf("%q = %q, want %q", args, got, tc.want)
			}
			continue
		}
		var got []string
		for _, l := range parseClientLines(t, a.val(args...)) {
			got = append(got, l.id)
		}
		if strings.Join(got, ",") != strings.Join(tc.ids, ",") {
			t.Errorf("%q lists %v, want %v", args, got, tc.ids)
		}
	}
}

// waitClosed reports whether the server closed r's connection.
func waitClosed(r *rawConn) bool {
	r.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := r.rd.ReadByte()
	return err != nil && !isTimeout(err)
}

func isTimeout(err error) bool {
	te, ok := err.(interface{ Timeout() bool })
	return ok && te.Timeout()
}

func TestClientKill(t *testing.T) {
	addr, s := startTestServer(t)
	admin := dialRaw(t, addr)
	victim := func() (*rawConn, string, string) {
		v := dialRaw(t, addr)
		id := v.val("CLIENT", "ID").(int64)
		return v, strconv.FormatInt(id, 10), v.c.LocalAddr().String()
	}

	errs := []struct {
		args []string
		want string
	}{
		{[]string{"CLIENT", "KILL", "1.2.3.4:5"}, "-ERR No such client\r\n"},
		{[]string{"CLIENT", "KILL", "ID"}, "-ERR No such client\r\n"}, // old form: "ID" is an address
		{[]string{"CLIENT", "KILL", "ID", "0"}, "-ERR client-id should be greater than 0\r\n"},
		{[]string{"CLIENT", "KILL", "ID", "x"}, "-ERR client-id should be greater than 0\r\n"},
		{[]string{"CLIENT", "KILL", "ID", "99999"}, ":0\r\n"},
		{[]string{"CLIENT", "KILL", "USER", "bob"}, "-ERR No such user 'bob'\r\n"},
		{[]string{"CLIENT", "KILL", "TYPE", "x"}, "-ERR Unknown client type 'x'\r\n"},
		{[]string{"CLIENT", "KILL", "TYPE", "master"}, ":0\r\n"},
		{[]string{"CLIENT", "KILL", "SKIPME", "maybe"}, "-ERR syntax error\r\n"},
		{[]string{"CLIENT", "KILL", "FOO", "bar"}, "-ERR syntax error\r\n"},
		{[]string{"CLIENT", "KILL", "ID", "1", "SKIPME"}, "-ERR syntax error\r\n"},
		{[]string{"CLIENT", "KILL", "ADDR", "1.2.3.4:5", "SKIPME", "no"}, ":0\r\n"},
		{[]string{"CLIENT", "KILL"}, "-ERR wrong number of arguments for 'client|kill' command\r\n"},
	}
	for _, tc := range errs {
		if got := admin.do(tc.args...); got != tc.want {
			t.Errorf("%q = %q, want %q", tc.args, got, tc.want)
		}
	}

	kills := []struct {
		name  string
		args  func(id, addr string) []string
		reply string
	}{
		{"old form", func(id, a string) []string { return []string{"CLIENT", "KILL", a} }, "+OK\r\n"},
		{"ID", func(id, a string) []string { return []string{"CLIENT", "KILL", "ID", id} }, ":1\r\n"},
		{"ADDR", func(id, a string) []string { return []string{"client", "kill", "addr", a} }, ":1\r\n"},
		{"ADDR and USER and TYPE", func(id, a string) []string {
			return []string{"CLIENT", "KILL", "ADDR", a, "USER", "default", "TYPE", "normal"}
		}, ":1\r\n"},
	}
	for _, tc := range kills {
		v, id, vaddr := victim()
		if got := admin.do(tc.args(id, vaddr)...); got != tc.reply {
			t.Errorf("%s: reply %q, want %q", tc.name, got, tc.reply)
		}
		if !waitClosed(v) {
			t.Errorf("%s: victim still connected", tc.name)
		}
	}

	// A killed client is gone at once, even before its read loop ends.
	v, id, _ := victim()
	if got := admin.do("CLIENT", "KILL", "ID", id); got != ":1\r\n" {
		t.Errorf("first KILL ID = %q", got)
	}
	if got := admin.do("CLIENT", "KILL", "ID", id); got != ":0\r\n" {
		t.Errorf("second KILL ID = %q, want :0", got)
	}
	if got := admin.do("CLIENT", "LIST", "ID", id); got != "$0\r\n\r\n" {
		t.Errorf("CLIENT LIST ID of a killed client = %q", got)
	}
	waitClosed(v)

	// LADDR matches every client of this listener, except the caller by default.
	v1, _, _ := victim()
	v2, _, _ := victim()
	if got := admin.do("CLIENT", "KILL", "LADDR", addr); got != ":2\r\n" {
		t.Errorf("KILL LADDR = %q, want :2", got)
	}
	if !waitClosed(v1) || !waitClosed(v2) {
		t.Error("LADDR kill left a victim connected")
	}
	if got := admin.do("PING"); got != "+PONG\r\n" {
		t.Errorf("the caller was killed: %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		n := len(s.clients)
		s.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d clients registered after the kills, want 1", n)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// A client may kill itself: it gets the reply, then the connection closes.
	self, id, _ := victim()
	if got := self.do("CLIENT", "KILL", "ID", id, "SKIPME", "no"); got != ":1\r\n" {
		t.Errorf("self kill = %q", got)
	}
	if !waitClosed(self) {
		t.Error("self kill left the connection open")
	}
	self, _, selfAddr := victim()
	if got := self.do("CLIENT", "KILL", selfAddr); got != "+OK\r\n" {
		t.Errorf("old-form self kill = %q", got)
	}
	if !waitClosed(self) {
		t.Error("old-form self kill left the connection open")
	}
}

// go-redis sends HELLO and CLIENT SETINFO when it connects; both must be
// accepted for its commands to work.
func TestClientGoRedisHandshake(t *testing.T) {
	addr, _ := startTestServer(t)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr, ClientName: "gr"})
	defer c.Close()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING through go-redis: %v", err)
	}
	info, err := c.ClientInfo(ctx).Result()
	if err != nil {
		t.Fatalf("CLIENT INFO through go-redis: %v", err)
	}
	if info.Name != "gr" || info.DB != 0 || info.LastCmd != "client|info" || info.User != "default" {
		t.Errorf("go-redis parsed CLIENT INFO as %+v", info)
	}
	list, err := c.ClientList(ctx).Result()
	if err != nil || !strings.Contains(list, "name=gr ") {
		t.Errorf("CLIENT LIST through go-redis: %q, %v", list, err)
	}
	if id, err := c.ClientID(ctx).Result(); err != nil || id != info.ID {
		t.Errorf("CLIENT ID = %d, %v; CLIENT INFO said %d", id, err, info.ID)
	}
}
