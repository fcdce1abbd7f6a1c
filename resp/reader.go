package resp

import (
	"io"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/datatypes"
)

// Reader parses client requests the way Redis 7.0's processInputBuffer
// does, byte for byte: multibulk requests (`*`) and inline ones (anything
// else), with Redis's protocol errors. It keeps its parse state between
// reads, so a large argument arriving in many reads is scanned once.
//
// Redis quirks kept on purpose, because clients and tests rely on them:
// `*0` and `*-N` are empty requests and ignored; the two bytes after a bulk
// and after a length's '\r' are skipped unchecked; a length line is found
// with strchr, so a NUL byte before its '\r' (or before an inline request's
// '\n') leaves the request incomplete; an empty inline line is ignored.
type Reader struct {
	rd         io.Reader
	maxBulk    func() int64 // proto-max-bulk-len
	buf        []byte
	start, end int // unparsed bytes are buf[start:end]
	readSize   int
	pendingErr error
	multibulk  int      // arguments still expected by the request being read; 0: none
	bulk       int      // length of the argument being read; -1: its length line is not read yet
	args       [][2]int // offsets of parsed arguments, relative to cmdStart
	cmdStart   int
	cmdStarted bool
	cmds       []redcon.Command
	// pending are the multibulk requests parsed in this parse call whose
	// bytes still sit in buf; materialize copies them out together, and
	// pendingArgs holds their argument offsets (relative to each start).
	pending     []pendingCmd
	pendingArgs [][2]int
	// MaxRequest, when positive, bounds one multibulk request's bytes: a
	// longer one is read and dropped as it arrives (never buffered whole)
	// and comes out as a Command with nil Args, which the connection
	// answers with the log's too-large error. skipping marks such a
	// request being dropped.
	MaxRequest int64
	// QueryLimit, when set and positive, is client-query-buffer-limit:
	// a request whose buffered bytes pass it fails the read, and the
	// connection is closed without a reply, as Redis does.
	QueryLimit func() int64
	skipping   bool
	skipLeft   int // bytes of the dropped argument still to come, CRLF included
}

// Redis's limits (server.h).
const (
	protoInlineMaxSize     = 64 * 1024 // PROTO_INLINE_MAX_SIZE
	protoIOBufLen          = 16 * 1024 // PROTO_IOBUF_LEN
	defaultProtoMaxBulkLen = 512 << 20
	maxMultibulkLen        = 1<<31 - 1 // INT_MAX: Redis 7.0 refuses only counts above it
)

// ProtocolError is a malformed request: Redis answers "-ERR <text>" and
// closes the connection.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "Protocol error: " + e.Msg }

var (
	errTooBigInline     = &ProtocolError{"too big inline request"}
	errTooBigMbulkCount = &ProtocolError{"too big mbulk count string"}
	errTooBigBulkCount  = &ProtocolError{"too big bulk count string"}
	errInvalidMbulkLen  = &ProtocolError{"invalid multibulk length"}
	errInvalidBulkLen   = &ProtocolError{"invalid bulk length"}
	errUnbalancedQuotes = &ProtocolError{"unbalanced quotes in request"}
)

// NewReader reads requests from rd; maxBulk (nil: 512 MB) bounds one
// argument's declared length.
func NewReader(rd io.Reader, maxBulk func() int64) *Reader {
	return &Reader{rd: rd, maxBulk: maxBulk, buf: make([]byte, protoIOBufLen), bulk: -1, readSize: protoIOBufLen}
}

// ReadCommands returns the complete requests buffered, reading from the
// connection until there is at least one. Requests parsed before a
// protocol error are returned first; the error comes with the next call,
// so they are executed and answered before the connection is closed, as in
// Redis. Each command's arguments are its own copy; the returned slice is
// valid until the next call.
func (r *Reader) ReadCommands() ([]redcon.Command, error) {
	for {
		if r.pendingErr != nil {
			return nil, r.pendingErr
		}
		cmds, err := r.parse()
		if err != nil {
			r.pendingErr = err
		}
		if len(cmds) > 0 {
			return cmds, nil
		}
		if err != nil {
			return nil, err
		}
		if err := r.fill(); err != nil {
			return nil, err
		}
	}
}

// Buffered is how many unparsed bytes are held (CLIENT LIST's qbuf).
func (r *Reader) Buffered() int { return r.end - r.start }

