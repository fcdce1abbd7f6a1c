package resp

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/redisconf"
)

func aclSubcommands() []*subCmd {
	admin := []string{"admin", "noscript", "loading", "stale"}
	plain := []string{"noscript", "loading", "stale"}
	spec := func(name string, arity int, flags []string, summary, complexity string) fsm.Spec {
		return fsm.Spec{Name: name, Arity: arity, Flags: flags, Group: "server", Summary: summary, Since: "6.0.0", Complexity: complexity}
	}
	dry := spec("dryrun", -4, admin, "Returns whether the user can execute the given command without executing the command.", "O(1).")
	dry.Since = "7.0.0"
	return []*subCmd{
		{Spec: spec("cat", -2, plain, "List the ACL categories or the commands inside a category", "O(1) since the categories and commands are a fixed set."), run: aclCat},
		{Spec: spec("deluser", -3, admin, "Remove the specified ACL users and the associated rules", "O(1) amortized time considering the typical user."), run: aclDelUser},
		{Spec: dry, run: aclDryRun},
		{Spec: spec("genpass", -2, plain, "Generate a pseudorandom secure password to use for ACL users", "O(1)"), run: aclGenPass},
		{Spec: spec("getuser", 3, admin, "Get the rules for a specific ACL user", "O(N). Where N is the number of password, command and pattern rules that the user has."), run: aclGetUser},
		{Spec: spec("list", 2, admin, "List the current ACL rules in ACL config file format", "O(N). Where N is the number of configured users."), run: aclList},
		{Spec: spec("load", 2, admin, "Reload the ACLs from the configured ACL file", "O(N). Where N is the number of configured users."), run: aclLoad},
		{Spec: spec("log", -2, admin, "List latest events denied because of ACLs in place", "O(N) with N being the number of entries shown."), run: aclLogCmd},
		{Spec: spec("save", 2, admin, "Save the current ACL rules in the configured ACL file", "O(N). Where N is the number of configured users."), run: aclSave},
		{Spec: spec("setuser", -3, admin, "Modify or create the rules for a specific ACL user", "O(N). Where N is the number of rules provided."), run: aclSetUser},
		{Spec: spec("users", 2, admin, "List the username of all the configured ACL rules", "O(N). Where N is the number of configured users."), run: aclUsers},
		{Spec: spec("whoami", 2, plain, "Return the name of the user associated to the current connection", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return redcon.AppendBulkString(out, cl.userName())
			}},
		{Spec: spec("help", 2, []string{"loading", "stale"}, "Show helpful text about the different subcommands", "O(1)"),
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				return appendHelp(out, "acl", aclHelp)
			}},
	}
}

var aclHelp = []string{
	"CAT [<category>]",
	"    List all commands that belong to <category>, or all command categories",
	"    when no category is specified.",
	"DELUSER <username> [<username> ...]",
	"    Delete a list of users.",
	"DRYRUN <username> <command> [<arg> ...]",
	"    Returns whether the user can execute the given command without executing the command.",
	"GETUSER <username>",
	"    Get the user's details.",
	"GENPASS [<bits>]",
	"    Generate a secure 256-bit user password. The optional `bits` argument can",
	"    be used to specify a different size.",
	"LIST",
	"    Show users details in config file format.",
	"LOAD",
	"    Reload users from the ACL file.",
	"LOG [<count> | RESET]",
	"    Show the ACL log entries.",
	"SAVE",
	"    Save the current config to the ACL file.",
	"SETUSER <username> <attribute> [<attribute> ...]",
	"    Create or modify a user with the specified attributes.",
	"USERS",
	"    List all the registered usernames.",
	"WHOAMI",
	"    Return the current connection username.",
}

