package resp

import (
	"strings"

	"github.com/quoris/quoris/fsm"
)

// aclIndex is the command table as ACL rules see it: every command and
// subcommand ("config|get") with its categories, in table order (a
// container before its subcommands). Built once: the table never changes
// while the server runs.
type aclIndex struct {
	cmds   []aclCmd
	byName map[string]int
}

type aclCmd struct {
	name   string
	cats   uint32 // bit i: aclCategoryOrder()[i]
	parent int    // -1 for a top-level command
	subs   []int
}

func (s *Server) aclIdx() *aclIndex {
	s.aclOnce.Do(func() {
		x := &aclIndex{byName: map[string]int{}}
		for _, d := range s.commandTable() {
			top := x.add(&d, -1)
			for i := range d.subs {
				x.cmds[top].subs = append(x.cmds[top].subs, x.add(&d.subs[i], top))
			}
		}
		s.aclIndex = x
	})
	return s.aclIndex
}

func (x *aclIndex) add(d *cmdDesc, parent int) int {
	c := aclCmd{name: d.name, parent: parent}
	for _, cat := range aclCategories(d) {
		c.cats |= 1 << catBit(cat)
	}
	if strings.HasPrefix(d.name, "quoris.") {
		// Internal commands are admin-only whatever their flags say.
		c.cats |= 1<<catBit("admin") | 1<<catBit("dangerous")
	}
	x.cmds = append(x.cmds, c)
	x.byName[d.name] = len(x.cmds) - 1
	return len(x.cmds) - 1
}

// catBit is a category's position in Redis's category list, -1 if none.
func catBit(name string) int {
	for i, c := range aclCategoryOrder() {
		if c == name {
			return i
		}
	}
	return -1
}

// aclPerms is a user's compiled command permissions (Redis's
// allowed_commands bitmap and allowed_firstargs).
type aclPerms struct {
	all       bool // +@all and nothing taken away since
	allowed   []bool
	firstargs map[int][]string
}

// permsOf compiles a selector's command rules once: stored users never
// change, so their selectors' addresses identify them.
func (s *Server) permsOf(sel *fsm.ACLSelector) *aclPerms {
	if p, ok := s.aclPerms.Load(sel); ok {
		return p.(*aclPerms)
	}
	p := s.aclIdx().compile(sel.CmdAll, sel.CmdRules)
	if s.aclPermsN.Add(1) > 4096 {
		// Every SETUSER makes a new user value: forget the old ones.
		s.aclPerms.Clear()
		s.aclPermsN.Store(1)
	}
	s.aclPerms.Store(sel, p)
	return p
}

func (x *aclIndex) compile(all bool, rules []string) *aclPerms {
	p := &aclPerms{all: all, allowed: make([]bool, len(x.cmds))}
	if all {
		for i := range p.allowed {
			p.allowed[i] = true
		}
	}
	for _, r := range rules {
		x.apply(p, r) // rules were checked before they were logged
	}
	return p
}

// change is ACLChangeSelectorPerm: a command and all its subcommands.
func (x *aclIndex) change(p *aclPerms, i int, allow bool) {
	p.allowed[i] = allow
	if !allow {
		p.all = false
	}
	delete(p.firstargs, i)
	for _, sub := range x.cmds[i].subs {
		p.allowed[sub] = allow
	}
}

