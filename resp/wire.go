package resp

import (
	"bufio"
	"errors"
	"fmt"
	"strconv"
)

// errBadReply means a peer sent something that is not RESP.
var errBadReply = errors.New("resp: malformed reply")

// maxReplyDepth bounds nesting so a hostile peer cannot exhaust the stack.
const maxReplyDepth = 64

// appendReply reads one complete RESP2 reply (or RESP3 one: the reply to
// a RESP3 client's script, QUORIS.RESP3) from rd and appends its raw
// bytes to dst, so a proxy can relay it untouched.
func appendReply(dst []byte, rd *bufio.Reader) ([]byte, error) {
	return appendReplyDepth(dst, rd, 0)
}

func appendReplyDepth(dst []byte, rd *bufio.Reader, depth int) ([]byte, error) {
	if depth > maxReplyDepth {
		return dst, errBadReply
	}
	line, err := rd.ReadSlice('\n')
	if err != nil {
		return dst, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return dst, errBadReply
	}
	dst = append(dst, line...)
	switch line[0] {
	case '+', '-', ':', '_', ',', '#', '(':
		return dst, nil
	case '$', '=', '!':
		n, err := strconv.Atoi(string(line[1 : len(line)-2]))
		if err != nil {
			return dst, errBadReply
		}
		if n < 0 {
			return dst, nil
		}
		start := len(dst)
		dst = append(dst, make([]byte, n+2)...)
		if _, err := readFull(rd, dst[start:]); err != nil {
			return dst, err
		}
		return dst, nil
	case '*', '~', '>', '%':
		n, err := strconv.Atoi(string(line[1 : len(line)-2]))
		if err != nil {
			return dst, errBadReply
		}
		if line[0] == '%' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			if dst, err = appendReplyDepth(dst, rd, depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	default:
		return dst, fmt.Errorf("%w: type %q", errBadReply, line[0])
	}
}

func readFull(rd *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := rd.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// appendCommand encodes argv as a RESP array of bulk strings.
func appendCommand(dst []byte, args [][]byte) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}
