package resp3

import (
	"strconv"
)

// maxDepth bounds the nesting of a parsed reply, as the reply reader does.
const maxDepth = 64

// Package resp3 re-types a command's RESP2 reply as Redis 7.0 sends it in
// RESP3, by the command's reply shape (shapes.go). The FSM, local commands
// and the peer link speak RESP2 only: the client edge converts for clients
// that negotiated HELLO 3, and scripts convert what redis.call returns
// after redis.setresp(3). It depends on nothing, so both may use it.

// shapeKind says how one RESP2 value becomes its RESP3 form.
type shapeKind uint8

const (
	kAny             shapeKind = iota // nulls become '_', nested values likewise
	kArray                            // an array whose elements have shape elem
	kSet                              // an array sent as a set ('~')
	kMap                              // a flat key/value array sent as a map ('%')
	kPairs                            // a flat array of 2N sent as N two-element arrays, the second of shape elem
	kTuple                            // an array whose elements have the shapes of items, by position
	kDouble                           // a bulk string holding a double, sent as ','
	kVerbatim                         // a bulk string sent as a verbatim "txt" string ('=')
	kRaw                              // already RESP3 (EXEC converts its elements itself)
	kArrayOrEmptySet                  // an array, except that an empty one is sent as an empty set (COMMAND INFO's subcommands)
)

// shape describes a reply: elem is the shape of array/set elements and map
// values not named in fields; items is a tuple's shapes by position.
type shape struct {
	kind   shapeKind
	elem   *shape
	fields map[string]*shape
	items  []*shape
}

var anyShape = &shape{kind: kAny}

// r2 is one parsed RESP2 value: head is its type byte, line the text after
// it (an integer, a status, an error, a length), bulk a bulk string's
// payload, kids an array's elements.
type r2 struct {
	head byte
	null bool
	line []byte
	bulk []byte
	kids []r2
}

// parseR2 reads one RESP2 value from b, returning it and the bytes after it.
func parseR2(b []byte, depth int) (r2, []byte, bool) {
	if len(b) < 3 || depth > maxDepth {
		return r2{}, nil, false
	}
	end := indexCRLF(b)
	if end < 0 {
		return r2{}, nil, false
	}
	v := r2{head: b[0], line: b[1:end]}
	rest := b[end+2:]
	switch v.head {
	case '+', '-', ':':
		return v, rest, true
	case '$':
		n, err := strconv.Atoi(string(v.line))
		if err != nil {
			return r2{}, nil, false
		}
		if n < 0 {
			v.null = true
			return v, rest, true
		}
		if len(rest) < n+2 {
			return r2{}, nil, false
		}
		v.bulk = rest[:n]
		return v, rest[n+2:], true
	case '*':
		n, err := strconv.Atoi(string(v.line))
		if err != nil {
			return r2{}, nil, false
		}
		if n < 0 {
			v.null = true
			return v, rest, true
		}
		v.kids = make([]r2, n)
		for i := range v.kids {
			var ok bool
			if v.kids[i], rest, ok = parseR2(rest, depth+1); !ok {
				return r2{}, nil, false
			}
		}
		return v, rest, true
	}
	return r2{}, nil, false
}

func indexCRLF(b []byte) int {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '\r' && b[i+1] == '\n' {
			return i
		}
	}
	return -1
}

// Append appends reply (one or more RESP2 values, each answering the
// command args) in RESP3. Bytes it cannot parse are passed through as they
// are rather than lost.
func Append(dst []byte, args [][]byte, reply []byte) []byte {
	sh := shapeFor(args)
	if sh.kind == kRaw {
		return append(dst, reply...)
	}
	for len(reply) > 0 {
		// Statuses, errors, integers and non-null strings of shape any
		// are the same bytes in both protocols.
		if sh.kind == kAny || sh.kind == kArray {
			if h := reply[0]; h == '+' || h == '-' || h == ':' || (h == '$' && len(reply) > 1 && reply[1] != '-') {
				if _, rest, ok := parseR2(reply, 0); ok {
					dst = append(dst, reply[:len(reply)-len(rest)]...)
					reply = rest
					continue
				}
			}
		}
		v, rest, ok := parseR2(reply, 0)
		if !ok {
			return append(dst, reply...)
		}
		dst = emitR3(dst, v, sh)
		reply = rest
	}
	return dst
}