// apply is ACLSetSelector for a command rule; it returns Redis's error.
func (x *aclIndex) apply(p *aclPerms, rule string) error {
	if len(rule) < 2 {
		return errUnknownRule
	}
	allow := rule[0] == '+'
	name := strings.ToLower(rule[1:])
	if name[0] == '@' {
		bit := catBit(name[1:])
		if name == "@all" {
			for i := range p.allowed {
				p.allowed[i] = allow
			}
			p.all, p.firstargs = allow, nil
			return nil
		}
		if bit < 0 {
			return errUnknownRule
		}
		for i := range x.cmds {
			if x.cmds[i].cats&(1<<bit) != 0 {
				x.change(p, i, allow)
			}
		}
		return nil
	}
	cut := strings.LastIndexByte(name, '|')
	if !allow || cut < 0 {
		i, ok := x.byName[name]
		if !ok {
			return errUnknownRule
		}
		x.change(p, i, allow)
		return nil
	}
	parent, sub := name[:cut], name[cut+1:]
	pi, ok := x.byName[parent]
	if !ok {
		return errUnknownRule
	}
	if x.cmds[pi].parent >= 0 {
		return fsm.ErrACLFirstArgOfSub()
	}
	if sub == "" {
		return errSyntaxRule
	}
	if len(x.cmds[pi].subs) > 0 {
		i, ok := x.byName[name]
		if !ok {
			return errUnknownRule
		}
		x.change(p, i, true)
		return nil
	}
	if p.firstargs == nil {
		p.firstargs = map[int][]string{}
	}
	for _, a := range p.firstargs[pi] {
		if strings.EqualFold(a, sub) {
			return nil
		}
	}
	p.firstargs[pi] = append(p.firstargs[pi], sub)
	return nil
}

var (
	errUnknownRule = &fsm.ACLError{Msg: "Unknown command or category name in ACL"}
	errSyntaxRule  = &fsm.ACLError{Msg: "Syntax error"}
)

// can reports whether command i (with args, for a first-arg rule) is
// allowed.
func (x *aclIndex) can(p *aclPerms, i int, args [][]byte) bool {
	if p.all || p.allowed[i] {
		return true
	}
	idx := 1
	if x.cmds[i].parent >= 0 {
		idx = 2
	}
	if len(args) <= idx {
		return false
	}
	for _, a := range p.firstargs[i] {
		if strings.EqualFold(a, string(args[idx])) {
			return true
		}
	}
	return false
}

// describe is Redis 7.0's ACLDescribeSelectorCommandRules: +@all or
// -@all, then greedily the categories that fit best, then single
// commands. Redis lists single commands in its dict's (random) order;
// here they come in table order.
func (x *aclIndex) describe(p *aclPerms, cmdAll bool) string {
	var b strings.Builder
	additive := !cmdAll
	fake := &aclPerms{allowed: make([]bool, len(x.cmds))}
	if cmdAll {
		b.WriteString("+@all ")
		for i := range fake.allowed {
			fake.allowed[i] = true
		}
	} else {
		b.WriteString("-@all ")
	}
	temp := &aclPerms{allowed: append([]bool(nil), p.allowed...)}
	cats := aclCategoryOrder()
	applied := make([]bool, len(cats))
	for {
		best, mindiff, maxsame := -1, int(^uint(0)>>1), 0
		for j := range cats {
			if applied[j] {
				continue
			}
			on, off := 0, 0
			for i := range x.cmds {
				if x.cmds[i].cats&(1<<j) != 0 {
					if temp.allowed[i] {
						on++
					} else {
						off++
					}
				}
			}
			diff, same := on, off
			if additive {
				diff, same = off, on
			}
			if same > diff && (diff < mindiff || (diff == mindiff && same > maxsame)) {
				best, mindiff, maxsame = j, diff, same
			}
		}
		if best < 0 {
			break
		}
		sign, inv := "-@", "+@"
		if additive {
			sign, inv = "+@", "-@"
		}
		x.apply(fake, sign+cats[best])
		x.apply(temp, inv+cats[best])
		b.WriteString(sign + cats[best] + " ")
		applied[best] = true
	}
	var single func(i int)
	single = func(i int) {
		if p.allowed[i] != fake.allowed[i] {
			if p.allowed[i] {
				b.WriteString("+")
			} else {
				b.WriteString("-")
			}
			b.WriteString(x.cmds[i].name + " ")
			x.change(fake, i, p.allowed[i])
		}
		for _, sub := range x.cmds[i].subs {
			single(sub)
		}
		if !p.allowed[i] {
			for _, a := range p.firstargs[i] {
				b.WriteString("+" + x.cmds[i].name + "|" + a + " ")
			}
		}
	}
	for i := range x.cmds {
		if x.cmds[i].parent < 0 {
			single(i)
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}
