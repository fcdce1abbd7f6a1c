package fsm

import "github.com/quoris/quoris/datatypes"

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
// argument at countAt and follow it (EVAL, FCALL, ZUNION, LMPOP ...). A
// count that is not a positive integer or runs past args yields nil.
func NumKeys(countAt int) func(args [][]byte) [][]byte {
	return func(args [][]byte) [][]byte {
		if countAt >= len(args) {
			return nil
		}
		n, ok := datatypes.ParseInt(args[countAt])
		if !ok || n <= 0 || n > int64(len(args)-countAt-1) {
			return nil
		}
		return args[countAt+1 : countAt+1+int(n)]
	}
}
