package fsm

import (
	"bytes"

	"github.com/quoris/quoris/datatypes"
)

// KeyArgs returns the key arguments of args (args[0] is the command name)
// as COMMAND GETKEYS reports them: Spec.Keys for a command with movable
// keys, else every Step-th argument from FirstKey to LastKey (negative
// counts from the end). Malformed arguments yield what can be found, often
// nothing; the command itself reports the error.
func (s *Spec) KeyArgs(args [][]byte) [][]byte {
	if s.Keys != nil {
		return s.Keys(args)
	}
	if s.FirstKey <= 0 || s.FirstKey >= len(args) {
		return nil
	}
	last := s.LastKey
	if last < 0 {
		last += len(args)
	}
	step := max(s.Step, 1)
	var keys [][]byte
	for i := s.FirstKey; i <= last && i < len(args); i += step {
		keys = append(keys, args[i])
	}
	return keys
}

// NumKeys is a Spec.Keys for commands whose keys are counted by a numkeys
// argument at countAt and follow it (EVAL, FCALL, ZUNION, LMPOP ...). As in
// Redis (whose key spec gives up on a count string2ll refuses and falls
// back to genericGetKeys), the count is read with C's atoi, so "2x" counts
// 2; a count below 1 or running past args yields nil.
func NumKeys(countAt int) func(args [][]byte) [][]byte {
	return func(args [][]byte) [][]byte {
		if countAt >= len(args) {
			return nil
		}
		n := atoi(args[countAt])
		if n < 1 || n > int64(len(args)-countAt-1) {
			return nil
		}
		return args[countAt+1 : countAt+1+int(n)]
	}
}

// StoreNumKeys is NumKeys for the *STORE variants (ZUNIONSTORE ...): the
// destination at 1, then the counted keys; nothing at all when the count
// is bad, as Redis's zunionInterDiffStoreGetKeys answers.
func StoreNumKeys(countAt int) func(args [][]byte) [][]byte {
	counted := NumKeys(countAt)
	return func(args [][]byte) [][]byte {
		keys := counted(args)
		if keys == nil {
			return nil
		}
		return append([][]byte{args[1]}, keys...)
	}
}

// StoreKeywordKeys is GEORADIUS's key extraction by its key specs: the key
// at 1, then the argument after the first STORE and after the first
// STOREDIST searched from startFrom on (Redis never looks at the last
// argument for a keyword: it would have no key after it).
func StoreKeywordKeys(startFrom int) func(args [][]byte) [][]byte {
	return func(args [][]byte) [][]byte {
		if len(args) < 2 {
			return nil
		}
		keys := [][]byte{args[1]}
		for _, kw := range []string{"store", "storedist"} {
			for i := startFrom; i < len(args)-1; i++ {
				if bytes.EqualFold(args[i], []byte(kw)) {
					keys = append(keys, args[i+1])
					break
				}
			}
		}
		return keys
	}
}

// atoi is C's: leading white space, a sign, digits up to the first
// non-digit; strtol's saturation then the truncation to int.
func atoi(b []byte) int64 {
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	var n uint64
	sat := false
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if n > (1<<63)/10 {
			sat = true
			continue
		}
		n = n*10 + uint64(b[i]-'0')
		if n > 1<<63 || (!neg && n == 1<<63) {
			sat = true
		}
	}
	var v int64
	switch {
	case sat && neg:
		v = -1 << 63
	case sat:
		v = 1<<63 - 1
	case neg:
		v = -int64(n)
	default:
		v = int64(n)
	}
	return int64(int32(v))
}

// withKeys sets a movable-keys command's Spec.Keys.
func withKeys(c *Command, keys func(args [][]byte) [][]byte) *Command {
	c.Keys = keys
	return c
}

// withNumKeys sets Keys for a command whose keys follow a numkeys count at
// countAt (after a destination at 1 when store). Redis's key spec reads
// the count with string2ll; only its genericGetKeys fallback accepts what
// atoi does ("2x", "+2"), and that fallback reports keys without flags.
func withNumKeys(c *Command, countAt int, store bool) *Command {
	c.Keys = NumKeys(countAt)
	if store {
		c.Keys = StoreNumKeys(countAt)
	}
	c.KeyFlagsOf = func(args [][]byte, i int) []string {
		if countAt < len(args) {
			if _, ok := datatypes.ParseInt(args[countAt]); !ok {
				return []string{}
			}
		}
		return nil
	}
	return c
}
