package fsm

import (
	"math"

	"github.com/quoris/quoris/datatypes"
)

// SET's options, shared in part with GETEX, and SET itself. The
// compare-and-set conditions (IFEQ, IFNE, IFDEQ, IFDNE) are Redis 8.4's;
// see strings_cas.go for how they compare.

// strOpts are the extended arguments SET and GETEX share.
type strOpts struct {
	nx, xx, get, keepTTL, persist bool
	ex, px, exat, pxat            bool
	expire                        []byte // the EX/PX/EXAT/PXAT argument
	cond                          strCond
	match                         []byte // the IF* argument: a value or a digest
}

func (o *strOpts) hasExpire() bool { return o.ex || o.px || o.exat || o.pxat }

// exists reports whether one of the key-existence conditions is set: NX,
// XX and the four IF* conditions exclude each other.
func (o *strOpts) exists() bool { return o.nx || o.xx || o.cond != condNone }

// parseStrOpts mirrors Redis's parseExtendedStringArgumentsOrReply,
// including which repetitions it tolerates (EX 1 EX 2 is fine, EX 1 PX 2 is
// not; IFEQ a IFEQ b is fine, IFEQ a IFNE b is not), since clients can
// observe the difference. NX, XX and IF* exclude each other in either order,
// as since Redis 8.10 (8.4 took "IFEQ v NX").
func parseStrOpts(args [][]byte, isSet bool) (strOpts, error) {
	var o strOpts
	start := 2
	if isSet {
		start = 3
	}
	for j := start; j < len(args); j++ {
		opt := args[j]
		hasNext := j < len(args)-1
		switch cond := strCondOf(opt); {
		case isSet && strOptIs(opt, "nx") && !o.xx && o.cond == condNone:
			o.nx = true
		case isSet && strOptIs(opt, "xx") && !o.nx && o.cond == condNone:
			o.xx = true
		case isSet && cond != condNone && hasNext && !o.nx && !o.xx && (o.cond == condNone || o.cond == cond):
			o.cond, o.match = cond, args[j+1]
			j++
		case isSet && strOptIs(opt, "get"):
			o.get = true
		case isSet && strOptIs(opt, "keepttl") && !o.persist && !o.hasExpire():
			o.keepTTL = true
		case !isSet && strOptIs(opt, "persist") && !o.hasExpire() && !o.keepTTL:
			o.persist = true
		case strOptIs(opt, "ex") && !o.keepTTL && !o.persist && !o.exat && !o.px && !o.pxat && hasNext:
			o.ex, o.expire = true, args[j+1]
			j++
		case strOptIs(opt, "px") && !o.keepTTL && !o.persist && !o.ex && !o.exat && !o.pxat && hasNext:
			o.px, o.expire = true, args[j+1]
			j++
		case strOptIs(opt, "exat") && !o.keepTTL && !o.persist && !o.ex && !o.px && !o.pxat && hasNext:
			o.exat, o.expire = true, args[j+1]
			j++
		case strOptIs(opt, "pxat") && !o.keepTTL && !o.persist && !o.ex && !o.exat && !o.px && hasNext:
			o.pxat, o.expire = true, args[j+1]
			j++
		default:
			return o, ErrSyntax
		}
	}
	return o, nil
}

// strDeadline turns an expire argument into an absolute deadline in unix ms,
// with Redis's validation: positive, no overflow when scaling seconds, and
// (for relative times) no overflow when adding the current time. Relative
// times count from the log entry's time so every node agrees.
func strDeadline(c *Ctx, arg []byte, seconds, relative bool) (int64, error) {
	ms, ok := datatypes.ParseInt(arg)
	if !ok {
		return 0, ErrNotInteger
	}
	if ms <= 0 || (seconds && ms > math.MaxInt64/1000) {
		return 0, strErrExpire(c)
	}
	if seconds {
		ms *= 1000
	}
	if relative {
		ms += c.Now // wraps on overflow like Redis's C arithmetic; caught below
	}
	if ms <= 0 {
		return 0, strErrExpire(c)
	}
	return ms, nil
}

// strSetGeneric is Redis's setGenericCommand: SET and its older variants.
// okReply/abortReply write the reply for a performed and a skipped write.
// The order of checks is Redis 8.4's: the expire argument, GET's reply,
// existence (NX, XX, IFEQ, IFDEQ), then the type and the IF* comparison.
func strSetGeneric(c *Ctx, o strOpts, key string, val []byte, okReply, abortReply func()) error {
	var deadline int64
	if o.hasExpire() {
		var err error
		if deadline, err = strDeadline(c, o.expire, o.ex || o.exat, o.ex || o.px); err != nil {
			return err
		}
	}
	if o.get {
		// GET answers with the old value even when a condition then skips
		// the write.
		if err := cmdGet(c); err != nil {
			return err
		}
	}
	abort := func() error {
		if !o.get {
			abortReply()
		}
		return nil
	}
	old, found := c.Lookup(key)
	if (o.nx && found) || ((o.xx || o.cond == condIFEQ || o.cond == condIFDEQ) && !found) {
		return abort()
	}
	if found && o.cond != condNone {
		if old.Value != nil {
			return ErrWrongType
		}
		// An error here replaces GET's reply: Ctx replies are rewound to
		// the command's start on error.
		holds, err := o.cond.holds(old.Str, o.match)
		if err != nil {
			return err
		}
		if !holds {
			return abort()
		}
	}
	it := Item{Str: val}
	if o.keepTTL {
		it.ExpireAt = old.ExpireAt
	}
	if deadline != 0 {
		it.ExpireAt = deadline
	}
	strStore(c, key, it)
	c.Notify(NotifyString, "set", key)
	if deadline != 0 {
		c.Notify(NotifyGeneric, "expire", key)
	}
	if !o.get {
		okReply()
	}
	return nil
}

// strStore sets key, or deletes it when its deadline has already passed
// (SET ... PXAT in the past): Redis's key would be expired on first touch,
// so storing it would only leave garbage for the expiry cycle.
func strStore(c *Ctx, key string, it Item) {
	if it.ExpireAt != 0 && it.ExpireAt <= c.Now {
		c.Delete(key)
		return
	}
	c.Set(key, it)
}

func cmdSet(c *Ctx) error {
	o, err := parseStrOpts(c.Args, true)
	if err != nil {
		return err
	}
	return strSetGeneric(c, o, c.Arg(1), c.Args[2], c.OK, c.Null)
}
