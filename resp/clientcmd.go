package resp

import (
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// clientCommands: CLIENT and its subcommands.
func clientCommands() []*localCmd {
	return []*localCmd{
		containerCmd(fsm.Spec{Name: "client", Arity: -2, Group: "connection",
			Summary: "A container for client connection commands", Since: "2.4.0", Complexity: "Depends on subcommand."}),
	}
}

func clientSubcommands() []*subCmd {
	var (
		conn  = []string{"noscript", "loading", "stale"}
		admin = []string{"admin", "noscript", "loading", "stale"}
	)
	spec := func(name string, arity int, flags []string, summary, since, complexity string) fsm.Spec {
		return fsm.Spec{Name: name, Arity: arity, Flags: flags, Group: "connection", Summary: summary, Since: since, Complexity: complexity}
	}
	onOff := func(set func(cl *client, on bool)) func(s *Server, cl *client, args [][]byte, out []byte) []byte {
		return func(s *Server, cl *client, args [][]byte, out []byte) []byte {
			switch strings.ToLower(string(args[2])) {
			case "on":
				set(cl, true)
			case "off":
				set(cl, false)
			default:
				return appendSyntaxErr(out)
			}
			return redcon.AppendOK(out)
		}
	}
	subs := []*subCmd{
		{Spec: spec("id", 2, conn, "Returns the client ID for the current connection", "5.0.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendInt(out, cl.id)
			}},
		{Spec: spec("getname", 2, conn, "Get the current connection name", "2.6.9", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				cl.mu.Lock()
				name := cl.name
				cl.mu.Unlock()
				if name == "" {
					return redcon.AppendNull(out)
				}
				return redcon.AppendBulkString(out, name)
			}},
		{Spec: spec("setname", 3, conn, "Set the current connection name", "2.6.9", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				name := string(args[2])
				if !validClientName(name) {
					return appendErrStr(out, "ERR Client names cannot contain spaces, newlines or special characters.")
				}
				cl.mu.Lock()
				cl.name = name
				cl.mu.Unlock()
				return redcon.AppendOK(out)
			}},
		{Spec: spec("info", 2, conn, "Returns information about the current client connection.", "6.2.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendBulk(out, appendClientInfo(nil, cl, time.Now()))
			}},
		{Spec: spec("list", -2, admin, "Get the list of client connections", "2.4.0", "O(N) where N is the number of client connections"),
			run: clientList},
		{Spec: spec("kill", -3, admin, "Kill the connection of a client", "2.4.0", "O(N) where N is the number of client connections"),
			run: clientKill},
		{Spec: spec("no-evict", 3, admin, "Set client eviction mode for the current connection", "7.0.0", "O(1)"),
			run: onOff(func(cl *client, on bool) {
				cl.mu.Lock()
				cl.noEvict = on
				cl.mu.Unlock()
			})},
		{Spec: spec("no-touch", 3, conn, "Controls whether commands sent by the client will alter the LRU/LFU of the keys they access.", "7.2.0", "O(1)"),
			run: onOff(func(cl *client, on bool) {
				cl.mu.Lock()
				cl.noTouch = on
				cl.mu.Unlock()
			})},
		// SETINFO is Redis 7.2's; client libraries (go-redis, redis-py)
		// send it on every connect and expect +OK. Its values are checked
		// as 7.2 checks them but not shown: CLIENT LIST keeps 7.0's format.
		{Spec: spec("setinfo", 4, conn, "Set client or connection specific info", "7.2.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				attr := strings.ToLower(string(args[2]))
				if attr != "lib-name" && attr != "lib-ver" {
					return appendErrStr(out, "ERR Unrecognized option '"+sanitize(args[2], 128)+"'")
				}
				if !validClientName(string(args[3])) {
					return appendErrStr(out, "ERR "+attr+" cannot contain spaces, newlines or special characters.")
				}
				return redcon.AppendOK(out)
			}},
		{Spec: spec("reply", 3, conn, "Instruct the server whether to reply to commands", "3.2.0", "O(1)"), run: clientReply},
		{Spec: spec("pause", -3, admin, "Stop processing commands from clients for some time", "2.9.50", "O(1)"), run: clientPause},
		{Spec: spec("unpause", 2, admin, "Resume processing of clients that were paused", "6.2.0", "O(N) Where N is the number of paused clients"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				s.pause.lift()
				return redcon.AppendOK(out)
			}},
		{Spec: spec("unblock", -3, admin, "Unblock a client blocked in a blocking command from a different connection", "5.0.0", "O(log N) where N is the number of client connections"),
			run: clientUnblock},
		{Spec: spec("help", 2, []string{"loading", "stale"}, "Show helpful text about the different subcommands", "5.0.0", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return appendHelp(out, "client", []string{
					"CACHING (YES|NO)",
					"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
					"GETREDIR",
					"    Return the client ID we are redirecting to when tracking is enabled.",
					"GETNAME",
					"    Return the name of the current connection.",
					"ID",
					"    Return the ID of the current connection.",
					"INFO",
					"    Return information about the current client connection.",
					"KILL <ip:port>",
					"    Kill connection made from <ip:port>.",
					"KILL <option> <value> [<option> <value> [...]]",
					"    Kill connections. Options are:",
					"    * ADDR (<ip:port>|<unixsocket>:0)",
					"      Kill connections made from the specified address",
					"    * LADDR (<ip:port>|<unixsocket>:0)",
					"      Kill connections made to specified local address",
					"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
					"      Kill connections by type.",
					"    * USER <username>",
					"      Kill connections authenticated by <username>.",
					"    * SKIPME (YES|NO)",
					"      Skip killing current connection (default: yes).",
					"LIST [options ...]",
					"    Return information about client connections. Options:",
					"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
					"      Return clients of specified type.",
					"UNPAUSE",
					"    Stop the current client pause, resuming traffic.",
					"PAUSE <timeout> [WRITE|ALL]",
					"    Suspend all, or just write, clients for <timeout> milliseconds.",
					"REPLY (ON|OFF|SKIP)",
					"    Control the replies sent to the current connection.",
					"SETNAME <name>",
					"    Assign the name <name> to the current connection.",
					"UNBLOCK <clientid> [TIMEOUT|ERROR]",
					"    Unblock the specified blocked client.",
					"SETINFO <option> <value>",
					"    Set client meta attr. Options are:",
					"    * LIB-NAME: the client lib name.",
					"    * LIB-VER: the client lib version.",
					"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
					"         [OPTIN] [OPTOUT] [NOLOOP]",
					"    Control server assisted client side caching.",
					"TRACKINGINFO",
					"    Report tracking status for the current connection.",
					"NO-EVICT (ON|OFF)",
					"    Protect current client connection from eviction.",
					"NO-TOUCH (ON|OFF)",
					"    Will not touch LRU/LFU stats when this mode is on.",
				})
			}},
	}
	return append(subs, trackingSubcommands()...)
}

// clientTypeOK reports whether a Redis client type name is known and
// whether quoris's clients are of that type: all of them are normal
// clients; replication between nodes goes through raft, not client links.
func clientTypeOK(name []byte) (known, normal bool) {
	switch strings.ToLower(string(name)) {
	case "normal":
		return true, true
	case "master", "slave", "replica", "pubsub":
		return true, false
	}
	return false, false
}

// clientsSorted snapshots the connected clients in id order, which is
// connection order, as Redis lists them. A client whose socket is already
// closed (killed, its read loop not yet ended) is gone for Redis's
// purposes and left out, so a second KILL does not count it again.
func (s *Server) clientsSorted() []*client {
	s.mu.Lock()
	out := make([]*client, 0, len(s.clients))
	for _, c := range s.clients {
		out = append(out, c)
	}
	s.mu.Unlock()
	live := out[:0]
	for _, c := range out {
		if _, open := socketFD(c); open {
			live = append(live, c)
		}
	}
	sort.Slice(live, func(i, j int) bool { return live[i].id < live[j].id })
	return live
}

func clientList(s *Server, cl *client, args [][]byte, out []byte) []byte {
	var picked []*client
	switch {
	case len(args) == 2:
		picked = s.clientsSorted()
	case len(args) == 4 && strings.EqualFold(string(args[2]), "type"):
		known, normal := clientTypeOK(args[3])
		if !known {
			return appendErrStr(out, "ERR Unknown client type '"+sanitize(args[3], 128)+"'")
		}
		if normal {
			picked = s.clientsSorted()
		}
	case len(args) > 3 && strings.EqualFold(string(args[2]), "id"):
		ids := make([]int64, 0, len(args)-3)
		for _, a := range args[3:] {
			id, err := strconv.ParseInt(string(a), 10, 64)
			if err != nil {
				return appendErrStr(out, "ERR Invalid client ID")
			}
			ids = append(ids, id)
		}
		s.mu.Lock()
		for _, id := range ids {
			if c := s.clients[id]; c != nil {
				picked = append(picked, c)
			}
		}
		s.mu.Unlock()
		live := picked[:0]
		for _, c := range picked {
			if _, open := socketFD(c); open {
				live = append(live, c)
			}
		}
		picked = live
	default:
		return appendSyntaxErr(out)
	}
	now := time.Now()
	var b []byte
	for _, c := range picked {
		b = appendClientInfo(b, c, now)
	}
	return redcon.AppendBulk(out, b)
}

// appendClientInfo writes c's CLIENT LIST line in Redis 7.0's format.
// qbuf is what the client sent that is not yet consumed (the running
// command included), argv-mem and multi-mem the bytes of the running and
// the queued commands' arguments, tot-mem their sum with the reply
// buffer's capacity. Redis's read-buffer figures (qbuf-free, rbs, rbp)
// and output list figures have no counterpart in redcon and are 0.
func appendClientInfo(b []byte, c *client, now time.Time) []byte {
	c.mu.Lock()
	name, db, cmd, noEvict, noTouch := c.name, c.db, c.lastCmd, c.noEvict, c.noTouch
	user := c.user
	c.mu.Unlock()
	if user == "" {
		user = "default"
	}
	if cmd == "" {
		cmd = "NULL"
	}
	multi := c.multiLen.Load()
	// Redis's flag order: P (pub/sub), x (MULTI), b (blocked), U, r (READONLY), e, T.
	flags := ""
	if c.monitorFlag.Load() {
		flags = "O"
	}
	subs, psubs, ssubs := c.subs[kindChannel].Load(), c.subs[kindPattern].Load(), c.subs[kindShard].Load()
	if subs+psubs+ssubs > 0 {
		flags += "P"
	}
	if multi >= 0 {
		flags += "x"
	}
	if c.blocked.Load() {
		flags += "b"
	}
	flags += c.trackingFlags()
	if strings.HasPrefix(c.laddr, "/") {
		flags += "U"
	}
	if c.readonlyFlag.Load() {
		flags += "r"
	}
	if noEvict {
		flags += "e"
	}
	if noTouch {
		flags += "T"
	}
	if flags == "" {
		flags = "N"
	}
	qbuf, argv, multiMem := c.qbuf(), c.argvMem.Load(), c.multiMem.Load()
	idle := now.UnixMilli() - c.lastActive.Load()
	b = append(b, "id="...)
	b = strconv.AppendInt(b, c.id, 10)
	b = append(b, " addr="...)
	b = append(b, c.addr...)
	b = append(b, " laddr="...)
	b = append(b, c.laddr...)
	b = append(b, " fd="...)
	fd, _ := socketFD(c)
	b = strconv.AppendInt(b, int64(fd), 10)
	b = append(b, " name="...)
	b = append(b, name...)
	b = append(b, " age="...)
	b = strconv.AppendInt(b, int64(now.Sub(c.created)/time.Second), 10)
	b = append(b, " idle="...)
	b = strconv.AppendInt(b, idle/1000, 10)
	b = append(b, " flags="...)
	b = append(b, flags...)
	b = append(b, " db="...)
	b = strconv.AppendInt(b, int64(db), 10)
	b = append(b, " sub="...)
	b = strconv.AppendInt(b, int64(subs), 10)
	b = append(b, " psub="...)
	b = strconv.AppendInt(b, int64(psubs), 10)
	b = append(b, " ssub="...)
	b = strconv.AppendInt(b, int64(ssubs), 10)
	b = append(b, " multi="...)
	b = strconv.AppendInt(b, int64(multi), 10)
	b = append(b, " qbuf="...)
	b = strconv.AppendInt(b, qbuf, 10)
	b = append(b, " qbuf-free=0 argv-mem="...)
	b = strconv.AppendInt(b, argv, 10)
	b = append(b, " multi-mem="...)
	b = strconv.AppendInt(b, multiMem, 10)
	b = append(b, " rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem="...)
	b = strconv.AppendInt(b, qbuf+argv+multiMem+c.outMem.Load(), 10)
	b = append(b, " events=r cmd="...)
	b = append(b, cmd...)
	b = append(b, " user="...)
	b = append(b, user...)
	b = append(b, " redir="...)
	b = strconv.AppendInt(b, c.trackingRedir(), 10)
	b = append(b, " resp="...)
	b = strconv.AppendInt(b, int64(c.resp()), 10)
	return append(b, '\n')
}

// socketFD is the client socket's file descriptor (-1 if it has none) and
// whether the socket is still open.
func socketFD(c *client) (fd int, open bool) {
	sc, ok := c.conn.NetConn().(syscall.Conn)
	if !ok {
		return -1, true
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1, false
	}
	fd = -1
	if err := raw.Control(func(f uintptr) { fd = int(f) }); err != nil {
		return -1, false
	}
	return fd, true
}

// clientKill implements both forms of CLIENT KILL. The old one (a single
// ip:port) may kill the caller and answers +OK or "No such client"; the
// filter form skips the caller unless SKIPME no, and answers a count.
func clientKill(s *Server, cl *client, args [][]byte, out []byte) []byte {
	var (
		addr, laddr string
		hasAddr     bool
		hasLaddr    bool
		user        string
		hasUser     bool
		id          int64
		typeFilter  = true // every quoris client is "normal"
		skipme      = true
		oldStyle    = len(args) == 3
		killed      int64
		killSelf    bool
		start       = len(out)
	)
	if oldStyle {
		addr, hasAddr, skipme = string(args[2]), true, false
	} else {
		for i := 2; i < len(args); i += 2 {
			if i+1 >= len(args) {
				return appendSyntaxErr(out)
			}
			opt, val := strings.ToLower(string(args[i])), args[i+1]
			switch opt {
			case "id":
				n, err := strconv.ParseInt(string(val), 10, 64)
				if err != nil || n < 1 {
					return appendErrStr(out, "ERR client-id should be greater than 0")
				}
				id = n
			case "type":
				known, normal := clientTypeOK(val)
				if !known {
					return appendErrStr(out, "ERR Unknown client type '"+sanitize(val, 128)+"'")
				}
				typeFilter = normal
			case "addr":
				addr, hasAddr = string(val), true
			case "laddr":
				laddr, hasLaddr = string(val), true
			case "user":
				if s.fsm.ACL().Get(string(val)) == nil {
					return appendErrStr(out, "ERR No such user '"+sanitize(val, 128)+"'")
				}
				user, hasUser = string(val), true
			case "skipme":
				switch strings.ToLower(string(val)) {
				case "yes":
					skipme = true
				case "no":
					skipme = false
				default:
					return appendSyntaxErr(out)
				}
			default:
				return appendSyntaxErr(out)
			}
		}
	}
	for _, c := range s.clientsSorted() {
		switch {
		case hasAddr && c.addr != addr,
			hasLaddr && c.laddr != laddr,
			hasUser && c.lockedUser() != user,
			!typeFilter,
			id != 0 && c.id != id,
			c == cl && skipme:
			continue
		}
		killed++
		if c == cl {
			killSelf = true
			continue
		}
		// Closing the socket ends the client's read loop; the server's
		// close hook then forgets it.
		_ = c.conn.NetConn().Close()
	}
	if oldStyle {
		if killed == 0 {
			out = appendErrStr(out, "ERR No such client")
		} else {
			out = redcon.AppendOK(out)
		}
	} else {
		out = redcon.AppendInt(out, killed)
	}
	if killSelf {
		// Like Redis's CLOSE_AFTER_REPLY: the reply goes out, then the
		// connection closes (redcon's Close flushes first).
		cl.conn.WriteRaw(out[start:])
		_ = cl.conn.Close()
		return out[:start]
	}
	return out
}
