package fsm

// KEYVERSION exposes a key's change token, which fencing tokens for locks
// are made of (docs/consistency.md): a lock holder that reads it together
// with its acquisition gets a number larger than any earlier holder's and
// smaller than any later one's.

// Token is the change token of the key's last change: its log index times
// 65536 plus the position of the changing command within that log entry.
// Every change of a key gets a larger token than the one before, even when
// several commands of one batch entry change it; commands of one
// transaction (one position) share theirs.
func Token(it Item) uint64 { return it.Version<<16 | uint64(it.Pos) }

func registerKeyVersion(t *Table) {
	t.Add(&Command{Spec: Spec{
		Name: "keyversion", Arity: 2, Flags: []string{"readonly", "fast"},
		FirstKey: 1, LastKey: 1, Step: 1, Group: "generic", Since: "0.1.0",
		Summary:    "Returns the change token of a key's last change (a fencing token), or nil when the key does not exist.",
		Complexity: "O(1)",
	}, Run: cmdKeyversion})
}

func cmdKeyversion(c *Ctx) error {
	it, ok := c.Lookup(c.Arg(1))
	if !ok {
		c.Null()
		return nil
	}
	c.Int(int64(Token(it)))
	return nil
}