// fill reads once into the buffer, making room first. An argument of known
// length gets room for all of it, so it is read in place without regrowth.
func (r *Reader) fill() error {
	keep := r.start
	if r.cmdStarted {
		keep = r.cmdStart
	}
	if keep > 0 {
		n := datatypes.CopyLarge(r.buf, r.buf[keep:r.end])
		r.start -= keep
		r.end = n
		r.cmdStart -= keep
	}
	need := protoIOBufLen
	if r.multibulk > 0 && r.bulk >= 0 {
		// Room for the rest of the argument, up to 8 MB at a time: a
		// client that announces 512 MB and sends nothing costs little.
		if rest := r.start + r.bulk + 2 - r.end; rest > need {
			need = min(rest, 8<<20)
		}
	}
	if len(r.buf)-r.end < need {
		grown := make([]byte, r.end+max(need, r.end))
		datatypes.CopyLarge(grown, r.buf[:r.end])
		r.buf = grown
	}
	n, err := r.rd.Read(r.buf[r.end:])
	r.end += n
	if r.QueryLimit != nil {
		if lim := r.QueryLimit(); lim > 0 && int64(r.end) > lim {
			return errQueryBufferLimit
		}
	}
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// parse extracts every complete request from the buffer.
func (r *Reader) parse() ([]redcon.Command, error) {
	r.cmds = r.cmds[:0]
	for r.start < r.end {
		var err error
		var done bool
		if r.multibulk > 0 || r.buf[r.start] == '*' {
			done, err = r.parseMultibulk()
		} else {
			done, err = r.parseInline()
		}
		if err != nil {
			r.materialize()
			return r.result(), err
		}
		if !done {
			break
		}
	}
	r.materialize()
	if r.start == r.end && !r.cmdStarted {
		r.start, r.end = 0, 0
		if len(r.buf) > 1<<20 {
			r.buf = make([]byte, protoIOBufLen) // let a big request's buffer go
		}
	}
	return r.result(), nil
}

// result hands out the reader's own slice: both callers (connServer.loop,
// detachedConn) finish with it before reading again, and the arguments in
// it are copies (materialize), so only the slice itself is reused.
func (r *Reader) result() []redcon.Command {
	if len(r.cmds) == 0 {
		return nil
	}
	return r.cmds
}

// strchr finds c in buf[from:end] as C's strchr would on a NUL-terminated
// buffer: a NUL byte first means not found.
func (r *Reader) strchr(from int, c byte) int {
	for i := from; i < r.end; i++ {
		switch r.buf[i] {
		case c:
			return i
		case 0:
			return -1
		}
	}
	return -1
}

func (r *Reader) parseInline() (bool, error) {
	nl := r.strchr(r.start, '\n')
	if nl < 0 {
		if r.end-r.start > protoInlineMaxSize {
			return false, errTooBigInline
		}
		return false, nil
	}
	line := r.buf[r.start:nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	args, ok := splitArgs(line)
	r.start = nl + 1
	if !ok {
		return false, errUnbalancedQuotes
	}
	if len(args) > 0 {
		r.cmds = append(r.cmds, redcon.Command{Args: args})
	}
	return true, nil
}

func (r *Reader) parseMultibulk() (bool, error) {
	if r.multibulk == 0 {
		cr := r.strchr(r.start, '\r')
		if cr < 0 {
			if r.end-r.start > protoInlineMaxSize {
				return false, errTooBigMbulkCount
			}
			return false, nil
		}
		if cr+1 >= r.end { // the byte after '\r' is not here yet
			return false, nil
		}
		n, ok := string2ll(r.buf[r.start+1 : cr])
		if !ok || n > maxMultibulkLen {
			return false, errInvalidMbulkLen
		}
		begin := r.start
		r.start = cr + 2
		if n <= 0 {
			return true, nil // an empty request: ignored
		}
		r.multibulk = int(n)
		r.cmdStart, r.cmdStarted = begin, true
		r.args = r.args[:0]
		r.bulk = -1
	}
	for r.multibulk > 0 {
		if r.bulk < 0 {
			cr := r.strchr(r.start, '\r')
			if cr < 0 {
				if r.end-r.start > protoInlineMaxSize {
					return false, errTooBigBulkCount
				}
				return false, nil
			}
			if cr+1 >= r.end {
				return false, nil
			}
			if r.buf[r.start] != '$' {
				return false, &ProtocolError{"expected '$', got '" + string(r.buf[r.start:r.start+1]) + "'"}
			}
			n, ok := string2ll(r.buf[r.start+1 : cr])
			limit := int64(defaultProtoMaxBulkLen)
			if r.maxBulk != nil {
				limit = r.maxBulk()
			}
			if !ok || n < 0 || n > limit {
				return false, errInvalidBulkLen
			}
			r.start = cr + 2
			r.bulk = int(n)
			if r.MaxRequest > 0 && int64(r.start-r.cmdStart)+n > r.MaxRequest {
				r.skipping = true
			}
			if r.skipping {
				r.skipLeft, r.bulk = int(n)+2, 0
			}
		}
		if r.skipping {
			// Drop what is here of the argument; fill keeps nothing
			// from before cmdStart, so the buffer does not grow.
			k := min(r.end-r.start, r.skipLeft)
			r.start += k
			r.skipLeft -= k
			r.cmdStart = r.start
			if r.skipLeft > 0 {
				return false, nil
			}
			r.bulk = -1
			r.multibulk--
			continue
		}
		if r.end-r.start < r.bulk+2 {
			return false, nil
		}
		r.args = append(r.args, [2]int{r.start - r.cmdStart, r.start + r.bulk - r.cmdStart})
		r.start += r.bulk + 2
		r.bulk = -1
		r.multibulk--
	}
	if r.skipping {
		r.skipping, r.cmdStarted = false, false
		r.cmds = append(r.cmds, redcon.Command{})
		return true, nil
	}
	// Copied out by materialize before the buffer is reused.
	r.pending = append(r.pending, pendingCmd{
		cmd: len(r.cmds), start: r.cmdStart, end: r.start,
		argFrom: len(r.pendingArgs), argTo: len(r.pendingArgs) + len(r.args),
	})
	r.pendingArgs = append(r.pendingArgs, r.args...)
	r.cmds = append(r.cmds, redcon.Command{})
	r.cmdStarted = false
	return true, nil
}

// pendingCmd is a parsed request still in the read buffer: cmd indexes
// cmds, buf[start:end] are its bytes, pendingArgs[argFrom:argTo] its
// arguments.
type pendingCmd struct {
	cmd, start, end int
	argFrom, argTo  int
}

// sharedCopyMax bounds a request that shares its batch's copy; a bigger
// one gets a copy of its own. An argument kept past its command would pin
// the whole batch's copy (one read's worth of small requests): arguments
// are not kept (the log and the FSM hold their own bytes).
const sharedCopyMax = 4 << 10

// materialize gives the pending requests their own copy of their bytes,
// so their arguments stay valid after the buffer is reused, as redcon's
// did. The small requests read in one go share one copy and one argument
// slice: two allocations per batch instead of two per request.
func (r *Reader) materialize() {
	if len(r.pending) == 0 {
		return
	}
	shared := 0
	for _, p := range r.pending {
		if p.end-p.start <= sharedCopyMax {
			shared += p.end - p.start
		}
	}
	var arena []byte
	if shared > 0 {
		arena = make([]byte, 0, shared)
	}
	args := make([][]byte, len(r.pendingArgs))
	for _, p := range r.pending {
		var raw []byte
		if n := p.end - p.start; n <= sharedCopyMax {
			from := len(arena)
			arena = append(arena, r.buf[p.start:p.end]...)
			raw = arena[from : from+n : from+n]
		} else {
			raw = datatypes.AppendLarge(nil, r.buf[p.start:p.end])
		}
		cmdArgs := args[p.argFrom:p.argTo:p.argTo]
		for i, a := range r.pendingArgs[p.argFrom:p.argTo] {
			cmdArgs[i] = raw[a[0]:a[1]:a[1]]
		}
		r.cmds[p.cmd] = redcon.Command{Raw: raw, Args: cmdArgs}
	}
	r.pending = r.pending[:0]
	r.pendingArgs = r.pendingArgs[:0]
}

// string2ll is Redis's strict integer parser: no sign but '-', no leading
// zeros, no spaces, at most 20 characters, no overflow.
func string2ll(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v = v*10 + uint64(ch-'0')
		if v < uint64(ch-'0') {
			return 0, false
		}
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// splitArgs is Redis's sdssplitargs: whitespace-separated words, "double
// quotes" with \n \r \t \b \a \xHH escapes, 'single quotes' with \', and a
// closing quote that must end the word. ok is false on unbalanced quotes.
func splitArgs(line []byte) (args [][]byte, ok bool) {
	p := 0
	at := func(i int) byte { // C string: past the end reads NUL
		if i < len(line) {
			return line[i]
		}
		return 0
	}
	for {
		for p < len(line) && isSpace(line[p]) {
			p++
		}
		if p >= len(line) || line[p] == 0 {
			return args, true
		}
		var cur []byte
		inq, insq, done := false, false, false
		for !done {
			c := at(p)
			switch {
			case inq:
				switch {
				case c == '\\' && at(p+1) == 'x' && isHex(at(p+2)) && isHex(at(p+3)):
					cur = append(cur, hexVal(at(p+2))<<4|hexVal(at(p+3)))
					p += 3
				case c == '\\' && at(p+1) != 0:
					p++
					e := at(p)
					switch e {
					case 'n':
						e = '\n'
					case 'r':
						e = '\r'
					case 't':
						e = '\t'
					case 'b':
						e = '\b'
					case 'a':
						e = '\a'
					}
					cur = append(cur, e)
				case c == '"':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return nil, false
					}
					done = true
				case c == 0:
					return nil, false
				default:
					cur = append(cur, c)
				}
			case insq:
				switch {
				case c == '\\' && at(p+1) == '\'':
					p++
					cur = append(cur, '\'')
				case c == '\'':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return nil, false
					}
					done = true
				case c == 0:
					return nil, false
				default:
					cur = append(cur, c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					cur = append(cur, c)
				}
			}
			if p < len(line) {
				p++
			}
		}
		if cur == nil {
			cur = []byte{}
		}
		args = append(args, cur)
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
