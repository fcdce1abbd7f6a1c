package resp

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/datatypes"
	"github.com/quoris/quoris/fsm"
)

// Authentication and ACL enforcement happen on the node the client is
// connected to: every node holds the same users (replicated state), so a
// follower checks a command before it proxies it, and the leader trusts
// what a peer connection (QUORIS.PEER with the cluster's secret) sends.

const (
	errNoAuth    = "NOAUTH Authentication required."
	errWrongPass = "WRONGPASS invalid username-password pair or user is disabled."
)

// aclDenied is the result of an ACL check.
type aclDenied int

const (
	aclOK aclDenied = iota
	aclDeniedCmd
	aclDeniedKey
	aclDeniedChannel
)

// clientUser is the connection's user name ("default" until AUTH).
func (c *client) userName() string {
	if c.user == "" {
		return "default"
	}
	return c.user
}

// lockedUser is userName for another connection's goroutine.
func (c *client) lockedUser() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.userName()
}

func (c *client) setUser(name string, authed bool) {
	c.mu.Lock()
	c.user, c.authed = name, authed
	c.mu.Unlock()
}

// authCheck runs before a command is dispatched or queued: the reply is
// the error to give instead of running it ("" to run it). Unknown
// commands and wrong arities are left to the dispatcher, as Redis
// reports them first.
func (s *Server) authCheck(cl *client, args [][]byte) string {
	if cl.peer {
		return ""
	}
	a := s.fsm.ACL()
	u := a.Get(cl.userName())
	if u == nil {
		// The user was deleted and closeDeletedUsers has not closed the
		// connection yet: Redis would have, so nothing more runs on it.
		_ = cl.conn.NetConn().Close()
		return errNoAuth
	}
	open := !a.AuthRequired()
	if open && u.Name == "default" && u.Unrestricted() {
		return "" // no ACL in force: the common case costs one map lookup
	}
	x := s.aclIdx()
	i, sp := s.aclLookup(x, args)
	if i < 0 {
		return ""
	}
	if !cl.authed && !open && !sp.Has("no_auth") {
		if isRaftJoin(args) && s.joinProven(cl, args) {
			// A node proving membership needs no user: --join works under
			// requirepass with tls-cluster or cluster-secret alone.
			return ""
		}
		return errNoAuth
	}
	if sp.Has("no_auth") {
		return ""
	}
	res, obj := s.aclCheckCmd(x, u, i, sp, args)
	if res == aclOK {
		return ""
	}
	ctx := "toplevel"
	if cl.tx.active {
		ctx = "multi"
	}
	s.aclLog.add(cl, res, ctx, obj, u.Name)
	return "NOPERM " + aclErrMsg(res, u.Name, x.cmds[i].name, obj, false)
}

// authGate is authCheck plus what Redis's rejectCommand does inside
// MULTI: the transaction is flagged, and a refused EXEC discards it.
func (s *Server) authGate(cl *client, args [][]byte) string {
	msg := s.authCheck(cl, args)
	if msg == "" {
		return ""
	}
	if strings.EqualFold(string(args[0]), "exec") {
		// Redis's execCommandAbort, in or out of MULTI.
		cl.tx.reset()
		return "EXECABORT Transaction discarded because of: " + msg
	}
	cl.tx.failed = cl.tx.failed || cl.tx.active
	return msg
}

// aclLookup finds the command (a container's subcommand when it has
// one) and its spec; -1 if the dispatcher will refuse it anyway.
func (s *Server) aclLookup(x *aclIndex, args [][]byte) (int, *fsm.Spec) {
	sp := s.specOf(args)
	if sp == nil || !sp.ArityOK(len(args)) {
		return -1, nil
	}
	i, ok := x.byName[sp.Name]
	if !ok {
		return -1, nil
	}
	if len(x.cmds[i].subs) > 0 && len(args) > 1 {
		j, ok := x.byName[sp.Name+"|"+strings.ToLower(string(args[1]))]
		if !ok {
			return -1, nil // the container answers "unknown subcommand"
		}
		for _, sc := range subcommandsOf(sp.Name) {
			if sc.Name == strings.ToLower(string(args[1])) {
				if !sc.ArityOK(len(args)) {
					return -1, nil
				}
				sp = &sc.Spec
			}
		}
		i = j
	}
	return i, sp
}

// aclCheckCmd is ACLCheckAllUserCommandPerm: allowed when any of the
// user's selectors allows it; else the most relevant refusal (a channel
// over a key over the command; between two keys or channels, the later
// argument). obj is what was refused.
func (s *Server) aclCheckCmd(x *aclIndex, u *fsm.ACLUser, i int, sp *fsm.Spec, args [][]byte) (aclDenied, string) {
	res, obj, at := s.aclSelectorCheck(x, &u.ACLSelector, i, sp, args)
	for _, sel := range u.Selectors {
		if res == aclOK {
			break
		}
		r, o, n := s.aclSelectorCheck(x, sel, i, sp, args)
		if r == aclOK || r > res || r == res && n > at {
			res, obj, at = r, o, n
		}
	}
	return res, obj
}

