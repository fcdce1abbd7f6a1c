package resp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"strconv"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// MULTI/EXEC/WATCH. The connection queues commands; EXEC sends every data
// command, with the versions WATCH saw, as one QUORIS.TX write: one log
// entry, atomic on every node. A follower proxies that one command like any
// other write, so its clients never stay stuck in MULTI. Local commands
// queued in a transaction (PING, SELECT, INFO ...) are answered at EXEC.

type txState struct {
	active  bool
	failed  bool // a queuing error: EXEC answers EXECABORT
	db      int  // the database later queued commands run in (SELECT moves it)
	queue   []queued
	watches []fsm.TxWatch
}

type queued struct {
	local *localCmd
	db    int
	args  [][]byte
}

func (t *txState) reset() {
	t.active, t.failed, t.queue, t.watches = false, false, nil, nil
}

func multiCommands() []*localCmd {
	spec := func(name string, arity int, flags []string, summary string) fsm.Spec {
		return fsm.Spec{Name: name, Arity: arity, Flags: flags, Group: "transactions", Summary: summary, Since: "1.2.0", Complexity: "O(1)"}
	}
	watchSpec := spec("watch", -2, []string{"noscript", "loading", "stale", "fast", "allow_busy"}, "Monitors changes to keys to determine the execution of a transaction.")
	watchSpec.FirstKey, watchSpec.LastKey, watchSpec.Step, watchSpec.Since = 1, -1, 1, "2.2.0"
	unwatch := spec("unwatch", 1, []string{"noscript", "loading", "stale", "fast", "allow_busy"}, "Forgets about watched keys of a transaction.")
	unwatch.Since = "2.2.0"
	return []*localCmd{
		{Spec: spec("multi", 1, []string{"noscript", "loading", "stale", "fast", "allow_busy"}, "Starts a transaction."), run: cmdMulti},
		{Spec: spec("exec", 1, []string{"noscript", "loading", "stale", "skip_slowlog"}, "Executes all commands in a transaction."), run: cmdExec},
		{Spec: spec("discard", 1, []string{"noscript", "loading", "stale", "fast", "allow_busy"}, "Discards a transaction."), run: cmdDiscard},
		{Spec: watchSpec, run: cmdWatch},
		{Spec: unwatch, run: cmdUnwatch},
	}
}

// txControl commands run at once even inside MULTI.
func txControl(name string) bool {
	switch name {
	case "exec", "discard", "multi", "watch", "quit", "unwatch", "reset":
		return true
	}
	return false
}

// queue answers a command sent inside MULTI.
func (s *Server) queue(cl *client, args [][]byte, out []byte) []byte {
	var q queued
	var spec *fsm.Spec
	if lc := s.lookupLocal(args[0]); lc != nil {
		q.local, spec = lc, &lc.Spec
	} else if c := s.table.Lookup(args[0]); c != nil {
		spec = &c.Spec
	}
	switch {
	case spec == nil:
		cl.tx.failed = true
		return appendErrStr(out, unknownErr(args))
	case !spec.ArityOK(len(args)):
		cl.tx.failed = true
		return appendErrStr(out, arityErr(spec.Name))
	case spec.Name == "quoris.tx":
		cl.tx.failed = true
		return appendErrStr(out, "ERR QUORIS.TX cannot be queued in a transaction")
	}
	q.db = cl.tx.db
	if spec.Name == "select" {
		if n, err := strconv.Atoi(string(args[1])); err == nil && n >= 0 && n < s.fsm.Databases() {
			cl.tx.db = n
		}
	}
	q.args = make([][]byte, len(args))
	for i, a := range args {
		q.args[i] = append([]byte(nil), a...)
	}
	cl.tx.queue = append(cl.tx.queue, q)
	return redcon.AppendString(out, "QUEUED")
}

func cmdMulti(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if cl.tx.active {
		return appendErrStr(out, "ERR MULTI calls can not be nested")
	}
	cl.tx.active, cl.tx.failed, cl.tx.queue, cl.tx.db = true, false, nil, cl.DB()
	return redcon.AppendOK(out)
}

func cmdDiscard(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if !cl.tx.active {
		return appendErrStr(out, "ERR DISCARD without MULTI")
	}
	cl.tx.reset()
	return redcon.AppendOK(out)
}

func cmdUnwatch(s *Server, cl *client, args [][]byte, out []byte) []byte {
	cl.tx.watches = nil
	return redcon.AppendOK(out)
}

// cmdWatch records each key's version (and the index it was read at) with
// a linearizable read, so EXEC can tell whether anything changed since.
func cmdWatch(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if cl.tx.active {
		return appendErrStr(out, "ERR WATCH inside MULTI is not allowed")
	}
	db := cl.DB()
	q := make([][]byte, len(args))
	q[0] = []byte("QUORIS.WATCH")
	copy(q[1:], args[1:])
	reply, err := s.readCommand(cl, db, q)
	if err != nil {
		return appendErrStr(out, err.Error())
	}
	nums, ok := parseIntArray(reply)
	if !ok || len(nums) != len(args) {
		if len(reply) > 0 && reply[0] == '-' {
			return append(out, reply...)
		}
		return appendErrStr(out, "ERR internal: unexpected WATCH reply")
	}
	for i, k := range args[1:] {
		cl.tx.watches = append(cl.tx.watches, fsm.TxWatch{DB: db, Key: string(k), Version: uint64(nums[i+1]), Since: uint64(nums[0])})
	}
	return redcon.AppendOK(out)
}

