package lualib

import (
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

type jsonToken int

const (
	tObjBegin jsonToken = iota
	tObjEnd
	tArrBegin
	tArrEnd
	tString
	tNumber
	tBoolean
	tNull
	tColon
	tComma
	tEnd
	tWhitespace
	tError
	tUnknown
)

var jsonTokenNames = [...]string{"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER",
	"T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN"}

var jsonCh2Token = func() [256]jsonToken {
	var t [256]jsonToken
	for i := range t {
		t[i] = tError
	}
	t['{'], t['}'], t['['], t[']'] = tObjBegin, tObjEnd, tArrBegin, tArrEnd
	t[','], t[':'], t[0] = tComma, tColon, tEnd
	t[' '], t['\t'], t['\n'], t['\r'] = tWhitespace, tWhitespace, tWhitespace, tWhitespace
	for _, c := range "fiInNt\"+-0123456789" {
		t[c] = tUnknown
	}
	return t
}()

var jsonEscape2Char = func() [256]byte {
	var t [256]byte
	t['"'], t['\\'], t['/'], t['b'], t['t'] = '"', '\\', '/', '\b', '\t'
	t['n'], t['f'], t['r'], t['u'] = '\n', '\f', '\r', 'u'
	return t
}()

type token struct {
	typ    jsonToken
	index  int
	str    string // string value, or the error text for tError
	number float64
	boolv  bool
}

// jsonDecoder carries one cjson.decode call over data, which behaves as
// the NUL-terminated C string it is in lua-cjson: a NUL ends the input.
type jsonDecoder struct {
	L     *lua.LState
	cfg   *cjsonConfig
	data  string
	ptr   int
	depth int
	stack int
	tmp   strings.Builder
}

func (d *jsonDecoder) at(i int) byte {
	if i < len(d.data) {
		return d.data[i]
	}
	return 0
}

func (cfg *cjsonConfig) decode(L *lua.LState) int {
	if L.GetTop() != 1 {
		argError(L, 1, "expected 1 argument")
	}
	data := checkString(L, 1)
	d := &jsonDecoder{L: L, cfg: cfg, data: data, stack: 1}
	// Detect Unicode other than UTF-8: only the first character is
	// guaranteed to be ASCII.
	if len(data) >= 2 && (data[0] == 0 || data[1] == 0) {
		raise(L, "JSON parser does not support UTF-16 or UTF-32")
	}
	var tok token
	d.nextToken(&tok)
	v := d.processValue(&tok)
	d.nextToken(&tok)
	if tok.typ != tEnd {
		d.parseError("the end", &tok)
	}
	L.Push(v)
	return 1
}

func (d *jsonDecoder) parseError(exp string, tok *token) {
	found := jsonTokenNames[tok.typ]
	if tok.typ == tError {
		found = tok.str
	}
	raise(d.L, "Expected %s but found %s at character %d", exp, found, tok.index+1)
}

func (d *jsonDecoder) setError(tok *token, msg string) {
	tok.typ = tError
	tok.index = d.ptr
	tok.str = msg
}

func (d *jsonDecoder) nextToken(tok *token) {
	var ch byte
	for {
		ch = d.at(d.ptr)
		tok.typ = jsonCh2Token[ch]
		if tok.typ != tWhitespace {
			break
		}
		d.ptr++
	}
	tok.index = d.ptr
	switch tok.typ {
	case tError:
		d.setError(tok, "invalid token")
		return
	case tEnd:
		return
	case tUnknown:
	default:
		d.ptr++
		return
	}
	rest := d.data[d.ptr:]
	switch {
	case ch == '"':
		d.nextString(tok)
	case ch == '-' || isDigit(ch):
		if d.cfg.decodeInvalid == 0 && d.isInvalidNumber() {
			d.setError(tok, "invalid number")
			return
		}
		d.nextNumber(tok)
	case strings.HasPrefix(rest, "true"):
		tok.typ, tok.boolv = tBoolean, true
		d.ptr += 4
	case strings.HasPrefix(rest, "false"):
		tok.typ, tok.boolv = tBoolean, false
		d.ptr += 5
	case strings.HasPrefix(rest, "null"):
		tok.typ = tNull
		d.ptr += 4
	case d.cfg.decodeInvalid != 0 && d.isInvalidNumber():
		// Only numbers known to be invalid JSON (Inf, NaN, hex) get here.
		d.nextNumber(tok)
	default:
		d.setError(tok, "invalid token")
	}
}

// isInvalidNumber is json_is_invalid_number: a leading '+', hexadecimal,
// leading zeros, inf and nan.
func (d *jsonDecoder) isInvalidNumber() bool {
	p := d.ptr
	if d.at(p) == '+' {
		return true
	}
	if d.at(p) == '-' {
		p++
	}
	if c := d.at(p); c == '0' {
		c2 := d.at(p + 1)
		return c2|0x20 == 'x' || isDigit(c2)
	} else if c <= '9' {
		return false
	}
	rest := d.cstr(p)
	return hasPrefixFold(rest, "inf") || hasPrefixFold(rest, "nan")
}

// cstr is the C string from p: up to the first NUL.
func (d *jsonDecoder) cstr(p int) string {
	if p >= len(d.data) {
		return ""
	}
	s := d.data[p:]
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}

func (d *jsonDecoder) nextNumber(tok *token) {
	f, n := strtod(d.cstr(d.ptr))
	if n == 0 {
		d.setError(tok, "invalid number")
		return
	}
	tok.typ = tNumber
	tok.number = f
	d.ptr += n
}

func (d *jsonDecoder) nextString(tok *token) {
	d.ptr++ // opening quote
	d.tmp.Reset()
	for {
		ch := d.at(d.ptr)
		if ch == '"' {
			break
		}
		if ch == 0 {
			d.setError(tok, "unexpected end of string")
			return
		}
		if ch == '\\' {
			ch = jsonEscape2Char[d.at(d.ptr+1)]
			if ch == 'u' {
				if d.appendUnicodeEscape() {
					continue
				}
				d.setError(tok, "invalid unicode escape code")
				return
			}
			if ch == 0 {
				d.setError(tok, "invalid escape code")
				return
			}
			d.ptr++
		}
		d.tmp.WriteByte(ch)
		d.ptr++
	}
	d.ptr++ // closing quote
	tok.typ = tString
	tok.str = d.tmp.String()
}

func (d *jsonDecoder) hex4(p int) int {
	v := 0
	for i := 0; i < 4; i++ {
		h := hexVal(d.at(p + i))
		if h < 0 {
			return -1
		}
		v = v<<4 | h
	}
	return v
}

// appendUnicodeEscape decodes \uXXXX (and a following low surrogate) at
// ptr into UTF-8, as json_append_unicode_escape does.
func (d *jsonDecoder) appendUnicodeEscape() bool {
	escapeLen := 6
	cp := d.hex4(d.ptr + 2)
	if cp < 0 {
		return false
	}
	if cp&0xF800 == 0xD800 {
		if cp&0x400 != 0 {
			return false
		}
		if d.at(d.ptr+escapeLen) != '\\' || d.at(d.ptr+escapeLen+1) != 'u' {
			return false
		}
		low := d.hex4(d.ptr + 2 + escapeLen)
		if low < 0 || low&0xFC00 != 0xDC00 {
			return false
		}
		cp = ((cp&0x3FF)<<10 | low&0x3FF) + 0x10000
		escapeLen = 12
	}
	// codepoint_to_utf8 encodes any value below 0x110000, lone low
	// surrogates included, which utf8.EncodeRune would replace.
	var b [4]byte
	n := 0
	switch {
	case cp <= 0x7F:
		b[0], n = byte(cp), 1
	case cp <= 0x7FF:
		b[0], b[1], n = byte(0xC0|cp>>6), byte(0x80|cp&0x3F), 2
	case cp <= 0xFFFF:
		b[0], b[1], b[2], n = byte(0xE0|cp>>12), byte(0x80|(cp>>6)&0x3F), byte(0x80|cp&0x3F), 3
	case cp <= utf8.MaxRune:
		b[0], b[1], b[2], b[3], n = byte(0xF0|cp>>18), byte(0x80|(cp>>12)&0x3F), byte(0x80|(cp>>6)&0x3F), byte(0x80|cp&0x3F), 4
	default:
		return false
	}
	d.tmp.Write(b[:n])
	d.ptr += escapeLen
	return true
}

// descend is json_decode_descend: the depth limit, and lua_checkstack's
// LUAI_MAXCSTACK bound on the slots a nested container needs.
func (d *jsonDecoder) descend(slots int) {
	d.depth++
	if d.depth <= d.cfg.decodeMaxDepth && d.stack+slots <= luaMaxCStack {
		return
	}
	raise(d.L, "Found too many nested data structures (%d) at character %d", d.depth, d.ptr)
}

func (d *jsonDecoder) processValue(tok *token) lua.LValue {
	switch tok.typ {
	case tString:
		return lua.LString(tok.str)
	case tNumber:
		return lua.LNumber(tok.number)
	case tBoolean:
		return lua.LBool(tok.boolv)
	case tObjBegin:
		return d.parseObject()
	case tArrBegin:
		return d.parseArray()
	case tNull:
		return d.cfg.null
	}
	d.parseError("value", tok)
	return nil
}

func (d *jsonDecoder) parseObject() lua.LValue {
	d.descend(3)
	t := d.L.NewTable()
	var tok token
	d.nextToken(&tok)
	if tok.typ == tObjEnd {
		d.depth--
		return t
	}
	d.stack += 2 // table and key
	for {
		if tok.typ != tString {
			d.parseError("object key string", &tok)
		}
		key := tok.str
		d.nextToken(&tok)
		if tok.typ != tColon {
			d.parseError("colon", &tok)
		}
		d.nextToken(&tok)
		t.RawSetString(key, d.processValue(&tok))
		d.nextToken(&tok)
		if tok.typ == tObjEnd {
			d.depth--
			d.stack -= 2
			return t
		}
		if tok.typ != tComma {
			d.parseError("comma or object end", &tok)
		}
		d.nextToken(&tok)
	}
}

func (d *jsonDecoder) parseArray() lua.LValue {
	d.descend(2)
	t := d.L.NewTable()
	var tok token
	d.nextToken(&tok)
	if tok.typ == tArrEnd {
		d.depth--
		return t
	}
	d.stack++ // table
	for i := 1; ; i++ {
		t.RawSetInt(i, d.processValue(&tok))
		d.nextToken(&tok)
		if tok.typ == tArrEnd {
			d.depth--
			d.stack--
			return t
		}
		if tok.typ != tComma {
			d.parseError("comma or array end", &tok)
		}
		d.nextToken(&tok)
	}
}
