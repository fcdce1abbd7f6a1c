package resp

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// slowlog keeps the newest entries first, as Redis's list does.
type slowlog struct {
	mu      sync.Mutex
	entries []slowEntry // newest first
	nextID  int64
}

type slowEntry struct {
	id     int64
	at     int64 // unix seconds
	micros int64
	args   []string
	addr   string
	name   string
}

// Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING.
const (
	slowMaxArgs = 32
	slowMaxArg  = 128
)

func (l *slowlog) add(cl *client, args [][]byte, start time.Time, micros int64, max int) {
	if max <= 0 {
		return
	}
	n := min(len(args), slowMaxArgs)
	e := slowEntry{at: start.Unix(), micros: micros, args: make([]string, n)}
	for i := 0; i < n; i++ {
		switch a := args[i]; {
		case i == slowMaxArgs-1 && len(args) > slowMaxArgs:
			e.args[i] = "... (" + strconv.Itoa(len(args)-slowMaxArgs+1) + " more arguments)"
		case len(a) > slowMaxArg:
			e.args[i] = string(a[:slowMaxArg]) + "... (" + strconv.Itoa(len(a)-slowMaxArg) + " more bytes)"
		default:
			e.args[i] = string(a)
		}
	}
	if cl != nil {
		e.addr = cl.addr
		cl.mu.Lock()
		e.name = cl.name
		cl.mu.Unlock()
	}
	l.mu.Lock()
	e.id = l.nextID
	l.nextID++
	l.entries = append(l.entries, slowEntry{})
	copy(l.entries[1:], l.entries)
	l.entries[0] = e
	if len(l.entries) > max {
		l.entries = l.entries[:max]
	}
	l.mu.Unlock()
}

func (l *slowlog) trim(max int) {
	l.mu.Lock()
	if len(l.entries) > max {
		l.entries = l.entries[:max]
	}
	l.mu.Unlock()
}

func slowlogCommands() []*localCmd {
	return []*localCmd{
		containerCmd(fsm.Spec{Name: "slowlog", Arity: -2, Group: "server",
			Summary: "A container for slow log commands", Since: "2.2.12", Complexity: "Depends on subcommand."}),
	}
}

func slowlogSubcommands() []*subCmd {
	admin := []string{"admin", "loading", "stale"}
	spec := func(name string, arity int, flags []string, summary, complexity string) fsm.Spec {
		return fsm.Spec{Name: name, Arity: arity, Flags: flags, Group: "server", Summary: summary, Since: "2.2.12", Complexity: complexity}
	}
	return []*subCmd{
		{Spec: spec("get", -2, admin, "Get the slow log's entries", "O(N) where N is the number of entries returned"),
			run: slowlogGet},
		{Spec: spec("len", 2, admin, "Get the slow log's length", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				s.ops.slow.mu.Lock()
				n := len(s.ops.slow.entries)
				s.ops.slow.mu.Unlock()
				return redcon.AppendInt(out, int64(n))
			}},
		{Spec: spec("reset", 2, admin, "Clear all entries from the slow log", "O(N) where N is the number of entries in the slowlog"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				s.ops.slow.mu.Lock()
				s.ops.slow.entries = nil
				s.ops.slow.mu.Unlock()
				return redcon.AppendOK(out)
			}},
		{Spec: fsm.Spec{Name: "help", Arity: 2, Flags: []string{"loading", "stale"}, Group: "server",
			Summary: "Show helpful text about the different subcommands", Since: "6.2.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return appendHelp(out, "slowlog", []string{
					"GET [<count>]",
					"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
					"    Entries are made of:",
					"    id, timestamp, time in microseconds, arguments array, client IP and port,",
					"    client name",
					"LEN",
					"    Return the length of the slowlog.",
					"RESET",
					"    Reset the slowlog.",
				})
			}},
	}
}

func slowlogGet(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if len(args) > 3 {
		return appendErrStr(out, "ERR unknown subcommand or wrong number of arguments for '"+sanitize(args[1], 128)+"'. Try SLOWLOG HELP.")
	}
	count := 10
	if len(args) == 3 {
		n, err := strconv.ParseInt(string(args[2]), 10, 64)
		if err != nil || n < -1 {
			return appendErrStr(out, "ERR count should be greater than or equal to -1")
		}
		count = int(min(n, 1<<31-1))
	}
	l := &s.ops.slow
	l.mu.Lock()
	entries := l.entries
	if count >= 0 && count < len(entries) {
		entries = entries[:count]
	}
	entries = append([]slowEntry(nil), entries...)
	l.mu.Unlock()
	out = redcon.AppendArray(out, len(entries))
	for _, e := range entries {
		out = redcon.AppendArray(out, 6)
		out = redcon.AppendInt(out, e.id)
		out = redcon.AppendInt(out, e.at)
		out = redcon.AppendInt(out, e.micros)
		out = redcon.AppendArray(out, len(e.args))
		for _, a := range e.args {
			out = redcon.AppendBulkString(out, a)
		}
		out = redcon.AppendBulkString(out, e.addr)
		out = redcon.AppendBulkString(out, e.name)
	}
	return out
}

// noSlowlog are the commands Redis keeps out of the slow log
// (CMD_SKIP_SLOWLOG): their arguments may hold secrets, or they only wrap
// commands that are logged on their own.
func noSlowlog(name string) bool {
	switch strings.ToLower(name) {
	case "exec", "auth", "hello", "migrate", "quoris.peer":
		return true
	}
	return false
}
