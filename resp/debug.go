package resp

import (
	"encoding/hex"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// DEBUG: the subcommands clients, test suites and tools use. Like Redis,
// DEBUG is not a container in COMMAND INFO; its subcommands are parsed here.
func debugCommands() []*localCmd {
	return []*localCmd{
		{Spec: fsm.Spec{Name: "debug", Arity: -2, Flags: []string{"admin", "noscript", "loading", "stale"}, Group: "server",
			Summary: "A container for debugging commands", Since: "1.0.0", Complexity: "Depends on subcommand."},
			run: debugCmd},
	}
}

func debugWrongSub(out []byte, sub []byte) []byte {
	return appendErrStr(out, "ERR unknown subcommand or wrong number of arguments for '"+sanitize(sub, 128)+"'. Try DEBUG HELP.")
}

// debugAllowed applies enable-debug-command as Redis 7 does: "no" refuses,
// "local" allows loopback and unix-socket clients only.
func (s *Server) debugAllowed(cl *client) bool {
	switch s.setting("enable-debug-command") {
	case "no":
		return false
	case "local":
		host, _, err := net.SplitHostPort(cl.addr)
		if err != nil {
			return true // a unix socket
		}
		ip := net.ParseIP(host)
		return ip != nil && ip.IsLoopback()
	}
	return true
}

func debugCmd(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if !s.debugAllowed(cl) {
		return appendErrStr(out, "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")
	}
	sub := strings.ToLower(string(args[1]))
	n := len(args)
	switch {
	case sub == "help" && n == 2:
		return appendHelp(out, "debug", debugHelp())
	case sub == "sleep" && n == 3:
		// Redis stops the whole server; quoris's connections are
		// independent, so only this client waits.
		secs, _ := strconv.ParseFloat(string(args[2]), 64)
		if secs > 0 {
			time.Sleep(time.Duration(secs * float64(time.Second)))
		}
		return redcon.AppendOK(out)
	case sub == "reload" && n >= 2:
		for _, opt := range args[2:] {
			switch strings.ToLower(string(opt)) {
			case "merge", "noflush", "nosave":
				// quoris always reloads what it just serialised.
			default:
				return appendErrStr(out, "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
			}
		}
		if err := s.fsm.Reload(); err != nil {
			return appendErrStr(out, err.Error())
		}
		return redcon.AppendOK(out)
	case sub == "object" && n == 3:
		return s.debugObject(cl, args[2], out)
	case sub == "set-active-expire" && n == 3:
		v, _ := strconv.Atoi(string(args[2]))
		s.node.SetActiveExpire(v != 0)
		return redcon.AppendOK(out)
	case sub == "quicklist-packed-threshold" && n == 3:
		// quoris's lists have no quicklist nodes to pack, but the value is
		// checked as Redis checks it (memtoull, at most 4 GB - 1 MB).
		if v, ok := parseMemory(string(args[2])); !ok || v > 1<<32-1<<20 {
			return appendErrStr(out, "ERR argument must be a memory value bigger than 1 and smaller than 4gb")
		}
		return redcon.AppendOK(out)
	case sub == "change-repl-id" && n == 2:
		s.repl.salt.Add(1)
		return redcon.AppendOK(out)
	case sub == "digest" && n == 2:
		d := s.fsm.DatasetDigest(s.node.Now())
		return redcon.AppendString(out, hex.EncodeToString(d[:]))
	case sub == "digest-value" && n >= 2:
		ds, err := s.fsm.ValueDigests(cl.DB(), s.node.Now(), args[2:])
		if err != nil {
			return appendErrStr(out, err.Error())
		}
		out = redcon.AppendArray(out, len(ds))
		for _, d := range ds {
			out = redcon.AppendString(out, hex.EncodeToString(d[:]))
		}
		return out
	case sub == "error" && n == 3:
		return appendErrStr(out, sanitize(args[2], len(args[2])))
	case sub == "log" && n == 3:
		s.log.Warn("DEBUG LOG: " + string(args[2]))
		return redcon.AppendOK(out)
	}
	return debugWrongSub(out, args[1])
}

// debugObject is DEBUG OBJECT in Redis's format. There is no C pointer to
// show: "Value at" is the key's hash, a stable identity. serializedlength
// is the value's payload bytes (Redis's is its RDB size, compressed), and
// the LRU fields read the node-local clock (access times are not tracked).
func (s *Server) debugObject(cl *client, key []byte, out []byte) []byte {
	enc, elems, payload, ok := s.fsm.ObjectInfo(cl.DB(), s.node.Now(), key)
	if !ok {
		return appendErrStr(out, "ERR no such key")
	}
	if payload == 0 {
		payload = int64(elems)
	}
	lru := time.Now().Unix() & (1<<24 - 1)
	line := "Value at:0x" + strconv.FormatUint(fsm.KeyHash(string(key)), 16) + " refcount:1 encoding:" + enc +
		" serializedlength:" + strconv.FormatInt(payload, 10) + " lru:" + strconv.FormatInt(lru, 10) + " lru_seconds_idle:0"
	return redcon.AppendString(out, line)
}

// parseMemory is Redis's memtoull: a number with an optional b, k, kb, m,
// mb, g or gb unit (k = 1000, kb = 1024).
func parseMemory(v string) (uint64, bool) {
	v = strings.ToLower(v)
	units := []struct {
		suffix string
		mul    uint64
	}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"g", 1e9}, {"m", 1e6}, {"k", 1e3}, {"b", 1}}
	mul := uint64(1)
	for _, u := range units {
		if strings.HasSuffix(v, u.suffix) {
			v, mul = strings.TrimSuffix(v, u.suffix), u.mul
			break
		}
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || (n != 0 && n*mul/mul != n) {
		return 0, false
	}
	return n * mul, true
}

func debugHelp() []string {
	return []string{
		"CHANGE-REPL-ID",
		"    Change the replication IDs of the instance.",
		"    Dangerous: should be used only for testing the replication subsystem.",
		"DIGEST",
		"    Output a hex signature representing the current DB content.",
		"DIGEST-VALUE <key> [<key> ...]",
		"    Output a hex signature of the values of all the specified keys.",
		"ERROR <string>",
		"    Return a Redis protocol error with <string> as message. Useful for clients",
		"    unit tests to simulate Redis errors.",
		"LOG <message>",
		"    Write <message> to the server log.",
		"OBJECT <key>",
		"    Show low level info about `key` and associated value.",
		"RELOAD [option ...]",
		"    Save the RDB on disk and reload it back to memory. Valid <option> values:",
		"    * MERGE: conflicting keys will be loaded from RDB.",
		"    * NOFLUSH: the existing database will not be removed before load, but",
		"      conflicting keys will generate an exception and kill the server.",
		"    * NOSAVE: the database will be loaded from an existing RDB file.",
		"SET-ACTIVE-EXPIRE <0|1>",
		"    Setting it to 0 disables expiring keys in background when they are not",
		"    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
		"    default.",
		"QUICKLIST-PACKED-THRESHOLD <size>",
		"    Sets the threshold for elements to be inserted as plain vs packed nodes",
		"    Default value is 1GB, allows values up to 4GB",
		"SLEEP <seconds>",
		"    Stop the server for <seconds>. Decimals allowed.",
	}
}
