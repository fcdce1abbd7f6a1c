package resp

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

// trackStep: on connection conn send cmd (with "$R" replaced by the id of
// the redirect connection, 2) and read frames frames; cmd nil only reads.
// skip marks replies that differ by nature (HELLO's server map).
type trackStep struct {
	conn   int
	cmd    []string
	frames int
	skip   bool
}

// trackScript: connection 0 tracks, 1 writes, 2 receives redirected
// invalidations (RESP2 pub/sub), 3 is a redirect target that goes away.
var trackScript = []trackStep{
	{2, []string{"SUBSCRIBE", "__redis__:invalidate"}, 1, false},
	// Errors and state of the commands.
	{0, []string{"CLIENT", "TRACKING"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "maybe"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "bogus"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "PREFIX", "a"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "BCAST", "OPTIN"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "REDIRECT", "99999"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "REDIRECT", "x"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "REDIRECT"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "off", "PREFIX", "a", "OPTIN", "OPTOUT"}, 1, false},
	{0, []string{"CLIENT", "CACHING", "yes"}, 1, false},
	{0, []string{"CLIENT", "GETREDIR"}, 1, false},
	{0, []string{"CLIENT", "TRACKINGINFO"}, 1, false},
	// Default mode, RESP2, redirected to a subscriber.
	{0, []string{"CLIENT", "TRACKING", "on", "REDIRECT", "$R"}, 1, false},
	{0, []string{"CLIENT", "GETREDIR"}, 1, false},
	{0, []string{"CLIENT", "TRACKINGINFO"}, 1, false},
	{0, []string{"CLIENT", "CACHING", "yes"}, 1, false},
	{0, []string{"CLIENT", "CACHING", "maybe"}, 1, false},
	{1, []string{"MSET", "a", "1", "b", "1"}, 1, false},
	{0, []string{"GET", "a"}, 1, false},
	{0, []string{"MGET", "b", "c"}, 1, false},
	{1, []string{"SET", "a", "2"}, 1, false},
	{2, nil, 1, false},
	{1, []string{"SET", "a", "3"}, 1, false}, // forgotten after one invalidation
	{1, []string{"MSET", "b", "x", "c", "y"}, 1, false},
	{2, nil, 2, false},
	{0, []string{"HGETALL", "h"}, 1, false},
	{1, []string{"HSET", "h", "f", "v"}, 1, false},
	{2, nil, 1, false},
	{0, []string{"LRANGE", "l", "0", "-1"}, 1, false},
	{1, []string{"RPUSH", "l", "x"}, 1, false},
	{2, nil, 1, false},
	{0, []string{"GET", "a"}, 1, false},
	{1, []string{"FLUSHALL"}, 1, false},
	{2, nil, 1, false},
	{1, []string{"SET", "a", "4"}, 1, false}, // the flush emptied the table
	// RESP3 on the same connection.
	{0, []string{"CLIENT", "TRACKING", "off"}, 1, false},
	{0, []string{"HELLO", "3"}, 1, true},
	{0, []string{"CLIENT", "TRACKING", "on"}, 1, false},
	{0, []string{"CLIENT", "TRACKINGINFO"}, 1, false},
	{0, []string{"GET", "a"}, 1, false},
	{1, []string{"SET", "a", "5"}, 1, false},
	{0, nil, 1, false},
	{0, []string{"GET", "a"}, 1, false},
	{0, []string{"SET", "a", "6"}, 1, false}, // its own write: reply, then the push
	{0, nil, 1, false},
	{0, []string{"GET", "a"}, 1, false},
	{1, []string{"SWAPDB", "0", "1"}, 1, false}, // Redis's tracking ignores SWAPDB
	{1, []string{"SWAPDB", "0", "1"}, 1, false},
	{1, []string{"DEL", "a"}, 1, false},
	{0, nil, 1, false},
	{0, []string{"GET", "a"}, 1, false}, // databases are not told apart
	{1, []string{"SELECT", "1"}, 1, false},
	{1, []string{"SET", "a", "db1"}, 1, false},
	{0, nil, 1, false},
	{1, []string{"SELECT", "0"}, 1, false},
	{0, []string{"GET", "x"}, 1, false},
	{1, []string{"SET", "x", "1", "PX", "1"}, 1, false},
	{0, nil, 1, false},
	{1, []string{"FLUSHDB"}, 1, false},
	{0, nil, 1, false},
	// OPTIN and OPTOUT.
	{0, []string{"CLIENT", "TRACKING", "on", "OPTOUT"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "off"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "OPTIN"}, 1, false},
	{0, []string{"CLIENT", "CACHING", "no"}, 1, false},
	{0, []string{"GET", "o1"}, 1, false},
	{0, []string{"CLIENT", "CACHING", "yes"}, 1, false},
	{0, []string{"CLIENT", "TRACKINGINFO"}, 1, false},
	{0, []string{"GET", "o2"}, 1, false},
	{0, []string{"GET", "o3"}, 1, false},
	{0, []string{"CLIENT", "TRACKINGINFO"}, 1, false},
	{1, []string{"MSET", "o1", "1", "o2", "2", "o3", "3"}, 1, false},
	{0, nil, 1, false},
	{0, []string{"CLIENT", "CACHING", "yes"}, 1, false},
	{0, []string{"MULTI"}, 1, false},
	{0, []string{"GET", "m1"}, 1, false},
	{0, []string{"GET", "m2"}, 1, false},
	{0, []string{"EXEC"}, 1, false},
	{0, []string{"GET", "m3"}, 1, false},
	{1, []string{"MSET", "m1", "1", "m2", "2", "m3", "3"}, 1, false},
	{0, nil, 2, false},
	{0, []string{"CLIENT", "TRACKING", "off"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "OPTOUT"}, 1, false},
	{0, []string{"CLIENT", "CACHING", "no"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "OPTOUT", "NOLOOP"}, 1, false},
	{0, []string{"CLIENT", "TRACKINGINFO"}, 1, false},
	{0, []string{"GET", "o1"}, 1, false},
	{0, []string{"GET", "o2"}, 1, false},
	{1, []string{"MSET", "o1", "1", "o2", "2"}, 1, false},
	{0, nil, 1, false},
	// BCAST with prefixes: one array per prefix, keys sorted.
	{0, []string{"CLIENT", "TRACKING", "off"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "item:"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "us"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on"}, 1, false},
	{0, []string{"CLIENT", "TRACKINGINFO"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "BCAST"}, 1, false},
	{0, []string{"CLIENT", "TRACKINGINFO"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "off"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "item:"}, 1, false},
	{1, []string{"MSET", "user:2", "a", "item:1", "b", "user:1", "c", "other", "d"}, 1, false},
	{0, nil, 2, false},
	{1, []string{"SET", "other", "e"}, 1, false},
	{1, []string{"SET", "item:1", "f"}, 1, false},
	{0, nil, 1, false},
	// NOLOOP: no invalidation for the client's own writes.
	{0, []string{"CLIENT", "TRACKING", "off"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"}, 1, false},
	{0, []string{"SET", "n1", "1"}, 1, false},
	{1, []string{"SET", "n2", "1"}, 1, false},
	{0, nil, 1, false},
	{0, []string{"CLIENT", "TRACKING", "off"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "NOLOOP"}, 1, false},
	{0, []string{"GET", "n1"}, 1, false},
	{0, []string{"SET", "n1", "2"}, 1, false},
	{1, []string{"SET", "n1", "3"}, 1, false},
	{0, []string{"GET", "n1"}, 1, false},
	{1, []string{"SET", "n1", "4"}, 1, false},
	{0, nil, 1, false},
	// A redirect target that goes away: RESP3 gets tracking-redir-broken.
	{0, []string{"CLIENT", "TRACKING", "off"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "on", "REDIRECT", "$G"}, 1, false},
	{3, []string{"QUIT"}, 1, false},
	{0, []string{"GET", "g"}, 1, false},
	{1, []string{"SET", "g", "1"}, 1, false},
	{0, nil, 1, false},
	{0, []string{"CLIENT", "TRACKINGINFO"}, 1, false},
	{0, []string{"CLIENT", "TRACKING", "off"}, 1, false},
}

// TestTrackingMatchesRedis plays trackScript on redis-server and on
// quoris and compares every reply and invalidation byte for byte.
func TestTrackingMatchesRedis(t *testing.T) {
	raddr := startRedisServer(t)
	qaddr, _ := startTestServer(t)
	run := func(addr string) []string {
		conns := []*psConn{dialPS(t, addr), dialPS(t, addr), dialPS(t, addr), dialPS(t, addr)}
		ids := map[string]string{}
		for name, c := range map[string]*psConn{"$R": conns[2], "$G": conns[3]} {
			c.send("CLIENT", "ID")
			ids[name] = strings.TrimSuffix(strings.TrimPrefix(c.read(1), ":"), "\r\n")
		}
		var out []string
		for _, st := range trackScript {
			c := conns[st.conn]
			if st.cmd != nil {
				cmd := make([]string, len(st.cmd))
				for i, a := range st.cmd {
					if id, ok := ids[a]; ok {
						a = id
					}
					cmd[i] = a
				}
				c.send(cmd...)
			}
			got := c.read3(st.frames)
			for name, id := range ids {
				got = strings.ReplaceAll(got, ":"+id+"\r\n", ":"+name+"\r\n")
			}
			if st.skip {
				got = ""
			}
			out = append(out, got)
		}
		for i, c := range conns[:3] {
			if !c.quiet(200 * time.Millisecond) {
				t.Errorf("%s: connection %d got frames after the script", addr, i)
			}
		}
		return out
	}
	want, got := run(raddr), run(qaddr)
	for i := range want {
		if want[i] != got[i] {
			t.Errorf("step %d %q: redis %q, quoris %q", i, strings.Join(trackScript[i].cmd, " "), want[i], got[i])
		}
	}
}

// readFrame3 reads one RESP2 or RESP3 frame and returns its raw bytes.
func readFrame3(rd *bufio.Reader) ([]byte, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return nil, err
	}
	out := []byte(line)
	n, _ := strconv.Atoi(strings.TrimSuffix(line[1:], "\r\n"))
	switch line[0] {
	case '$', '=', '!':
		if n < 0 {
			return out, nil
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(rd, b); err != nil {
			return nil, err
		}
		return append(out, b...), nil
	case '*', '~', '>', '%', '|':
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			f, err := readFrame3(rd)
			if err != nil {
				return nil, err
			}
			out = append(out, f...)
		}
	}
	return out, nil
}

// read3 reads n frames of either protocol.
func (p *psConn) read3(n int) string {
	p.t.Helper()
	_ = p.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var out []byte
	for i := 0; i < n; i++ {
		f, err := readFrame3(p.rd)
		if err != nil {
			p.t.Fatalf("read frame %d: %v (so far %q)", i, err, out)
		}
		out = append(out, f...)
	}
	return string(out)
}