// checkOps validates SETUSER ops as Redis does, in order, against a copy
// of the user, and returns them as they are logged: passwords hashed
// (">p" becomes "#sha", "<p" becomes "!sha"), so no clear-text password
// is ever in the raft log or a snapshot.
func (s *Server) checkOps(u *fsm.ACLUser, ops [][]byte) ([][]byte, error) {
	x := s.aclIdx()
	p := x.compile(u.CmdAll, u.CmdRules)
	out := make([][]byte, 0, len(ops))
	for _, raw := range ops {
		op := string(raw)
		if len(op) > 1 && op[0] == '(' && op[len(op)-1] == ')' {
			// A selector's command rules, checked from an empty selector,
			// in order with its other rules: the first bad one names the
			// error, as Redis's ACLSetSelector.
			sel, perms := &fsm.ACLSelector{}, x.compile(false, nil)
			for _, o := range fsm.SelectorOps(op) {
				err := sel.Apply(o)
				if err == nil {
					err = checkCmdRule(x, perms, o)
				}
				if err != nil {
					return nil, fsm.SetUserError(op, err)
				}
			}
		} else if err := checkCmdRule(x, p, op); err != nil {
			return nil, fsm.SetUserError(op, err)
		}
		if err := u.Apply(op); err != nil {
			return nil, fsm.SetUserError(op, err)
		}
		switch {
		case len(op) > 0 && op[0] == '>':
			op = "#" + fsm.HashPassword(raw[1:])
		case len(op) > 0 && op[0] == '<':
			op = "!" + fsm.HashPassword(raw[1:])
		}
		out = append(out, []byte(op))
	}
	return out, nil
}

// checkCmdRule applies op to p when it is a command rule, with Redis's
// error for a name no command or category has.
func checkCmdRule(x *aclIndex, p *aclPerms, op string) error {
	low := strings.ToLower(op)
	if len(op) > 1 && (op[0] == '+' || op[0] == '-') && low != "+@all" && low != "-@all" {
		return x.apply(p, op)
	}
	if low == "+@all" || low == "-@all" || low == "allcommands" || low == "nocommands" || low == "reset" {
		x.apply(p, map[bool]string{true: "+@all", false: "-@all"}[low == "+@all" || low == "allcommands"])
	}
	return nil
}

// mergeSelectors joins the arguments of a selector split by the client
// ("(+get" "~k*)") as Redis's ACL SETUSER does.
func mergeSelectors(args [][]byte) ([][]byte, error) {
	strs := make([]string, len(args))
	for i, a := range args {
		strs[i] = string(a)
	}
	merged, bad, ok := fsm.MergeSelectorArgs(strs)
	if !ok {
		return nil, fsm.ErrUnmatchedSelector(bad)
	}
	out := make([][]byte, len(merged))
	for i, m := range merged {
		out[i] = []byte(m)
	}
	return out, nil
}

// proposeACL logs an ACL change, creating the cluster's peer secret first
// if there is none yet (peers must authenticate once users matter).
func (s *Server) proposeACL(cl *client, args ...[]byte) ([]byte, error) {
	if err := s.ensurePeerSecret(cl); err != nil {
		return nil, err
	}
	return s.writeCommand(cl, append([][]byte{[]byte("QUORIS.ACL")}, args...))
}