// aclSelectorCheck is ACLSelectorCheckCmd: the command bit, then each key
// against the patterns with its read/write access, then each published or
// subscribed channel. at orders refusals of one kind by argument.
func (s *Server) aclSelectorCheck(x *aclIndex, sel *fsm.ACLSelector, i int, sp *fsm.Spec, args [][]byte) (res aclDenied, obj string, at int) {
	if !x.can(s.permsOf(sel), i, args) {
		return aclDeniedCmd, x.cmds[i].name, 0
	}
	if !sel.AllKeys {
		if k, n, ok := s.deniedKey(sel, sp, args); !ok {
			return aclDeniedKey, k, n
		}
	}
	if !sel.AllChannels {
		for n, ch := range channelArgs(sp.Name, args) {
			if !channelAllowed(sel.Channels, ch.name, ch.pattern) {
				return aclDeniedChannel, ch.name, n
			}
		}
	}
	return aclOK, "", 0
}

func (s *Server) deniedKey(sel *fsm.ACLSelector, sp *fsm.Spec, args [][]byte) (string, int, bool) {
	var keys [][]byte
	if c := s.table.Lookup(args[0]); c != nil && &c.Spec == sp {
		keys = c.KeyArgs(args)
	} else if s.lookupLocal(args[0]) != nil {
		var err string
		if sp, keys, err = getKeys(s.commandTable(), s.table, args); err != "" {
			return "", 0, true
		}
	}
	for n, k := range keys {
		flags := sp.KeyFlags(args, n)
		if slices.Contains(flags, "not_key") {
			continue
		}
		need := 0
		for _, f := range flags {
			switch f {
			case "access":
				need |= fsm.KeyRead
			case "insert", "delete", "update":
				need |= fsm.KeyWrite
			}
		}
		ok := false
		for _, p := range sel.Keys {
			if p.Perm&need == need && datatypes.Match(p.Pattern, string(k), false) {
				ok = true
				break
			}
		}
		if !ok {
			return string(k), n, false
		}
	}
	return "", 0, true
}

type channelArg struct {
	name    string
	pattern bool
}

// channelArgs are the channels a command publishes or subscribes to
// (Redis's CMD_CHANNEL_PUBLISH / SUBSCRIBE); unsubscribing is always
// allowed.
func channelArgs(name string, args [][]byte) []channelArg {
	var out []channelArg
	switch name {
	case "subscribe", "ssubscribe", "psubscribe":
		for _, a := range args[1:] {
			out = append(out, channelArg{string(a), name == "psubscribe"})
		}
	case "publish", "spublish":
		out = append(out, channelArg{string(args[1]), false})
	}
	return out
}

// channelAllowed is ACLCheckChannelAgainstList: a pattern subscription
// must be one of the user's patterns literally.
func channelAllowed(list []string, ch string, isPattern bool) bool {
	for _, p := range list {
		if isPattern && p == ch || !isPattern && datatypes.Match(p, ch, false) {
			return true
		}
	}
	return false
}

// aclErrMsg is Redis 7.0.15's text: the NOPERM reply, or with verbose
// ACL DRYRUN's.
func aclErrMsg(res aclDenied, user, cmd, obj string, verbose bool) string {
	lead := "this user"
	if verbose {
		lead = "This user"
	}
	switch res {
	case aclDeniedCmd:
		return lead + " has no permissions to run the '" + cmd + "' command"
	case aclDeniedKey:
		if verbose {
			return lead + " has no permissions to access the '" + obj + "' key"
		}
		return lead + " has no permissions to access one of the keys used as arguments"
	case aclDeniedChannel:
		if verbose {
			return lead + " has no permissions to access the '" + obj + "' channel"
		}
		return lead + " has no permissions to access one of the channels used as arguments"
	}
	return ""
}

// authenticate is ACLAuthenticateUser: on success the connection becomes
// the user; a failure is logged.
func (s *Server) authenticate(cl *client, user string, pass []byte) bool {
	if u := s.fsm.ACL().CheckPassword(user, pass); u != nil {
		cl.setUser(u.Name, true)
		return true
	}
	ctx := "toplevel"
	if cl.tx.active {
		ctx = "multi"
	}
	s.aclLog.addAuth(cl, ctx, user)
	return false
}

