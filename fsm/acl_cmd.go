package fsm

import (
	"fmt"
	"strings"

	"github.com/quoris/quoris/snapshot"
)

// ACL returns the current users. The value is immutable; callers may keep
// it without any lock.
func (f *FSM) ACL() *ACLUsers { return f.acl.Load() }

func registerACL(t *Table) {
	t.Add(&Command{Spec: Spec{Name: "quoris.acl", Arity: -2, Flags: []string{"write", "admin", "noscript"},
		Group: "server", Summary: "Internal: ACL SETUSER, DELUSER and LOAD, and the peer secret, as log entries.", Since: "0.1.0", Complexity: "O(N)"},
		Run: cmdQuorisACL})
}

// cmdQuorisACL is QUORIS.ACL SETUSER name op... | DELUSER name... |
// LOAD name rules [name rules ...] | SECRET hex. Every op is applied to a
// copy, so a refused op changes nothing.
func cmdQuorisACL(c *Ctx) error {
	a := c.f.acl.Load()
	sub := strings.ToLower(c.Arg(1))
	switch {
	case sub == "setuser" && len(c.Args) >= 3:
		name := c.Arg(2)
		if err := ValidUserName(name); err != nil {
			return err
		}
		u := a.Get(name)
		if u == nil {
			u = NewACLUser(name)
		} else {
			u = u.Clone()
		}
		for _, op := range c.Args[3:] {
			if err := u.Apply(string(op)); err != nil {
				return SetUserError(string(op), err)
			}
		}
		c.f.acl.Store(a.with(map[string]*ACLUser{name: u}))
		c.OK()
	case sub == "deluser" && len(c.Args) >= 3:
		gone := map[string]*ACLUser{}
		for _, n := range c.Args[2:] {
			name := string(n)
			if name == "default" {
				return ErrACLDefaultUser
			}
			if a.Get(name) != nil {
				gone[name] = nil
			}
		}
		if len(gone) > 0 {
			c.f.acl.Store(a.with(gone))
		}
		c.Int(int64(len(gone)))
	case sub == "load" && len(c.Args)%2 == 0:
		users := &ACLUsers{byName: map[string]*ACLUser{}, PeerSecret: a.PeerSecret}
		for i := 2; i < len(c.Args); i += 2 {
			name := c.Arg(i)
			if err := ValidUserName(name); err != nil {
				return err
			}
			if users.byName[name] != nil {
				return fmt.Errorf("ERR Duplicate user '%s' found", name)
			}
			ops, bad, ok := MergeSelectorArgs(strings.Fields(c.Arg(i + 1)))
			if !ok {
				return ErrUnmatchedSelector(bad)
			}
			u, err := userFromOps(name, ops)
			if err != nil {
				return err
			}
			users.byName[name] = u
		}
		if users.byName["default"] == nil {
			users.byName["default"] = DefaultACLUser()
		}
		c.f.acl.Store(users)
		c.OK()
	case sub == "secret" && len(c.Args) == 3:
		if a.PeerSecret == "" && c.Arg(2) != "" {
			n := a.with(nil)
			n.PeerSecret = c.Arg(2)
			c.f.acl.Store(n)
		}
		c.OK()
	default:
		return ErrSyntax
	}
	return nil
}

// ValidUserName refuses what Redis's ACL SETUSER refuses.
func ValidUserName(name string) error {
	if hasSpace(name) {
		return fmt.Errorf("ERR Usernames can't contain spaces or null characters")
	}
	return nil
}

// SetUserError is Redis's reply to a refused ACL SETUSER op.
func SetUserError(op string, err error) error {
	return fmt.Errorf("ERR Error in ACL SETUSER modifier '%s': %s", op, err.Error())
}

// userFromOps builds a user from its rules (a snapshot record, ACL LOAD).
func userFromOps(name string, ops []string) (*ACLUser, error) {
	u := NewACLUser(name)
	for _, op := range ops {
		if err := u.Apply(op); err != nil {
			return nil, SetUserError(op, err)
		}
	}
	return u, nil
}

// applyRequirePass is CONFIG SET requirepass: the default user's
// password becomes the value (none: nopass), as Redis's
// ACLUpdateDefaultUserPassword.
func (f *FSM) applyRequirePass(pass string) {
	a := f.acl.Load()
	d := a.Get("default")
	if d == nil {
		d = DefaultACLUser()
	}
	d = d.Clone()
	d.Apply("resetpass")
	if pass != "" {
		d.Apply(">" + pass)
	} else {
		d.Apply("nopass")
	}
	f.acl.Store(a.with(map[string]*ACLUser{"default": d}))
}

// persistACL writes the users (by name) and the peer secret.
func persistACL(w *snapshot.Writer, a *ACLUsers) error {
	if a.PeerSecret != "" {
		if err := w.PeerSecret(a.PeerSecret); err != nil {
			return err
		}
	}
	for _, n := range a.Names() {
		if err := w.User(n, a.byName[n].Ops()); err != nil {
			return err
		}
	}
	return nil
}

// aclLoader collects a snapshot's ACL records.
type aclLoader struct {
	users  map[string]*ACLUser
	secret string
}

func (l *aclLoader) add(rec *snapshot.Record) error {
	if rec.Kind == snapshot.KindPeerSecret {
		l.secret = rec.Setting[1]
		return nil
	}
	if len(rec.Strs) == 0 {
		return fmt.Errorf("%w: user record without a name", snapshot.ErrCorrupt)
	}
	name := rec.Strs[0]
	if l.users == nil {
		l.users = map[string]*ACLUser{}
	}
	if l.users[name] != nil || ValidUserName(name) != nil {
		return fmt.Errorf("%w: user %q", snapshot.ErrCorrupt, name)
	}
	u, err := userFromOps(name, rec.Strs[1:])
	if err != nil {
		return fmt.Errorf("%w: user %q: %v", snapshot.ErrCorrupt, name, err)
	}
	l.users[name] = u
	return nil
}

// finish is the restored set: a snapshot from before ACLs has only the
// default user.
func (l *aclLoader) finish() *ACLUsers {
	a := newACLUsers()
	if l.users != nil {
		a.byName = l.users
		if a.byName["default"] == nil {
			a.byName["default"] = DefaultACLUser()
		}
	}
	a.PeerSecret = l.secret
	return a
}
