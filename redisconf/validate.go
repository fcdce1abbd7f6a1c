package redisconf

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Errors CONFIG SET reports for a parameter, after "CONFIG SET failed
// (possibly related to argument 'name') - ".
var (
	ErrImmutable = errors.New("can't set immutable config")
	ErrProtected = errors.New("can't set protected config")
)

// Normalize validates value as Redis's CONFIG SET would for p, given the
// current value old (some parameters update part of it), and returns the
// text CONFIG GET shows afterwards. It does not check Immutable or
// Protected: CONFIG SET refuses those before looking at any value.
func (p *Param) Normalize(old, value string) (string, error) {
	switch p.Kind {
	case Bool:
		switch strings.ToLower(value) {
		case "yes":
			return "yes", nil
		case "no":
			return "no", nil
		}
		return "", errors.New("argument must be 'yes' or 'no'")
	case Int, Memory:
		return p.numeric(value)
	case Enum:
		return p.enum(value)
	case Special:
		return p.Check(old, value)
	}
	return value, nil
}

// numeric is Redis's numericParseString followed by numericBoundaryCheck.
func (p *Param) numeric(value string) (string, error) {
	var raw uint64
	parsed := false
	if p.Kind == Memory {
		if n, ok := memtoull(value); ok {
			raw, parsed = n, true
		} else if p.Percent && strings.HasSuffix(value, "%") {
			if n, ok := string2ll(value[:len(value)-1]); ok && n >= 0 {
				raw, parsed = uint64(-n), true
			}
		}
	} else if n, ok := string2ll(value); ok {
		raw, parsed = uint64(n), true
	}
	if !parsed {
		switch {
		case p.Percent:
			return "", errors.New("argument must be a memory or percent value")
		case p.Kind == Memory:
			return "", errors.New("argument must be a memory value")
		}
		return "", errors.New("argument couldn't be parsed into an integer")
	}
	if p.Max > math.MaxInt64 {
		// An unsigned long long parameter (maxmemory): compared unsigned.
		if raw < uint64(p.Min) || raw > p.Max {
			return "", fmt.Errorf("argument must be between %d and %d inclusive", p.Min, p.Max)
		}
		return strconv.FormatUint(raw, 10), nil
	}
	n := int64(raw)
	if p.Percent && n < 0 {
		if n < p.Min {
			return "", errors.New("percentage argument must be less or equal to 100")
		}
		return strconv.FormatInt(-n, 10) + "%", nil
	}
	if n < p.Min || n > int64(p.Max) {
		return "", fmt.Errorf("argument must be between %d and %d inclusive", p.Min, p.Max)
	}
	if p.Octal {
		return strconv.FormatInt(n, 8), nil
	}
	if p.Effective != nil {
		n = p.Effective(n)
	}
	return strconv.FormatInt(n, 10), nil
}