func authCommands() []*localCmd {
	return []*localCmd{
		{Spec: fsm.Spec{Name: "auth", Arity: -2, Flags: []string{"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"}, Group: "connection",
			Summary: "Authenticate to the server", Since: "1.0.0", Complexity: "O(N) where N is the number of passwords defined for the user"},
			run: cmdAuth},
		containerCmd(fsm.Spec{Name: "acl", Arity: -2, Group: "server",
			Summary: "A container for Access List Control commands ", Since: "6.0.0", Complexity: "Depends on subcommand."}),
	}
}

func cmdAuth(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if len(args) > 3 {
		return appendSyntaxErr(out)
	}
	user, pass := "default", args[len(args)-1]
	if len(args) == 2 {
		if d := s.fsm.ACL().Get("default"); d == nil || d.NoPass {
			return appendErrStr(out, "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
		}
	} else {
		user = string(args[1])
	}
	if !s.authenticate(cl, user, pass) {
		return appendErrStr(out, errWrongPass)
	}
	return redcon.AppendOK(out)
}

// peerToken is what QUORIS.PEER carries: derived from the replicated
// secret, so the secret itself never crosses the client port.
func peerToken(secret string) string {
	if secret == "" {
		return ""
	}
	h := sha256.Sum256([]byte("quoris-peer\x00" + secret))
	return hex.EncodeToString(h[:])
}

// peerArgs is the QUORIS.PEER handshake this node sends.
func (s *Server) peerArgs() [][]byte {
	if t := peerToken(s.fsm.ACL().PeerSecret); t != "" {
		return [][]byte{[]byte("QUORIS.PEER"), []byte(t)}
	}
	return [][]byte{[]byte("QUORIS.PEER")}
}

// peerAllowed checks a QUORIS.PEER handshake: once the cluster has a
// secret, only a node that knows it may become a peer (peers bypass ACL).
func (s *Server) peerAllowed(args [][]byte) bool {
	a := s.fsm.ACL()
	if a.PeerSecret == "" {
		return !a.AuthRequired()
	}
	return len(args) == 2 && string(args[1]) == peerToken(a.PeerSecret)
}

// peerSecretFor makes sure peers can authenticate before a CONFIG SET
// requirepass (name, value pairs) turns authentication on.
func (s *Server) peerSecretFor(cl *client, nameValues [][]byte) error {
	for i := 0; i+1 < len(nameValues); i += 2 {
		if strings.EqualFold(string(nameValues[i]), "requirepass") && len(nameValues[i+1]) > 0 {
			return s.ensurePeerSecret(cl)
		}
	}
	return nil
}

// scriptAsUser sends a restricted user's EVAL/FCALL as QUORIS.ASUSER, so
// the script's redis.call is checked for that user on every node (see
// fsm/acl_script.go). Unrestricted users' scripts go as they are.
func (s *Server) scriptAsUser(cl *client, c *fsm.Command, args [][]byte) ([][]byte, *fsm.Command) {
	if cl.peer || !fsm.AsUserWraps(c.Name) {
		return args, c
	}
	u := s.fsm.ACL().Get(cl.userName())
	if u == nil || u.Unrestricted() {
		return args, c
	}
	wrapped := append([][]byte{[]byte("QUORIS.ASUSER"), []byte(u.Name)}, args...)
	return wrapped, s.table.Lookup(wrapped[0])
}

// unwrapScript returns the script command inside QUORIS.RESP3 and
// QUORIS.ASUSER wrappers.
func (s *Server) unwrapScript(c *fsm.Command, args [][]byte) (*fsm.Command, [][]byte) {
	for {
		skip := 0
		switch {
		case c.Name == "quoris.resp3" && len(args) >= 2:
			skip = 1
		case c.Name == "quoris.asuser" && len(args) >= 3:
			skip = 2
		default:
			return c, args
		}
		inner := s.table.Lookup(args[skip])
		if inner == nil {
			return c, args
		}
		c, args = inner, args[skip:]
	}
}

// scriptACL is the check fsm runs for a script's redis.call: the same as
// a client's, from the replicated users only.
func (s *Server) scriptACL(user string, args [][]byte) string {
	x := s.aclIdx()
	u := s.fsm.ACL().Get(user)
	i, sp := s.aclLookup(x, args)
	if i < 0 {
		return ""
	}
	res := aclDeniedCmd
	if u != nil {
		res, _ = s.aclCheckCmd(x, u, i, sp, args)
	}
	// Redis 7.0.15's scriptVerifyACL texts.
	switch res {
	case aclDeniedCmd:
		return "The user executing the script can't run this command or subcommand"
	case aclDeniedKey:
		return "The user executing the script can't access at least one of the keys mentioned in the command arguments"
	case aclDeniedChannel:
		return "The user executing the script can't publish to the channel mentioned in the command"
	}
	return ""
}

func isRaftJoin(args [][]byte) bool {
	return len(args) >= 2 && strings.EqualFold(string(args[0]), "raft") && strings.EqualFold(string(args[1]), "join")
}
