package fsm

import (
	"errors"

	"github.com/quoris/quoris/datatypes"
)

// The FSM runs a blocking command as one non-blocking attempt: it pops and
// replies as Redis's blocking command does when data is there, and answers
// a null array ("*-1") when it would block. Waiting is the RESP layer's
// job: it parks the client on BlockingKeys and proposes the command again
// through the log once a write touches one of them, so the pop itself is
// always a replicated, deterministic entry.

var (
	errTimeoutFloat    = errors.New("ERR timeout is not a float or out of range")
	errTimeoutNegative = errors.New("ERR timeout is negative")
)

// BlockTimeout validates a blocking command's timeout argument (seconds,
// fractions allowed) exactly as Redis 7.0's getTimeoutFromObjectOrReply
// does and returns it in milliseconds, relative; 0 means wait forever.
// Redis computes (long long)ceill(seconds * 1000.0L) in x87 extended
// precision, so huge values and infinity wrap to a negative number and are
// refused as negative, and a positive fraction of a millisecond is 1 ms.
func BlockTimeout(arg []byte) (int64, error) {
	secs, ok := datatypes.ParseLongDouble(arg)
	if !ok {
		return 0, errTimeoutFloat
	}
	ms := secs.MillisCeil()
	if ms < 0 {
		return 0, errTimeoutNegative
	}
	return ms, nil
}

// BlockingTimeoutArg returns a blocking list or sorted-set command's timeout
// argument: it comes first in BLMPOP/BZMPOP and last in the others. It
// returns nil for a command that does not block.
func BlockingTimeoutArg(c *Command, args [][]byte) []byte {
	if c == nil || !c.Has("blocking") || len(args) < 2 {
		return nil
	}
	if c.Name == "blmpop" || c.Name == "bzmpop" {
		return args[1]
	}
	return args[len(args)-1]
}

// BlockingKeys returns the keys a blocking command waits on: its key
// arguments as its Spec finds them (KeyArgs), except that BLMOVE and
// BRPOPLPUSH wait only on their source. It returns nil for a command that
// does not block or whose arguments are malformed (the FSM has answered
// those with an error).
func BlockingKeys(c *Command, args [][]byte) [][]byte {
	if c == nil || !c.Has("blocking") {
		return nil
	}
	keys := c.KeyArgs(args)
	if (c.Name == "blmove" || c.Name == "brpoplpush") && len(keys) > 1 {
		return keys[:1]
	}
	return keys
}

// cmdBpop is BLPOP/BRPOP: keys, then the timeout last.
func cmdBpop(c *Ctx, left bool) error {
	if _, err := BlockTimeout(c.Args[len(c.Args)-1]); err != nil {
		return err
	}
	return listPopFirst(c, c.Args[1:len(c.Args)-1], left, 0)
}

func cmdBlmove(c *Ctx) error {
	from, err := listWhere(c.Args[3])
	if err != nil {
		return err
	}
	to, err := listWhere(c.Args[4])
	if err != nil {
		return err
	}
	if _, err := BlockTimeout(c.Args[5]); err != nil {
		return err
	}
	return listBlockingMove(c, from, to)
}

func cmdBrpoplpush(c *Ctx) error {
	if _, err := BlockTimeout(c.Args[3]); err != nil {
		return err
	}
	return listBlockingMove(c, false, true)
}

// listBlockingMove is blmoveGenericCommand: only the source decides
// whether to block, so a destination of another type is reported only
// once the source has an element to move.
func listBlockingMove(c *Ctx, fromLeft, toLeft bool) error {
	it, found := c.Lookup(c.Arg(1))
	if !listIsList(it, found) {
		if c.unblocking {
			c.Null() // still blocked: the source is not a list
			return nil
		}
		return ErrWrongType
	}
	if !found {
		// What Redis answers when the command cannot block (inside
		// MULTI). The RESP layer, which does the blocking, treats it as
		// "nothing yet" and answers a timeout with a null array.
		c.Null()
		return nil
	}
	return listMove(c, fromLeft, toLeft)
}
