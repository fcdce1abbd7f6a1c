package fsm

// KeySpec is what COMMAND GETKEYSANDFLAGS reports of one of Redis's key
// specifications: the flags of the keys it covers (RW/RO/OW/RM and
// access/update/insert/delete ...), and how many of a command's keys, in
// KeyArgs order, it covers (0: all the rest). Redis lists a command's key
// specs in argument order, so the i-th key belongs to the spec whose
// counts reach past i.
type KeySpec struct {
	Flags []string
	Count int
}

// KeyFlags returns the key-spec flags of the i-th key KeyArgs returns. A
// command without key specs (a quoris-only one) gets what its flags imply:
// RO access for a read, RW for a write.
func (s *Spec) KeyFlags(i int) []string {
	for _, ks := range s.KeySpecs {
		if ks.Count == 0 || i < ks.Count {
			return ks.Flags
		}
		i -= ks.Count
	}
	if s.Has("write") {
		return []string{"RW"}
	}
	return []string{"RO", "access"}
}
