package fsm

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"strings"
)

// ACL users are replicated state: ACL SETUSER / DELUSER / LOAD and CONFIG
// SET requirepass are log entries (QUORIS.ACL, QUORIS.CONFIG), so every
// node holds the same users at the same index. A user is immutable once
// stored: a change builds a new ACLUser and a new ACLUsers map, published
// with one atomic store, so the RESP layer reads users without the FSM
// lock (a long script holding it never delays authentication).
//
// The FSM does not know which commands exist (local commands live in
// resp), so a user's command permissions are kept as Redis's rule ops in
// order (CmdAll says whether they start from +@all or -@all); resp
// replays them against its command table. An op whose name no command
// has matches nothing: resp validates names before proposing.

// Key pattern permissions, as Redis's ACL_READ_PERMISSION and
// ACL_WRITE_PERMISSION.
const (
	KeyRead  = 1
	KeyWrite = 2
	KeyAll   = KeyRead | KeyWrite
)

// KeyPattern is one ~pattern, %R~pattern or %W~pattern.
type KeyPattern struct {
	Pattern string
	Perm    int
}

// ACLSelector is one set of permissions: the user's root selector, or
// one of its "(...)" selectors. A command is allowed when any of the
// user's selectors allows it.
type ACLSelector struct {
	AllKeys     bool
	Keys        []KeyPattern
	AllChannels bool
	Channels    []string
	CmdAll      bool     // command rules start from +@all (future commands allowed)
	CmdRules    []string // "+get", "-@write", "+config|get" ... lower case, applied in order
}

// ACLUser is one user. Never modify a stored user: Clone it.
type ACLUser struct {
	Name      string
	Enabled   bool
	NoPass    bool
	Sanitize  int      // 0 none, 1 sanitize-payload, 2 skip-sanitize-payload
	Passwords []string // SHA-256 hex, in insertion order
	ACLSelector
	Selectors []*ACLSelector // the "(...)" selectors, in the order added
}

// Clone returns a deep copy.
func (u *ACLUser) Clone() *ACLUser {
	c := *u
	c.Passwords = append([]string(nil), u.Passwords...)
	c.ACLSelector = *u.ACLSelector.clone()
	c.Selectors = nil
	for _, sel := range u.Selectors {
		c.Selectors = append(c.Selectors, sel.clone())
	}
	return &c
}

func (s *ACLSelector) clone() *ACLSelector {
	c := *s
	c.Keys = append([]KeyPattern(nil), s.Keys...)
	c.Channels = append([]string(nil), s.Channels...)
	c.CmdRules = append([]string(nil), s.CmdRules...)
	return &c
}

// Unrestricted reports whether the root selector allows everything, so
// that no check is needed.
func (u *ACLUser) Unrestricted() bool {
	return u.CmdAll && len(u.CmdRules) == 0 && u.AllKeys && u.AllChannels
}

// NewACLUser is Redis's ACLCreateUser: off, no password, no keys, the
// channels of acl-pubsub-default (resetchannels in 7.0), no commands.
func NewACLUser(name string) *ACLUser { return &ACLUser{Name: name} }

// DefaultACLUser is the user every node starts with: on nopass ~* &* +@all.
func DefaultACLUser() *ACLUser {
	return &ACLUser{Name: "default", Enabled: true, NoPass: true, ACLSelector: ACLSelector{AllKeys: true, AllChannels: true, CmdAll: true}}
}

// HashPassword is Redis's ACLHashPassword: SHA-256, lower-case hex.
func HashPassword(p []byte) string {
	h := sha256.Sum256(p)
	return hex.EncodeToString(h[:])
}

// ACLError is a rule Redis's ACLSetUser refuses; Error is the text of
// ACLSetUserStringError.
type ACLError struct{ Msg string }

func (e *ACLError) Error() string { return e.Msg }

var (
	errACLSyntax   = &ACLError{"Syntax error"}
	errACLUnknown  = &ACLError{"Unknown command or category name in ACL"}
	errACLAllKeys  = &ACLError{"Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns"}
	errACLAllChans = &ACLError{"Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels"}
	errACLNoPass   = &ACLError{"The password you are trying to remove from the user does not exist"}
	errACLHash     = &ACLError{"The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"}
	errACLFirstArg = &ACLError{"Allowing first-arg of a subcommand is not supported"}
)

// ErrACLDefaultUser is DELUSER default.
var ErrACLDefaultUser = errors.New("ERR The 'default' user cannot be removed")

// Apply is Redis's ACLSetUser for one op on u (which the caller owns).
// Command ops are checked for shape only (see the package note).
func (u *ACLUser) Apply(op string) error {
	if op == "" {
		return nil
	}
	low := strings.ToLower(op)
	switch low {
	case "on":
		u.Enabled = true
	case "off":
		u.Enabled = false
	case "skip-sanitize-payload":
		u.Sanitize = 2
	case "sanitize-payload":
		u.Sanitize = 1
	case "nopass":
		u.NoPass, u.Passwords = true, nil
	case "resetpass":
		u.NoPass, u.Passwords = false, nil
	case "reset":
		u.NoPass, u.Passwords = false, nil
		u.ACLSelector, u.Selectors = ACLSelector{}, nil
		u.Enabled, u.Sanitize = false, 1
	case "clearselectors":
		u.Selectors = nil
	default:
		return u.applyOp(op, low)
	}
	return nil
}