func cmdExec(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if !cl.tx.active {
		return appendErrStr(out, "ERR EXEC without MULTI")
	}
	tx := cl.tx
	cl.tx.reset() // EXEC ends the transaction and unwatches, whatever happens
	if tx.failed {
		return appendErrStr(out, "EXECABORT Transaction discarded because of previous errors.")
	}
	var cmds []fsm.TxCmd
	for _, q := range tx.queue {
		if q.local == nil {
			// A queued script is wrapped for its user and protocol at
			// EXEC, as one sent outside MULTI is when it is read.
			args := q.args
			if c := s.table.Lookup(args[0]); c != nil {
				args, _ = s.scriptCommand(cl, c, args)
			}
			cmds = append(cmds, fsm.TxCmd{DB: q.db, Args: args})
		}
	}
	var replies [][]byte
	if len(cmds) > 0 || len(tx.watches) > 0 {
		reply, err := s.writeCommand(cl, fsm.AppendTx(nil, tx.watches, cmds))
		if err != nil {
			return appendErrStr(out, err.Error())
		}
		if bytes.HasPrefix(reply, []byte("*-1\r\n")) {
			return appendNullArray(out, cl.proto.Load()) // aborted by WATCH
		}
		if reply[0] != '*' {
			return append(out, reply...) // an error
		}
		if replies, err = splitArray(reply); err != nil || len(replies) != len(cmds) {
			return appendErrStr(out, "ERR internal: malformed transaction reply")
		}
	}
	out = redcon.AppendArray(out, len(tx.queue))
	// EXEC's shape is raw: for a RESP3 client each element is converted
	// here by its own command .
	if cl.proto.Load() != 3 {
		for _, q := range tx.queue {
			if q.local != nil {
				out = q.local.run(s, cl, q.args, out)
				continue
			}
			out = append(out, replies[0]...)
			replies = replies[1:]
		}
		return out
	}
	var one []byte
	for _, q := range tx.queue {
		args := q.args
		if q.local != nil {
			one = q.local.run(s, cl, q.args, one[:0])
		} else {
			one = append(one[:0], replies[0]...)
			args, cmds = cmds[0].Args, cmds[1:] // wrapped: a script's reply is RESP3 already
			replies = replies[1:]
		}
		out = appendRESP3(out, args, one)
	}
	return out
}

// readCommand runs a read-only data command with the connection's
// consistency: local for READONLY, linearizable on the leader, else
// through the leader.
func (s *Server) readCommand(cl *client, db int, args [][]byte) ([]byte, error) {
	if cl.readonly || s.node.IsLeader() {
		if !cl.readonly {
			if err := s.node.ReadBarrier(context.Background()); err != nil {
				if errors.Is(err, raftnode.ErrNotLeader) {
					return nil, raftnode.ErrNotApplied
				}
				return nil, err
			}
		}
		return s.fsm.Read(db, s.node.Now(), args, nil), nil
	}
	if cl.peer {
		return nil, raftnode.ErrNotApplied
	}
	return s.proxyOneDB(db, args)
}

// writeCommand proposes a write (db is carried inside QUORIS.TX) on the
// leader and waits, or proxies it.
func (s *Server) writeCommand(cl *client, args [][]byte) ([]byte, error) {
	if s.node.IsLeader() {
		entry := fsm.AppendEntry(nil, fsm.KindCommand, 0, s.node.Now(), args)
		reply, err := raftnode.Result(s.node.Propose(entry))
		if err == nil {
			return reply, nil
		}
		if !errors.Is(err, raftnode.ErrNotLeader) {
			if errors.Is(err, raftnode.ErrUncertain) {
				s.stats.uncertain.Add(1)
			}
			return nil, err
		}
		// Refused before logging: safe to send to the new leader.
	}
	if cl.peer {
		return nil, raftnode.ErrNotApplied
	}
	return s.proxyOneDB(-1, args)
}

// splitArray returns the raw elements of a RESP array reply.
func splitArray(reply []byte) ([][]byte, error) {
	rd := bufio.NewReader(bytes.NewReader(reply))
	line, err := rd.ReadSlice('\n')
	if err != nil || len(line) < 4 || line[0] != '*' {
		return nil, errBadReply
	}
	n, err := strconv.Atoi(string(line[1 : len(line)-2]))
	if err != nil || n < 0 {
		return nil, errBadReply
	}
	out := make([][]byte, n)
	for i := range out {
		if out[i], err = appendReply(nil, rd); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseIntArray decodes an array of integers.
func parseIntArray(reply []byte) ([]int64, bool) {
	elems, err := splitArray(reply)
	if err != nil {
		return nil, false
	}
	out := make([]int64, len(elems))
	for i, e := range elems {
		if len(e) < 4 || e[0] != ':' {
			return nil, false
		}
		n, err := strconv.ParseInt(string(e[1:len(e)-2]), 10, 64)
		if err != nil {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}
