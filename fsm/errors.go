package fsm

import "errors"

// Sentinel errors carry Redis's exact reply text (without the leading '-'),
// so a handler can return them and the reply writer needs no mapping table.
var (
	ErrWrongType     = errors.New("WRONGTYPE Operation against a key holding the wrong kind of value")
	ErrSyntax        = errors.New("ERR syntax error")
	ErrNotInteger    = errors.New("ERR value is not an integer or out of range")
	ErrNotFloat      = errors.New("ERR value is not a valid float")
	ErrOverflow      = errors.New("ERR increment or decrement would overflow")
	ErrNoSuchKey     = errors.New("ERR no such key")
	ErrInvalidExpire = errors.New("ERR invalid expire time")
	ErrDBIndex       = errors.New("ERR DB index is out of range")
	ErrStringTooLong = errors.New("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
	ErrOffsetRange   = errors.New("ERR offset is out of range")
	ErrSameObject    = errors.New("ERR source and destination objects are the same")

	// ErrBadEntry means a log entry could not be decoded. It is a bug or
	// corruption, never client input: the FSM answers it deterministically on
	// every node instead of panicking.
	ErrBadEntry = errors.New("ERR internal: malformed log entry")

	ErrInvalidCursor = errors.New("ERR invalid cursor")
	// ErrIntRange is getRangeLongFromObjectOrReply's reply for an argument
	// Redis reads as a C int (a DB index, say) that parses but does not fit.
	ErrIntRange = errors.New("ERR value is out of range, value must between -2147483648 and 2147483647")
)
