package cmdref

import (
	"strconv"
)

// The encoders below write RESP2 in redis-server 7.0's order and types:
// names and free text as bulk strings, flags as simple strings. RESP3 maps
// and sets are derived from these shapes by the caller's converter.

// AppendDoc writes d as COMMAND DOCS's per-command map (flattened), with
// extra more (name, value) pairs' worth of room reserved for the caller,
// which writes them right after (the subcommands map).
func AppendDoc(out []byte, d *Doc, extra int) []byte {
	n := extra
	for _, s := range []string{d.Summary, d.Since, d.Group, d.Complexity, d.DeprecatedSince, d.ReplacedBy} {
		if s != "" {
			n++
		}
	}
	if len(d.DocFlags) > 0 {
		n++
	}
	if len(d.History) > 0 {
		n++
	}
	if len(d.Args) > 0 {
		n++
	}
	out = appendLen(out, '*', 2*n)
	out = field(out, "summary", d.Summary)
	out = field(out, "since", d.Since)
	out = field(out, "group", d.Group)
	out = field(out, "complexity", d.Complexity)
	if len(d.DocFlags) > 0 {
		out = appendBulk(out, "doc_flags")
		out = appendStatuses(out, d.DocFlags)
	}
	out = field(out, "deprecated_since", d.DeprecatedSince)
	out = field(out, "replaced_by", d.ReplacedBy)
	if len(d.History) > 0 {
		out = appendBulk(out, "history")
		out = appendLen(out, '*', len(d.History))
		for _, h := range d.History {
			out = appendLen(out, '*', 2)
			out = appendBulk(out, h[0])
			out = appendBulk(out, h[1])
		}
	}
	if len(d.Args) > 0 {
		out = appendBulk(out, "arguments")
		out = appendArgs(out, d.Args)
	}
	return out
}

func appendArgs(out []byte, args []Arg) []byte {
	out = appendLen(out, '*', len(args))
	for i := range args {
		a := &args[i]
		n := 2
		for _, s := range []string{a.DisplayText, a.Summary, a.Since, a.DeprecatedSince, a.Value} {
			if s != "" {
				n++
			}
		}
		if a.KeySpecIndex != nil {
			n++
		}
		if a.Token != nil {
			n++
		}
		if len(a.Flags) > 0 {
			n++
		}
		if len(a.Args) > 0 {
			n++
		}
		out = appendLen(out, '*', 2*n)
		out = field(out, "name", a.Name)
		out = field(out, "type", a.Type)
		out = field(out, "display_text", a.DisplayText)
		if a.KeySpecIndex != nil {
			out = appendBulk(out, "key_spec_index")
			out = appendInt(out, int64(*a.KeySpecIndex))
		}
		if a.Token != nil {
			out = appendBulk(appendBulk(out, "token"), *a.Token)
		}
		out = field(out, "summary", a.Summary)
		out = field(out, "since", a.Since)
		out = field(out, "deprecated_since", a.DeprecatedSince)
		if len(a.Flags) > 0 {
			out = appendBulk(out, "flags")
			out = appendStatuses(out, a.Flags)
		}
		out = field(out, "value", a.Value)
		if len(a.Args) > 0 {
			out = appendBulk(out, "arguments")
			out = appendArgs(out, a.Args)
		}
	}
	return out
}

// AppendKeySpecs writes COMMAND INFO's key specifications element.
func AppendKeySpecs(out []byte, specs []KeySpec) []byte {
	out = appendLen(out, '*', len(specs))
	for i := range specs {
		ks := &specs[i]
		n := 3
		if ks.Notes != "" {
			n++
		}
		out = appendLen(out, '*', 2*n)
		out = field(out, "notes", ks.Notes)
		out = appendBulk(out, "flags")
		out = appendStatuses(out, ks.Flags)
		out = appendBulk(out, "begin_search")
		out = appendSearch(out, &ks.BeginSearch)
		out = appendBulk(out, "find_keys")
		out = appendSearch(out, &ks.FindKeys)
	}
	return out
}

func appendSearch(out []byte, s *Search) []byte {
	out = appendLen(out, '*', 4)
	out = field(out, "type", s.Type)
	out = appendBulk(out, "spec")
	out = appendLen(out, '*', 2*len(s.Spec))
	for _, f := range s.Spec {
		out = appendBulk(out, f.Name)
		if f.Str != nil {
			out = appendBulk(out, *f.Str)
		} else {
			out = appendInt(out, f.Int)
		}
	}
	return out
}

// AppendTips writes COMMAND INFO's tips element (bulk strings, unlike flags).
func AppendTips(out []byte, tips []string) []byte {
	out = appendLen(out, '*', len(tips))
	for _, t := range tips {
		out = appendBulk(out, t)
	}
	return out
}

func field(out []byte, name, v string) []byte {
	if v == "" {
		return out
	}
	return appendBulk(appendBulk(out, name), v)
}

func appendStatuses(out []byte, ss []string) []byte {
	out = appendLen(out, '*', len(ss))
	for _, s := range ss {
		out = append(out, '+')
		out = append(out, s...)
		out = append(out, '\r', '\n')
	}
	return out
}

func appendBulk(out []byte, s string) []byte {
	out = appendLen(out, '$', len(s))
	out = append(out, s...)
	return append(out, '\r', '\n')
}

func appendInt(out []byte, n int64) []byte {
	out = append(out, ':')
	out = strconv.AppendInt(out, n, 10)
	return append(out, '\r', '\n')
}

func appendLen(out []byte, c byte, n int) []byte {
	out = append(out, c)
	out = strconv.AppendInt(out, int64(n), 10)
	return append(out, '\r', '\n')
}