func (u *ACLUser) applyOp(op, low string) error {
	switch op[0] {
	case '>', '#':
		h := op[1:]
		if op[0] == '>' {
			h = HashPassword([]byte(op[1:]))
		} else if !validHash(h) {
			return errACLHash
		}
		if !containsStr(u.Passwords, h) {
			u.Passwords = append(u.Passwords, h)
		}
		u.NoPass = false
	case '<', '!':
		h := op[1:]
		if op[0] == '<' {
			h = HashPassword([]byte(op[1:]))
		} else if !validHash(h) {
			return errACLHash
		}
		i := indexStr(u.Passwords, h)
		if i < 0 {
			return errACLNoPass
		}
		u.Passwords = append(u.Passwords[:i:i], u.Passwords[i+1:]...)
	case '(':
		if op[len(op)-1] != ')' {
			return errACLSyntax
		}
		sel := &ACLSelector{}
		for _, o := range SelectorOps(op) {
			if err := sel.Apply(o); err != nil {
				return err
			}
		}
		u.Selectors = append(u.Selectors, sel)
	default:
		return u.ACLSelector.Apply(op)
	}
	return nil
}

// SelectorOps splits "(op op ...)" into its ops, as Redis's
// aclCreateSelectorFromOpSet does (by white space).
func SelectorOps(op string) []string {
	return strings.Fields(op[1 : len(op)-1])
}

// Apply is Redis's ACLSetSelector: the ops a selector takes (keys,
// channels, commands); any other is a syntax error.
func (s *ACLSelector) Apply(op string) error {
	if op == "" {
		return nil
	}
	switch low := strings.ToLower(op); low {
	case "allkeys", "~*":
		s.AllKeys, s.Keys = true, nil
	case "resetkeys":
		s.AllKeys, s.Keys = false, nil
	case "allchannels", "&*":
		s.AllChannels, s.Channels = true, nil
	case "resetchannels":
		s.AllChannels, s.Channels = false, nil
	case "allcommands", "+@all":
		s.CmdAll, s.CmdRules = true, nil
	case "nocommands", "-@all":
		s.CmdAll, s.CmdRules = false, nil
	default:
		switch op[0] {
		case '~', '%':
			return s.addKeyPattern(op)
		case '&':
			if s.AllChannels {
				return errACLAllChans
			}
			if hasSpace(op[1:]) {
				return errACLSyntax
			}
			if !containsStr(s.Channels, op[1:]) {
				s.Channels = append(s.Channels, op[1:])
			}
		case '+', '-':
			return s.addCmdRule(low)
		default:
			return errACLSyntax
		}
	}
	return nil
}

func (s *ACLSelector) addKeyPattern(op string) error {
	if s.AllKeys {
		return errACLAllKeys
	}
	perm, off := KeyAll, 1
	if op[0] == '%' {
		perm = 0
	loop:
		for ; off < len(op); off++ {
			switch {
			case (op[off] == 'R' || op[off] == 'r') && perm&KeyRead == 0:
				perm |= KeyRead
			case (op[off] == 'W' || op[off] == 'w') && perm&KeyWrite == 0:
				perm |= KeyWrite
			case op[off] == '~':
				off++
				break loop
			default:
				return errACLSyntax
			}
		}
		if perm == 0 || off > len(op) || op[off-1] != '~' {
			return errACLSyntax
		}
	}
	pat := op[off:]
	if hasSpace(pat) {
		return errACLSyntax
	}
	for i := range s.Keys {
		if s.Keys[i].Pattern == pat {
			s.Keys[i].Perm |= perm
			return nil
		}
	}
	s.Keys = append(s.Keys, KeyPattern{Pattern: pat, Perm: perm})
	return nil
}

// addCmdRule appends a command rule, dropping an earlier rule on the
// same target: the later one sets every bit the earlier one did.
func (s *ACLSelector) addCmdRule(low string) error {
	target := low[1:]
	if target == "" || target == "@" || hasSpace(target) {
		return errACLUnknown
	}
	if strings.HasPrefix(target, "@") && strings.Contains(target, "|") {
		return errACLUnknown
	}
	kept := s.CmdRules[:0:0]
	for _, r := range s.CmdRules {
		if r[1:] != target {
			kept = append(kept, r)
		}
	}
	s.CmdRules = append(kept, low)
	return nil
}

// ValidateACLCommandRule reports the error Redis gives for a +/- rule
// whose shape is wrong before names are looked up: "+a|b|" and similar.
func ValidateACLCommandRule(op string) error {
	if len(op) < 2 || op[1] == '@' {
		return nil
	}
	if op[0] == '+' {
		if i := strings.LastIndexByte(op, '|'); i >= 0 && i == len(op)-1 {
			return errACLSyntax
		}
	}
	return nil
}

