package fsm

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"github.com/tidwall/redcon"
	lua "github.com/yuin/gopher-lua"

	"github.com/quoris/quoris/fsm/resp3"
)

// Conversions between RESP replies and Lua values, by Redis 7.0's rules
// (script_lua.c): redisProtocolToLuaType for what redis.call returns,
// luaReplyToRedisReply for what a script returns.

// maxReplyDepth bounds the nesting of a script's reply: a table holding
// itself would otherwise recurse forever. Redis fails the same way, on its
// Lua stack limit.
const maxReplyDepth = 1000

// respToLua parses one RESP2 or RESP3 reply at the start of b into a Lua
// value. RESP3 types arrive only after redis.setresp(3) and convert as
// Redis's redisProtocolToLuaType_* do: a map to {map={k=v}}, a set to
// {set={m=true}}, a double to {double=n}, a big number to {big_number=s},
// a verbatim string to {verbatim_string={format=f, string=s}}, a boolean
// to a boolean, null to nil. The FSM produced b, so it is well formed; a
// damaged reply yields false.
func respToLua(L *lua.LState, b []byte) (lua.LValue, []byte) {
	if len(b) < 3 {
		return lua.LFalse, nil
	}
	end := bytes.Index(b, []byte("\r\n"))
	if end < 0 {
		return lua.LFalse, nil
	}
	line, rest := b[1:end], b[end+2:]
	switch b[0] {
	case '+':
		t := L.CreateTable(0, 1) // NewTable preallocates 32+32 slots: most of a small script's cost
		t.RawSetString("ok", lua.LString(line))
		return t, rest
	case '-':
		return errorTable(L, "-"+string(line)), rest
	case ':':
		n, _ := strconv.ParseInt(string(line), 10, 64)
		return lua.LNumber(n), rest
	case '$':
		n, err := strconv.Atoi(string(line))
		if err != nil || n < 0 || n+2 > len(rest) {
			return lua.LFalse, rest
		}
		return lua.LString(rest[:n]), rest[n+2:]
	case '*':
		n, err := strconv.Atoi(string(line))
		if err != nil || n < 0 {
			return lua.LFalse, rest
		}
		t := L.CreateTable(n, 0)
		for i := 1; i <= n; i++ {
			var v lua.LValue
			v, rest = respToLua(L, rest)
			t.RawSetInt(i, v)
		}
		return t, rest
	case '%', '~':
		n, err := strconv.Atoi(string(line))
		if err != nil || n < 0 {
			return lua.LFalse, rest
		}
		inner := L.CreateTable(0, n)
		for i := 0; i < n; i++ {
			var k, v lua.LValue
			k, rest = respToLua(L, rest)
			if b[0] == '%' {
				v, rest = respToLua(L, rest)
			} else {
				v = lua.LTrue
			}
			if k != lua.LNil {
				inner.RawSet(k, v)
			}
		}
		t := L.CreateTable(0, 1)
		if b[0] == '%' {
			t.RawSetString("map", inner)
		} else {
			t.RawSetString("set", inner)
		}
		return t, rest
	case ',':
		d, _ := strconv.ParseFloat(string(line), 64)
		t := L.CreateTable(0, 1)
		t.RawSetString("double", lua.LNumber(d))
		return t, rest
	case '(':
		t := L.CreateTable(0, 1)
		t.RawSetString("big_number", lua.LString(line))
		return t, rest
	case '#':
		return lua.LBool(len(line) == 1 && line[0] == 't'), rest
	case '_':
		return lua.LNil, rest
	case '=':
		n, err := strconv.Atoi(string(line))
		if err != nil || n < 4 || n+2 > len(rest) {
			return lua.LFalse, rest
		}
		vt := L.CreateTable(0, 2)
		vt.RawSetString("format", lua.LString(rest[:3]))
		vt.RawSetString("string", lua.LString(rest[4:n]))
		t := L.CreateTable(0, 1)
		t.RawSetString("verbatim_string", vt)
		return t, rest[n+2:]
	}
	return lua.LFalse, nil
}

// errorTable is luaPushErrorBuff: a Lua error table {err = "CODE msg"}.
// "-CODE msg" keeps its code, "-msg" and "msg" get ERR; trailing CR/LF go.
func errorTable(L *lua.LState, s string) *lua.LTable {
	t := L.CreateTable(0, 1)
	t.RawSetString("err", lua.LString(errorText(s)))
	return t
}

func errorText(s string) string {
	code, msg := "ERR", s
	if strings.HasPrefix(s, "-") {
		if i := strings.IndexByte(s, ' '); i >= 0 {
			code, msg = s[1:i], s[i+1:]
		} else {
			msg = s[1:]
		}
	}
	return code + " " + strings.Trim(msg, "\r\n")
}

// replyMode is what luaReplyToRedisReply's output depends on besides the
// value: whether the script called redis.setresp(3) (booleans are then
// addReplyBool, else 1 or a null) and whether the caller speaks RESP3
// (nulls, booleans, doubles, big numbers, verbatim strings, maps and sets
// then keep their own types; a RESP2 caller sees them flattened).
type replyMode struct {
	script3 bool
	caller3 bool
}

