package resp

import "github.com/quoris/quoris/fsm/resp3"

// RESP3 at the edge: the FSM, local commands and the peer link speak RESP2
// only. A reply goes to a client that negotiated HELLO 3 through
// appendRESP3, which re-types it by the command's reply shape (package
// fsm/resp3, which scripts use too). RESP2 clients never reach this file.

func appendRESP3(dst []byte, args [][]byte, reply []byte) []byte {
	return resp3.Append(dst, args, reply)
}

func appendHeader(dst []byte, typ byte, n int) []byte { return resp3.AppendHeader(dst, typ, n) }

func appendBulk3(dst, b []byte) []byte { return resp3.AppendBulk(dst, b) }

// appendPushFrame starts an out-of-band push frame of n elements (RESP3
// pub/sub messages and tracking invalidations).
func appendPushFrame(out []byte, n int) []byte { return appendHeader(out, '>', n) }

// appendMapHeader starts a map of n key/value pairs (RESP3) or, for a
// RESP2 client, the flat array of 2n elements Redis sends instead.
func appendMapHeader(out []byte, proto int32, n int) []byte {
	if proto == 3 {
		return appendHeader(out, '%', n)
	}
	return appendHeader(out, '*', 2*n)
}

// appendSetHeader starts a set (RESP3) or an array (RESP2) of n elements.
func appendSetHeader(out []byte, proto int32, n int) []byte {
	if proto == 3 {
		return appendHeader(out, '~', n)
	}
	return appendHeader(out, '*', n)
}

// appendNull is the null of the client's protocol: RESP2's null bulk string.
func appendNull(out []byte, proto int32) []byte {
	if proto == 3 {
		return append(out, '_', '\r', '\n')
	}
	return append(out, '$', '-', '1', '\r', '\n')
}

// appendNullArray is RESP2's null array or RESP3's null.
func appendNullArray(out []byte, proto int32) []byte {
	if proto == 3 {
		return append(out, '_', '\r', '\n')
	}
	return append(out, '*', '-', '1', '\r', '\n')
}

// appendBool is RESP3's boolean, or RESP2's integer 1/0.
func appendBool(out []byte, proto int32, b bool) []byte {
	switch {
	case proto == 3 && b:
		return append(out, '#', 't', '\r', '\n')
	case proto == 3:
		return append(out, '#', 'f', '\r', '\n')
	case b:
		return append(out, ':', '1', '\r', '\n')
	}
	return append(out, ':', '0', '\r', '\n')
}

// appendDouble is a double as Redis 7.0's addReplyDouble sends it: a bulk
// string in RESP2, ',' in RESP3, the same "%.17g" text in both.
func appendDouble(out []byte, proto int32, text string) []byte {
	if proto == 3 {
		out = append(out, ',')
		out = append(out, text...)
		return append(out, '\r', '\n')
	}
	return appendBulk3(out, []byte(text))
}