// ErrACLFirstArgOfSub is the refusal of "+container|sub|arg".
func ErrACLFirstArgOfSub() error { return errACLFirstArg }

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if (c < 'a' || c > 'f') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func hasSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\v', '\f', '\r', 0:
			return true
		}
	}
	return false
}

func containsStr(l []string, s string) bool { return indexStr(l, s) >= 0 }

func indexStr(l []string, s string) int {
	for i, x := range l {
		if x == s {
			return i
		}
	}
	return -1
}

// Ops returns rules that rebuild u from NewACLUser(u.Name): what
// snapshots store. Command rules are the ops as given (resp computes
// Redis's compact description from its command table).
func (u *ACLUser) Ops() []string {
	var ops []string
	if u.Enabled {
		ops = append(ops, "on")
	}
	if u.NoPass {
		ops = append(ops, "nopass")
	}
	switch u.Sanitize {
	case 1:
		ops = append(ops, "sanitize-payload")
	case 2:
		ops = append(ops, "skip-sanitize-payload")
	}
	for _, p := range u.Passwords {
		ops = append(ops, "#"+p)
	}
	ops = append(ops, u.ACLSelector.ops()...)
	for _, sel := range u.Selectors {
		ops = append(ops, "("+strings.Join(sel.ops(), " ")+")")
	}
	return ops
}

// ops rebuilds s from an empty selector.
func (s *ACLSelector) ops() []string {
	var ops []string
	if s.AllKeys {
		ops = append(ops, "~*")
	}
	for _, k := range s.Keys {
		ops = append(ops, k.String())
	}
	if s.AllChannels {
		ops = append(ops, "&*")
	}
	for _, c := range s.Channels {
		ops = append(ops, "&"+c)
	}
	if s.CmdAll {
		ops = append(ops, "+@all")
	}
	return append(ops, s.CmdRules...)
}

// String is the pattern as ACL LIST writes it.
func (k KeyPattern) String() string {
	switch k.Perm {
	case KeyRead:
		return "%R~" + k.Pattern
	case KeyWrite:
		return "%W~" + k.Pattern
	}
	return "~" + k.Pattern
}

// ACLUsers is an immutable set of users.
type ACLUsers struct {
	byName map[string]*ACLUser
	// PeerSecret authenticates node-to-node connections (QUORIS.PEER):
	// created with the first ACL change, the same on every node.
	PeerSecret string
}

func newACLUsers() *ACLUsers {
	return &ACLUsers{byName: map[string]*ACLUser{"default": DefaultACLUser()}}
}

// Get returns the named user or nil.
func (a *ACLUsers) Get(name string) *ACLUser { return a.byName[name] }

// Names returns every user name, sorted (Redis's rax order).
func (a *ACLUsers) Names() []string {
	out := make([]string, 0, len(a.byName))
	for n := range a.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// with returns a copy with the named users replaced (nil removes).
func (a *ACLUsers) with(change map[string]*ACLUser) *ACLUsers {
	n := &ACLUsers{byName: make(map[string]*ACLUser, len(a.byName)+len(change)), PeerSecret: a.PeerSecret}
	for k, v := range a.byName {
		n.byName[k] = v
	}
	for k, v := range change {
		if v == nil {
			delete(n.byName, k)
		} else {
			n.byName[k] = v
		}
	}
	return n
}

// AuthRequired is Redis's authRequired for a connection not yet
// authenticated: the default user has a password or is off.
func (a *ACLUsers) AuthRequired() bool {
	d := a.byName["default"]
	return d == nil || !d.NoPass || !d.Enabled
}

// CheckPassword is ACLCheckUserCredentials: the user if name exists, is on
// and pass matches (or it is nopass).
func (a *ACLUsers) CheckPassword(name string, pass []byte) *ACLUser {
	u := a.byName[name]
	if u == nil || !u.Enabled {
		return nil
	}
	if u.NoPass {
		return u
	}
	h := HashPassword(pass)
	for _, p := range u.Passwords {
		if p == h {
			return u
		}
	}
	return nil
}

// MergeSelectorArgs is Redis's ACLMergeSelectorArguments: an argument
// opening a selector without closing it ("(+get") is joined by spaces
// with the ones that follow up to the one ending in ")". bad is the
// argument whose selector never closes, when ok is false.
func MergeSelectorArgs(args []string) (merged []string, bad string, ok bool) {
	open := -1
	var sel string
	for i, op := range args {
		// As Redis, a new unclosed "(" restarts the selector, dropping
		// what an earlier unclosed one had gathered.
		if len(op) > 0 && op[0] == '(' && op[len(op)-1] != ')' {
			open, sel = i, op
			continue
		}
		if open >= 0 {
			sel += " " + op
			if len(op) > 0 && op[len(op)-1] == ')' {
				merged, open = append(merged, sel), -1
			}
			continue
		}
		merged = append(merged, op)
	}
	if open >= 0 {
		return nil, args[open], false
	}
	return merged, "", true
}

// ErrUnmatchedSelector is ACL SETUSER's reply to a selector that does not
// close.
func ErrUnmatchedSelector(start string) error {
	return errors.New("ERR Unmatched parenthesis in acl selector starting at '" + start + "'.")
}