// ensurePeerSecret logs a random secret if the cluster has none. The
// first one logged wins (QUORIS.ACL SECRET never replaces it), so two
// nodes racing here agree.
func (s *Server) ensurePeerSecret(cl *client) error {
	if s.fsm.ACL().PeerSecret != "" {
		return nil
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	_, err := s.writeCommand(cl, [][]byte{[]byte("QUORIS.ACL"), []byte("SECRET"), []byte(hex.EncodeToString(b[:]))})
	return err
}

func aclSetUser(s *Server, cl *client, args [][]byte, out []byte) []byte {
	name := string(args[2])
	if err := fsm.ValidUserName(name); err != nil {
		return appendErrStr(out, err.Error())
	}
	u := s.fsm.ACL().Get(name)
	if u == nil {
		u = fsm.NewACLUser(name)
	} else {
		u = u.Clone()
	}
	ops, err := mergeSelectors(args[3:])
	if err != nil {
		return appendErrStr(out, err.Error())
	}
	if ops, err = s.checkOps(u, ops); err != nil {
		return appendErrStr(out, err.Error())
	}
	return s.appendProposal(cl, out, append([][]byte{[]byte("SETUSER"), args[2]}, ops...))
}

func (s *Server) appendProposal(cl *client, out []byte, args [][]byte) []byte {
	reply, err := s.proposeACL(cl, args...)
	if err != nil {
		return appendErrStr(out, err.Error())
	}
	return append(out, reply...)
}

func aclDelUser(s *Server, cl *client, args [][]byte, out []byte) []byte {
	return s.appendProposal(cl, out, append([][]byte{[]byte("DELUSER")}, args[2:]...))
}

func aclUsers(s *Server, cl *client, args [][]byte, out []byte) []byte {
	names := s.fsm.ACL().Names()
	out = redcon.AppendArray(out, len(names))
	for _, n := range names {
		out = redcon.AppendBulkString(out, n)
	}
	return out
}

// describeUser is ACLDescribeUser: flags, passwords, keys, channels,
// commands.
func (s *Server) describeUser(u *fsm.ACLUser) string {
	var b strings.Builder
	for _, f := range userFlags(u) {
		b.WriteString(f + " ")
	}
	for _, p := range u.Passwords {
		b.WriteString("#" + p + " ")
	}
	b.WriteString(s.describeSelector(&u.ACLSelector))
	for _, sel := range u.Selectors {
		b.WriteString(" (" + s.describeSelector(sel) + ")")
	}
	return b.String()
}

// describeSelector is Redis's ACLDescribeSelector: keys, channels (after
// resetchannels unless all), then the command rules.
func (s *Server) describeSelector(sel *fsm.ACLSelector) string {
	var b strings.Builder
	if sel.AllKeys {
		b.WriteString("~* ")
	} else {
		for _, k := range sel.Keys {
			b.WriteString(k.String() + " ")
		}
	}
	if sel.AllChannels {
		b.WriteString("&* ")
	} else {
		b.WriteString("resetchannels ")
		for _, c := range sel.Channels {
			b.WriteString("&" + c + " ")
		}
	}
	b.WriteString(s.aclIdx().describe(s.permsOf(sel), sel.CmdAll))
	return b.String()
}

func userFlags(u *fsm.ACLUser) []string {
	var f []string
	if u.Enabled {
		f = append(f, "on")
	} else {
		f = append(f, "off")
	}
	if u.NoPass {
		f = append(f, "nopass")
	}
	switch u.Sanitize {
	case 2:
		f = append(f, "skip-sanitize-payload")
	case 1:
		f = append(f, "sanitize-payload")
	}
	return f
}

func aclList(s *Server, cl *client, args [][]byte, out []byte) []byte {
	a := s.fsm.ACL()
	names := a.Names()
	out = redcon.AppendArray(out, len(names))
	for _, n := range names {
		out = redcon.AppendBulkString(out, "user "+n+" "+s.describeUser(a.Get(n)))
	}
	return out
}

func aclGetUser(s *Server, cl *client, args [][]byte, out []byte) []byte {
	u := s.fsm.ACL().Get(string(args[2]))
	if u == nil {
		return redcon.AppendNull(out)
	}
	out = redcon.AppendArray(out, 12)
	out = redcon.AppendBulkString(out, "flags")
	flags := userFlags(u)
	out = redcon.AppendArray(out, len(flags))
	for _, f := range flags {
		out = redcon.AppendBulkString(out, f)
	}
	out = redcon.AppendBulkString(out, "passwords")
	out = redcon.AppendArray(out, len(u.Passwords))
	for _, p := range u.Passwords {
		out = redcon.AppendBulkString(out, p)
	}
	out = s.appendSelectorFields(out, &u.ACLSelector)
	out = redcon.AppendBulkString(out, "selectors")
	out = redcon.AppendArray(out, len(u.Selectors))
	for _, sel := range u.Selectors {
		out = redcon.AppendArray(out, 6)
		out = s.appendSelectorFields(out, sel)
	}
	return out
}

// appendSelectorFields is the commands, keys and channels fields of ACL
// GETUSER, for the user or one of its selectors.
func (s *Server) appendSelectorFields(out []byte, sel *fsm.ACLSelector) []byte {
	out = redcon.AppendBulkString(out, "commands")
	out = redcon.AppendBulkString(out, s.aclIdx().describe(s.permsOf(sel), sel.CmdAll))
	var keys, chans []string
	if sel.AllKeys {
		keys = []string{"~*"}
	}
	for _, k := range sel.Keys {
		keys = append(keys, k.String())
	}
	if sel.AllChannels {
		chans = []string{"&*"}
	}
	for _, c := range sel.Channels {
		chans = append(chans, "&"+c)
	}
	out = redcon.AppendBulkString(out, "keys")
	out = redcon.AppendBulkString(out, strings.Join(keys, " "))
	out = redcon.AppendBulkString(out, "channels")
	return redcon.AppendBulkString(out, strings.Join(chans, " "))
}

func aclCat(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if len(args) > 3 {
		return appendErrStr(out, arityErr("acl|cat"))
	}
	if len(args) == 2 {
		cats := aclCategoryOrder()
		out = redcon.AppendArray(out, len(cats))
		for _, c := range cats {
			out = redcon.AppendBulkString(out, c)
		}
		return out
	}
	bit := catBit(strings.ToLower(string(args[2])))
	if bit < 0 {
		return appendErrStr(out, "ERR Unknown category '"+sanitize(args[2], 128)+"'")
	}
	x := s.aclIdx()
	var names []string
	for _, c := range x.cmds {
		if c.cats&(1<<bit) != 0 && !strings.HasPrefix(c.name, "quoris.") {
			names = append(names, c.name)
		}
	}
	out = redcon.AppendArray(out, len(names))
	for _, n := range names {
		out = redcon.AppendBulkString(out, n)
	}
	return out
}

func aclGenPass(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if len(args) > 3 {
		return appendErrStr(out, arityErr("acl|genpass"))
	}
	bits := int64(256)
	if len(args) == 3 {
		n, err := strconv.ParseInt(string(args[2]), 10, 64)
		if err != nil || n <= 0 || n > 4096 {
			return appendErrStr(out, "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
		}
		bits = n
	}
	chars := (bits + 3) / 4
	b := make([]byte, (chars+1)/2)
	if _, err := rand.Read(b); err != nil {
		return appendErrStr(out, "ERR "+err.Error())
	}
	return redcon.AppendBulkString(out, hex.EncodeToString(b)[:chars])
}

func aclDryRun(s *Server, cl *client, args [][]byte, out []byte) []byte {
	u := s.fsm.ACL().Get(string(args[2]))
	if u == nil {
		return appendErrStr(out, "ERR User '"+sanitize(args[2], 128)+"' not found")
	}
	cmd := args[3:]
	var sp *fsm.Spec
	if lc := s.lookupLocal(cmd[0]); lc != nil {
		sp = &lc.Spec
	} else if c := s.table.Lookup(cmd[0]); c != nil {
		sp = &c.Spec
	}
	if sp == nil {
		return appendErrStr(out, "ERR Command '"+sanitize(cmd[0], 128)+"' not found")
	}
	if !sp.ArityOK(len(cmd)) {
		return appendErrStr(out, arityErr(sp.Name))
	}
	x := s.aclIdx()
	i, csp := s.aclLookup(x, cmd)
	if i < 0 {
		return appendErrStr(out, "ERR Command '"+sanitize(cmd[0], 128)+"' not found")
	}
	if csp.Has("no_auth") {
		return redcon.AppendOK(out)
	}
	if res, obj := s.aclCheckCmd(x, u, i, csp, cmd); res != aclOK {
		return redcon.AppendBulkString(out, aclErrMsg(res, u.Name, x.cmds[i].name, obj, true))
	}
	return redcon.AppendOK(out)
}

var errNoACLFile = errors.New("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.")

func (s *Server) aclFile() string { return s.conf.get(redisconf.Lookup("aclfile")) }

// aclLoad reads the local node's aclfile and proposes its users through
// the log: every node then holds them (the file itself is node-local).
func aclLoad(s *Server, cl *client, args [][]byte, out []byte) []byte {
	path := s.aclFile()
	if path == "" {
		return appendErrStr(out, errNoACLFile.Error())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return appendErrStr(out, "ERR Error loading ACLs, opening file '"+path+"': "+err.Error())
	}
	load := [][]byte{[]byte("LOAD")}
	seen := map[string]bool{}
	for n, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(strings.TrimSpace(line))
		if len(f) == 0 {
			continue
		}
		where := path + ":" + strconv.Itoa(n+1)
		if f[0] != "user" || len(f) < 2 {
			return appendErrStr(out, "ERR /"+where+": line should start with user keyword. ")
		}
		if seen[f[1]] {
			return appendErrStr(out, "ERR /"+where+": Duplicate user '"+f[1]+"' found. ")
		}
		seen[f[1]] = true
		ops := make([][]byte, len(f)-2)
		for i := range ops {
			ops[i] = []byte(f[i+2])
		}
		ops, err := mergeSelectors(ops)
		if err != nil {
			return appendErrStr(out, "ERR /"+where+": "+strings.TrimPrefix(err.Error(), "ERR ")+" ")
		}
		checked, err := s.checkOps(fsm.NewACLUser(f[1]), ops)
		if err != nil {
			return appendErrStr(out, "ERR /"+where+": "+strings.TrimPrefix(err.Error(), "ERR ")+". ")
		}
		parts := make([]string, len(checked))
		for i, c := range checked {
			parts[i] = string(c)
		}
		load = append(load, []byte(f[1]), []byte(strings.Join(parts, " ")))
	}
	return s.appendProposal(cl, out, load)
}

func aclSave(s *Server, cl *client, args [][]byte, out []byte) []byte {
	path := s.aclFile()
	if path == "" {
		return appendErrStr(out, errNoACLFile.Error())
	}
	a := s.fsm.ACL()
	var b strings.Builder
	for _, n := range a.Names() {
		b.WriteString("user " + n + " " + s.describeUser(a.Get(n)) + "\n")
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return appendErrStr(out, "ERR There was an error trying to save the ACLs. Please check the server logs for more information")
	}
	if err := os.Rename(tmp, path); err != nil {
		return appendErrStr(out, "ERR There was an error trying to save the ACLs. Please check the server logs for more information")
	}
	return redcon.AppendOK(out)
}

// aclLog is the node-local ACL LOG (Redis's, acllog-max-len 128): denied
// commands, keys, channels and failed AUTHs on this node.
type aclLog struct {
	mu      sync.Mutex
	entries []aclLogEntry // newest first
}

type aclLogEntry struct {
	count                         int
	reason, context, object, user string
	created, updated              time.Time
	clientInfo                    string
}

const aclLogMax = 128

func (l *aclLog) add(cl *client, res aclDenied, ctx, obj, user string) {
	reason := map[aclDenied]string{aclDeniedCmd: "command", aclDeniedKey: "key", aclDeniedChannel: "channel"}[res]
	l.record(cl, reason, ctx, obj, user)
}

func (l *aclLog) addAuth(cl *client, ctx, user string) { l.record(cl, "auth", ctx, "AUTH", user) }

// record groups an event with a similar one of the last 60 s, as Redis's
// ACLLogMatchEntry.
func (l *aclLog) record(cl *client, reason, ctx, obj, user string) {
	now := time.Now()
	info := strings.TrimSuffix(string(appendClientInfo(nil, cl, now)), "\n")
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, e := range l.entries {
		if e.reason == reason && e.context == ctx && e.object == obj && e.user == user && now.Sub(e.updated) < 60*time.Second {
			e.count++
			e.updated, e.clientInfo = now, info
			copy(l.entries[1:i+1], l.entries[:i])
			l.entries[0] = e
			return
		}
	}
	l.entries = append([]aclLogEntry{{count: 1, reason: reason, context: ctx, object: obj, user: user, created: now, updated: now, clientInfo: info}}, l.entries...)
	if len(l.entries) > aclLogMax {
		l.entries = l.entries[:aclLogMax]
	}
}

func aclLogCmd(s *Server, cl *client, args [][]byte, out []byte) []byte {
	if len(args) > 3 {
		return appendErrStr(out, arityErr("acl|log"))
	}
	count := 10
	if len(args) == 3 {
		if strings.EqualFold(string(args[2]), "reset") {
			s.aclLog.mu.Lock()
			s.aclLog.entries = nil
			s.aclLog.mu.Unlock()
			return redcon.AppendOK(out)
		}
		n, err := strconv.ParseInt(string(args[2]), 10, 64)
		if err != nil || n < 0 {
			return appendErrStr(out, "ERR value is out of range, must be positive")
		}
		count = int(min(n, 1<<20))
	}
	s.aclLog.mu.Lock()
	entries := append([]aclLogEntry(nil), s.aclLog.entries...)
	s.aclLog.mu.Unlock()
	if len(entries) > count {
		entries = entries[:count]
	}
	now := time.Now()
	out = redcon.AppendArray(out, len(entries))
	for _, e := range entries {
		out = redcon.AppendArray(out, 14)
		out = redcon.AppendBulkString(out, "count")
		out = redcon.AppendInt(out, int64(e.count))
		for _, kv := range [][2]string{{"reason", e.reason}, {"context", e.context}, {"object", e.object}, {"username", e.user}} {
			out = redcon.AppendBulkString(out, kv[0])
			out = redcon.AppendBulkString(out, kv[1])
		}
		out = redcon.AppendBulkString(out, "age-seconds")
		out = redcon.AppendBulkString(out, strconv.FormatFloat(float64(now.Sub(e.created).Milliseconds())/1000, 'g', 17, 64))
		out = redcon.AppendBulkString(out, "client-info")
		out = redcon.AppendBulkString(out, e.clientInfo)
	}
	return out
}
