package resp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// MIGRATE talks to another server, which the FSM must never do (apply is
// deterministic and offline), so it runs here on the leader: linearizable
// reads of DUMP and PTTL, RESTOREs sent to the target, then one logged DEL
// of the keys the target accepted. Between the read and the DEL another
// client may change a key; Redis excludes that by running MIGRATE in its
// single thread. quoris documents the window (docs/sort-dump-restore.md)
// rather than stall the log for a network round trip.
func migrateCommands() []*localCmd {
	return []*localCmd{
		{Spec: fsm.Spec{Name: "migrate", Arity: -6, Flags: []string{"write", "movablekeys", "@keyspace", "@dangerous"},
			FirstKey: 3, LastKey: 3, Step: 1, Keys: migrateKeys, Group: "generic",
			Summary: "Atomically transfer a key from a Redis instance to another one.", Since: "2.6.0",
			Complexity: "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed."},
			run: migrateCmd},
	}
}

// migrateKeys is Redis's migrateGetKeys: argv[3], or everything after
// KEYS (skipping AUTH's and AUTH2's values) when the key is "".
func migrateKeys(args [][]byte) [][]byte {
	for i := 6; i < len(args); i++ {
		switch strings.ToLower(string(args[i])) {
		case "keys":
			if len(args[3]) > 0 {
				return nil
			}
			return args[i+1:]
		case "auth":
			i++
		case "auth2":
			i += 2
		}
	}
	return args[3:4]
}

type migrateReq struct {
	addr           string
	db             int64
	timeout        time.Duration
	copy, replace  bool
	user, password []byte
	keys           [][]byte
}

var errMigrateKeysArg = errors.New("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string")

func parseMigrate(args [][]byte) (*migrateReq, error) {
	r := &migrateReq{keys: args[3:4]}
	for j := 6; j < len(args); j++ {
		more := len(args) - 1 - j
		switch strings.ToLower(string(args[j])) {
		case "copy":
			r.copy = true
		case "replace":
			r.replace = true
		case "auth":
			if more < 1 {
				return nil, fsm.ErrSyntax
			}
			j++
			r.password = args[j]
		case "auth2":
			if more < 2 {
				return nil, fsm.ErrSyntax
			}
			r.user, r.password = args[j+1], args[j+2]
			j += 2
		case "keys":
			if len(args[3]) != 0 {
				return nil, errMigrateKeysArg
			}
			r.keys = args[j+1:]
			j = len(args)
		default:
			return nil, fsm.ErrSyntax
		}
	}
	timeout, ok1 := datatypes.ParseInt(args[5])
	db, ok2 := datatypes.ParseInt(args[4])
	if !ok1 || !ok2 {
		return nil, fsm.ErrNotInteger
	}
	if timeout <= 0 {
		timeout = 1000
	}
	r.addr = net.JoinHostPort(string(args[1]), string(args[2]))
	r.db, r.timeout = db, time.Duration(timeout)*time.Millisecond
	return r, nil
}

func migrateCmd(s *Server, cl *client, args [][]byte, out []byte) []byte {
	req, err := parseMigrate(args)
	if err != nil {
		return appendErrStr(out, err.Error())
	}
	db := cl.DB()
	if !s.node.IsLeader() {
		if cl.peer {
			return appendErrStr(out, raftnode.ErrNotApplied.Error())
		}
		reply, err := s.proxyOneDB(db, args)
		if err != nil {
			return appendErrStr(out, err.Error())
		}
		return append(out, reply...)
	}
	type dumped struct {
		key, payload []byte
		ttl          int64
	}
	// One read barrier covers every key's DUMP and PTTL: what this leader
	// has applied after it is linearizable.
	if err := s.node.ReadBarrier(context.Background()); err != nil {
		if errors.Is(err, raftnode.ErrNotLeader) {
			err = raftnode.ErrNotApplied
		}
		return appendErrStr(out, err.Error())
	}
	var items []dumped
	for _, k := range req.keys {
		payload := s.fsm.Read(db, s.node.Now(), [][]byte{[]byte("DUMP"), k}, nil)
		if payload[0] != '$' || bytes.HasPrefix(payload, []byte("$-1")) {
			continue // missing, or expired since: Redis skips it too
		}
		pttl := s.fsm.Read(db, s.node.Now(), [][]byte{[]byte("PTTL"), k}, nil)
		ttl, _ := strconv.ParseInt(string(bytes.TrimSpace(pttl[1:])), 10, 64)
		if ttl == -2 {
			continue
		}
		items = append(items, dumped{key: k, payload: bulkBody(payload), ttl: max(ttl, 0)})
	}
	if len(items) == 0 {
		return append(out, "+NOKEY\r\n"...)
	}
	var wr []byte
	if req.password != nil {
		auth := [][]byte{[]byte("AUTH"), req.password}
		if req.user != nil {
			auth = [][]byte{[]byte("AUTH"), req.user, req.password}
		}
		wr = appendCommand(wr, auth)
	}
	wr = appendCommand(wr, [][]byte{[]byte("SELECT"), []byte(strconv.FormatInt(req.db, 10))})
	for _, it := range items {
		cmd := [][]byte{[]byte("RESTORE"), it.key, []byte(strconv.FormatInt(it.ttl, 10)), it.payload}
		if req.replace {
			cmd = append(cmd, []byte("REPLACE"))
		}
		wr = appendCommand(wr, cmd)
	}
	conn, err := net.DialTimeout("tcp", req.addr, req.timeout)
	if err != nil {
		// Redis connects without blocking and notices at the first write.
		return appendErrStr(out, "IOERR error or timeout writing to target instance")
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(req.timeout))
	if _, err := conn.Write(wr); err != nil {
		return appendErrStr(out, "IOERR error or timeout writing to target instance")
	}
	rd := bufio.NewReader(conn)
	var authReply, selectReply []byte
	if req.password != nil {
		if authReply, err = appendReply(nil, rd); err != nil {
			return appendErrStr(out, "IOERR error or timeout reading to target instance")
		}
	}
	if selectReply, err = appendReply(nil, rd); err != nil {
		return appendErrStr(out, "IOERR error or timeout reading to target instance")
	}
	var moved [][]byte
	var targetErr []byte
	socketErr := false
	for _, it := range items {
		reply, err := appendReply(nil, rd)
		if err != nil {
			socketErr = true
			break
		}
		switch {
		case len(authReply) > 0 && authReply[0] == '-':
			reply = authReply
		case selectReply[0] == '-':
			reply = selectReply
		}
		if reply[0] == '-' {
			if targetErr == nil {
				targetErr = bytes.TrimRight(reply[1:], "\r\n")
			}
			continue
		}
		moved = append(moved, it.key)
	}
	if !req.copy && len(moved) > 0 {
		tx := fsm.AppendTx(nil, nil, []fsm.TxCmd{{DB: db, Args: append([][]byte{[]byte("DEL")}, moved...)}})
		if _, err := s.writeCommand(cl, tx); err != nil {
			return appendErrStr(out, err.Error())
		}
	}
	switch {
	case targetErr != nil:
		return appendErrStr(out, "ERR Target instance replied with error: "+string(targetErr))
	case socketErr:
		return appendErrStr(out, "IOERR error or timeout reading to target instance")
	}
	return append(out, "+OK\r\n"...)
}

// bulkBody is the payload of a bulk-string reply.
func bulkBody(reply []byte) []byte {
	i := bytes.IndexByte(reply, '\n')
	return reply[i+1 : len(reply)-2]
}