func (p *Param) enum(value string) (string, error) {
	bad := fmt.Errorf("argument(s) must be one of the following: %s", strings.Join(p.Values, ", "))
	pick := func(v string) (string, bool) {
		for _, name := range p.Values {
			if strings.EqualFold(v, name) {
				if syn, ok := p.Synonyms[name]; ok {
					return syn, true
				}
				return name, true
			}
		}
		return "", false
	}
	if !p.Flags {
		if v, ok := pick(value); ok {
			return v, nil
		}
		return "", bad
	}
	// A set of flags (shutdown-on-sig*): "default" is none of them.
	set := map[string]bool{}
	ws := words(value)
	if len(ws) == 0 {
		return "", bad
	}
	for _, w := range ws {
		v, ok := pick(w)
		if !ok {
			return "", bad
		}
		set[v] = true
	}
	if set["save"] && set["nosave"] {
		return "", errors.New("shutdown options SAVE and NOSAVE can't be used simultaneously")
	}
	var out []string
	for _, name := range p.Values[1:] {
		if set[name] {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return p.Values[0], nil
	}
	return strings.Join(out, " "), nil
}

// string2ll is Redis's strict integer parser: optional '-', no leading
// zeros, no '+', no spaces, within int64.
func string2ll(s string) (int64, bool) {
	if s == "" || len(s) > 20 || s == "-0" {
		return 0, false
	}
	d := s
	if d[0] == '-' {
		d = d[1:]
	}
	if d == "" || (len(d) > 1 && d[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// memtoull is Redis's: digits, then nothing, b, k, kb, m, mb, g or gb
// (any case; k is 1000, kb 1024). No sign; the digits must fit in 64 bits;
// the unit's multiplication wraps as in C. No digits at all is zero.
func memtoull(s string) (uint64, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(s[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	if i == 0 {
		return 0, true
	}
	if i >= 128 {
		return 0, false
	}
	n, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil {
		n = math.MaxUint64 // strtoull saturates; Redis does not check ERANGE
	}
	return n * mul, true
}

// strtoll is C's for a whole word: leading spaces, a sign, digits, and
// nothing after; saturated like C on overflow.
func strtoll(s string) (int64, bool) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if t == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return n, true
		}
		return 0, false
	}
	return n, true
}

// words splits a multi-argument value as Redis's CONFIG SET does, on
// single spaces (so doubled spaces make empty words); "" is no words.
func words(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, " ")
}

func checkSave(_, v string) (string, error) {
	bad := errors.New("Invalid save parameters")
	f := words(v)
	if len(f)%2 != 0 {
		return "", bad
	}
	out := make([]string, len(f))
	for i, w := range f {
		n, ok := strtoll(w)
		if !ok || (i%2 == 0 && n < 1) || (i%2 == 1 && n < 0) {
			return "", bad
		}
		if i%2 == 1 {
			n = int64(int32(n)) // changes is a C int
		}
		out[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(out, " "), nil
}

func checkClientOutputBufferLimit(old, v string) (string, error) {
	f := words(v)
	if len(f)%4 != 0 {
		return "", errors.New("Wrong number of arguments in buffer limit configuration.")
	}
	classes := map[string][3]string{}
	o := strings.Fields(old)
	for i := 0; i+3 < len(o); i += 4 {
		classes[o[i]] = [3]string{o[i+1], o[i+2], o[i+3]}
	}
	for i := 0; i < len(f); i += 4 {
		class := strings.ToLower(f[i])
		switch class {
		case "normal", "pubsub":
		case "slave", "replica":
			class = "slave"
		default:
			return "", errors.New("Invalid client class specified in buffer limit configuration.")
		}
		hard, ok1 := memtoull(f[i+1])
		soft, ok2 := memtoull(f[i+2])
		secs, ok3 := strtoll(f[i+3])
		if !ok1 || !ok2 || !ok3 || secs < 0 {
			return "", errors.New("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
		}
		classes[class] = [3]string{strconv.FormatUint(hard, 10), strconv.FormatUint(soft, 10), strconv.FormatInt(secs, 10)}
	}
	var out []string
	for _, c := range []string{"normal", "slave", "pubsub"} {
		l := classes[c]
		out = append(out, c, l[0], l[1], l[2])
	}
	return strings.Join(out, " "), nil
}

func checkOOMValues(_, v string) (string, error) {
	f := words(v)
	if len(f) != 3 {
		return "", errors.New("wrong number of arguments")
	}
	for i, w := range f {
		n, ok := strtoll(w)
		if !ok || n < -2000 || n > 2000 {
			return "", errors.New("Invalid oom-score-adj-values, elements must be between -2000 and 2000.")
		}
		f[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(f, " "), nil
}

// Keyspace notification classes in the order Redis prints them.
const (
	notifyKeyspace = 1 << iota
	notifyKeyevent
	notifyGeneric
	notifyString
	notifyList
	notifySet
	notifyHash
	notifyZset
	notifyExpired
	notifyEvicted
	notifyStream
	notifyKeyMiss
	notifyLoaded
	notifyModule
	notifyNew
	notifyAll = notifyGeneric | notifyString | notifyList | notifySet | notifyHash | notifyZset |
		notifyExpired | notifyEvicted | notifyStream | notifyModule
)

// checkNotify is keyspaceEventsStringToFlags then ...FlagsToString.
func checkNotify(_, v string) (string, error) {
	flags := 0
	for _, ch := range []byte(v) {
		switch ch {
		case 'A':
			flags |= notifyAll
		case 'g':
			flags |= notifyGeneric
		case '$':
			flags |= notifyString
		case 'l':
			flags |= notifyList
		case 's':
			flags |= notifySet
		case 'h':
			flags |= notifyHash
		case 'z':
			flags |= notifyZset
		case 'x':
			flags |= notifyExpired
		case 'e':
			flags |= notifyEvicted
		case 'K':
			flags |= notifyKeyspace
		case 'E':
			flags |= notifyKeyevent
		case 't':
			flags |= notifyStream
		case 'm':
			flags |= notifyKeyMiss
		case 'd':
			flags |= notifyModule
		case 'n':
			flags |= notifyNew
		default:
			return "", errors.New("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
		}
	}
	var b strings.Builder
	if flags&notifyAll == notifyAll {
		b.WriteByte('A')
	} else {
		for _, c := range []struct {
			bit int
			ch  byte
		}{{notifyGeneric, 'g'}, {notifyString, '$'}, {notifyList, 'l'}, {notifySet, 's'}, {notifyHash, 'h'},
			{notifyZset, 'z'}, {notifyExpired, 'x'}, {notifyEvicted, 'e'}, {notifyStream, 't'}, {notifyModule, 'd'}, {notifyNew, 'n'}} {
			if flags&c.bit != 0 {
				b.WriteByte(c.ch)
			}
		}
	}
	if flags&notifyKeyspace != 0 {
		b.WriteByte('K')
	}
	if flags&notifyKeyevent != 0 {
		b.WriteByte('E')
	}
	if flags&notifyKeyMiss != 0 {
		b.WriteByte('m')
	}
	return b.String(), nil
}

func checkBind(_, v string) (string, error) {
	f := strings.Fields(v)
	if len(f) == 0 {
		return "", errors.New("Too many bind addresses specified.")
	}
	return strings.Join(f, " "), nil
}

func checkPercentiles(_, v string) (string, error) {
	f := words(v)
	for i, w := range f {
		x, ok := string2d(w)
		if !ok {
			return "", errors.New("Invalid latency-tracking-info-percentiles parameters")
		}
		if x < 0 || x > 100 {
			return "", errors.New("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")
		}
		s := strconv.FormatFloat(x, 'f', 6, 64)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		f[i] = s
	}
	return strings.Join(f, " "), nil
}

// string2d is Redis's: strtod over the whole word, no leading space, not
// NaN. strtod reads C99 hex floats, with or without a binary exponent.
func string2d(w string) (float64, bool) {
	if w == "" || w[0] == ' ' || (w[0] >= '\t' && w[0] <= '\r') {
		return 0, false
	}
	x, err := strconv.ParseFloat(w, 64)
	if err != nil {
		l := strings.ToLower(strings.TrimLeft(w, "+-"))
		if !strings.HasPrefix(l, "0x") || strings.Contains(l, "p") {
			return 0, false
		}
		if x, err = strconv.ParseFloat(w+"p0", 64); err != nil {
			return 0, false
		}
	}
	return x, !math.IsNaN(x)
}