// luaToResp appends v as the reply to a RESP2 caller of a RESP2 script.
// Tables are, in this order of precedence: an error ({err=}), a status
// ({ok=}), RESP3 shapes ({double=}, {big_number=}, {verbatim_string=},
// {map=}, {set=}), else an array up to the first nil.
func luaToResp(out []byte, v lua.LValue, depth int) []byte {
	return luaToRespProto(out, v, depth, replyMode{})
}

// luaToRespProto is luaToResp in mode m.
func luaToRespProto(out []byte, v lua.LValue, depth int, m replyMode) []byte {
	if depth > maxReplyDepth {
		return redcon.AppendError(out, "ERR reached lua stack limit")
	}
	switch v := v.(type) {
	case lua.LString:
		return redcon.AppendBulkString(out, string(v))
	case lua.LBool:
		return appendScriptBool(out, bool(v), m)
	case lua.LNumber:
		return redcon.AppendInt(out, luaToInt(float64(v)))
	case *lua.LTable:
		return tableToResp(out, v, depth, m)
	}
	return appendScriptNull(out, m)
}

// appendScriptBool is a Lua boolean: addReplyBool after redis.setresp(3)
// (#t/#f, or :1/:0 for a RESP2 caller), else 1 or a null.
func appendScriptBool(out []byte, b bool, m replyMode) []byte {
	switch {
	case m.script3 && m.caller3 && b:
		return append(out, "#t\r\n"...)
	case m.script3 && m.caller3:
		return append(out, "#f\r\n"...)
	case b:
		return redcon.AppendInt(out, 1)
	case m.script3:
		return redcon.AppendInt(out, 0)
	}
	return appendScriptNull(out, m)
}

func appendScriptNull(out []byte, m replyMode) []byte {
	if m.caller3 {
		return append(out, "_\r\n"...)
	}
	return redcon.AppendNull(out)
}

func tableToResp(out []byte, t *lua.LTable, depth int, m replyMode) []byte {
	if e, ok := t.RawGetString("err").(lua.LString); ok {
		return appendErrorReply(out, string(e))
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		return redcon.AppendString(out, oneLine(string(s)))
	}
	if d, ok := t.RawGetString("double").(lua.LNumber); ok {
		if m.caller3 {
			return append(append(append(out, ','), formatG17(float64(d))...), '\r', '\n')
		}
		return redcon.AppendBulkString(out, formatDouble(float64(d)))
	}
	if s, ok := t.RawGetString("big_number").(lua.LString); ok {
		if m.caller3 {
			return append(append(append(out, '('), oneLine(string(s))...), '\r', '\n')
		}
		return redcon.AppendBulkString(out, oneLine(string(s)))
	}
	if vt, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		f, fok := vt.RawGetString("format").(lua.LString)
		s, sok := vt.RawGetString("string").(lua.LString)
		if fok && sok {
			if m.caller3 {
				return resp3.AppendVerbatimFormat(out, string(f), []byte(s))
			}
			return redcon.AppendBulkString(out, string(s))
		}
	}
	if mt, ok := t.RawGetString("map").(*lua.LTable); ok {
		var body []byte
		n := 0
		mt.ForEach(func(k, v lua.LValue) {
			body = luaToRespProto(body, k, depth+1, m)
			body = luaToRespProto(body, v, depth+1, m)
			n++
		})
		if m.caller3 {
			return append(resp3.AppendHeader(out, '%', n), body...)
		}
		return append(redcon.AppendArray(out, 2*n), body...)
	}
	if st, ok := t.RawGetString("set").(*lua.LTable); ok {
		var body []byte
		n := 0
		st.ForEach(func(k, _ lua.LValue) {
			body = luaToRespProto(body, k, depth+1, m)
			n++
		})
		if m.caller3 {
			return append(resp3.AppendHeader(out, '~', n), body...)
		}
		return append(redcon.AppendArray(out, n), body...)
	}
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	out = redcon.AppendArray(out, n)
	for i := 1; i <= n; i++ {
		out = luaToRespProto(out, t.RawGetInt(i), depth+1, m)
	}
	return out
}

// appendErrorReply is addReplyErrorFormat("-%s"): one line, and "-ERR "
// only when the text does not start with '-' itself... which "-%s" always
// does, so the text goes out as it is.
func appendErrorReply(out []byte, msg string) []byte {
	return append(append(append(out, '-'), oneLine(strings.TrimRight(msg, "\r\n"))...), '\r', '\n')
}

// oneLine maps CR and LF to spaces, as Redis does before writing a status
// or error line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// luaToInt is C's (long long) cast of a double as x86-64 performs it:
// truncation toward zero, and INT64_MIN for NaN and anything out of range
// (Go leaves that to the platform, so it is spelled out here).
func luaToInt(f float64) int64 {
	if math.IsNaN(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(f)
}

// formatDouble is addReplyDouble for a RESP2 client.
func formatDouble(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

// luaArg is luaArgsToRedisArgv for one argument: numbers as "%.17g",
// strings as they are; ok is false for any other type.
func luaArg(v lua.LValue) ([]byte, bool) {
	switch v := v.(type) {
	case lua.LString:
		return []byte(v), true
	case lua.LNumber:
		return []byte(formatG17(float64(v))), true
	}
	return nil, false
}

func formatG17(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}