// emitR3 writes v in RESP3 with shape sh. A value whose type does not fit
// the shape (an error, a null, a count where a map was expected) is written
// with the default conversion.
func emitR3(dst []byte, v r2, sh *shape) []byte {
	if sh == nil {
		sh = anyShape
	}
	if v.null {
		return append(dst, '_', '\r', '\n')
	}
	switch v.head {
	case '+', '-', ':':
		dst = append(dst, v.head)
		dst = append(dst, v.line...)
		return append(dst, '\r', '\n')
	case '$':
		switch sh.kind {
		case kDouble:
			dst = append(dst, ',')
			dst = append(dst, v.bulk...)
			return append(dst, '\r', '\n')
		case kVerbatim:
			return AppendVerbatim(dst, v.bulk)
		}
		return AppendBulk(dst, v.bulk)
	}
	// An array.
	switch sh.kind {
	case kArrayOrEmptySet:
		if len(v.kids) == 0 {
			return append(dst, '~', '0', '\r', '\n')
		}
		dst = AppendHeader(dst, '*', len(v.kids))
		for _, k := range v.kids {
			dst = emitR3(dst, k, sh.elem)
		}
		return dst
	case kSet:
		dst = AppendHeader(dst, '~', len(v.kids))
		for _, k := range v.kids {
			dst = emitR3(dst, k, sh.elem)
		}
		return dst
	case kMap:
		if len(v.kids)%2 != 0 {
			break
		}
		dst = AppendHeader(dst, '%', len(v.kids)/2)
		for i := 0; i < len(v.kids); i += 2 {
			dst = emitR3(dst, v.kids[i], anyShape)
			val := sh.elem
			if f, ok := sh.fields[string(v.kids[i].bulk)]; ok && v.kids[i].head == '$' {
				val = f
			}
			dst = emitR3(dst, v.kids[i+1], val)
		}
		return dst
	case kPairs:
		if len(v.kids)%2 != 0 {
			break
		}
		dst = AppendHeader(dst, '*', len(v.kids)/2)
		for i := 0; i < len(v.kids); i += 2 {
			dst = AppendHeader(dst, '*', 2)
			dst = emitR3(dst, v.kids[i], anyShape)
			dst = emitR3(dst, v.kids[i+1], sh.elem)
		}
		return dst
	case kTuple:
		dst = AppendHeader(dst, '*', len(v.kids))
		for i, k := range v.kids {
			item := anyShape
			if i < len(sh.items) {
				item = sh.items[i]
			}
			dst = emitR3(dst, k, item)
		}
		return dst
	case kArray:
		dst = AppendHeader(dst, '*', len(v.kids))
		for _, k := range v.kids {
			dst = emitR3(dst, k, sh.elem)
		}
		return dst
	}
	dst = AppendHeader(dst, '*', len(v.kids))
	for _, k := range v.kids {
		dst = emitR3(dst, k, anyShape)
	}
	return dst
}

func AppendHeader(dst []byte, typ byte, n int) []byte {
	dst = append(dst, typ)
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, '\r', '\n')
}

func AppendBulk(dst, b []byte) []byte {
	dst = AppendHeader(dst, '$', len(b))
	dst = append(dst, b...)
	return append(dst, '\r', '\n')
}

// AppendVerbatim is Redis's addReplyVerbatim with format "txt".
func AppendVerbatim(dst, b []byte) []byte { return AppendVerbatimFormat(dst, "txt", b) }

// AppendVerbatimFormat is addReplyVerbatim: the format padded with spaces
// or cut to three bytes, a colon, the text.
func AppendVerbatimFormat(dst []byte, format string, b []byte) []byte {
	ext := [3]byte{' ', ' ', ' '}
	copy(ext[:], format)
	dst = AppendHeader(dst, '=', len(b)+4)
	dst = append(append(dst, ext[:]...), ':')
	dst = append(dst, b...)
	return append(dst, '\r', '\n')
}
