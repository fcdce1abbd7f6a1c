package fsm

import "bytes"

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

// KeyFlags returns the key-spec flags of the i-th key KeyArgs(args)
// returns. A command without key specs (a quoris-only one) gets what its
// flags imply: RO access for a read, RW for a write.
func (s *Spec) KeyFlags(args [][]byte, i int) []string {
	if s.KeyFlagsOf != nil {
		if f := s.KeyFlagsOf(args, i); f != nil {
			return f
		}
	}
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

// variableKeyFlags are Redis's getkeys procs for its variable_flags
// commands: SET writes blindly (OW) unless GET reads the old value;
// BITFIELD only reads when every operation is a GET (a syntax error
// counts as a write).
func variableKeyFlags(name string) func(args [][]byte, i int) []string {
	switch name {
	case "set":
		return func(args [][]byte, i int) []string {
			for _, a := range args[min(3, len(args)):] {
				if bytes.EqualFold(a, []byte("get")) {
					return []string{"RW", "access", "update"}
				}
			}
			return []string{"OW", "update"}
		}
	case "bitfield":
		return func(args [][]byte, i int) []string {
			for j := 2; j < len(args); j++ {
				rem := len(args) - j - 1
				switch a := args[j]; {
				case bytes.EqualFold(a, []byte("get")) && rem >= 2:
					j += 2
				case bytes.EqualFold(a, []byte("overflow")) && rem >= 1:
					j++
				default:
					return []string{"RW", "access", "update"}
				}
			}
			return []string{"RO", "access"}
		}
	}
	return nil
}
