// Command gen writes commands.json from a real redis-server: COMMAND DOCS
// and COMMAND INFO of every command, checked by encoding each command's
// data again and comparing with redis-server's bytes.
//
// Usage: go run ./gen -o commands.json [-server redis-server]
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/quoris/quoris/resp/cmdref"
)

func main() {
	out := flag.String("o", "commands.json", "output file")
	server := flag.String("server", "redis-server", "redis-server binary")
	flag.Parse()
	if err := run(*out, *server); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(outFile, server string) error {
	dir, err := os.MkdirTemp("", "cmdref")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command(server, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no", "--dir", dir)
	if err := cmd.Start(); err != nil {
		return err
	}
	defer cmd.Process.Kill()
	var conn net.Conn
	for i := 0; i < 100; i++ {
		if conn, err = net.Dial("unix", sock); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		return err
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	docs, err := query(conn, r, "COMMAND", "DOCS")
	if err != nil {
		return err
	}
	infos, err := query(conn, r, "COMMAND", "INFO")
	if err != nil {
		return err
	}
	table := cmdref.Table{}
	if err := addDocs(table, docs, ""); err != nil {
		return err
	}
	for _, info := range infos.arr {
		if err := addInfo(table, info); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(table))
	for n := range table {
		names = append(names, n)
	}
	sort.Strings(names)
	// Each entry on a line of its own keeps diffs readable.
	var buf bytes.Buffer
	buf.WriteString("{\n")
	for i, n := range names {
		b, err := json.Marshal(table[n])
		if err != nil {
			return err
		}
		fmt.Fprintf(&buf, "%q: %s", n, b)
		if i < len(names)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("}\n")
	fmt.Fprintf(os.Stderr, "gen: %d commands and subcommands checked\n", len(names))
	return os.WriteFile(outFile, buf.Bytes(), 0o644)
}

// value is a parsed RESP2 reply, with the bytes it came from.
type value struct {
	kind byte // '+', '-', ':', '$', '*'
	str  string
	n    int64
	arr  []value
	raw  []byte
}

func query(conn net.Conn, r *bufio.Reader, args ...string) (value, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write(b.Bytes()); err != nil {
		return value{}, err
	}
	return parse(r)
}

func parse(r *bufio.Reader) (value, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return value{}, err
	}
	raw := []byte(line)
	line = strings.TrimSuffix(line, "\r\n")
	v := value{kind: line[0]}
	switch v.kind {
	case '+', '-':
		v.str = line[1:]
	case ':':
		v.n, err = strconv.ParseInt(line[1:], 10, 64)
	case '$':
		var n int
		if n, err = strconv.Atoi(line[1:]); err == nil {
			b := make([]byte, n+2)
			if _, err = ioReadFull(r, b); err == nil {
				v.str = string(b[:n])
				raw = append(raw, b...)
			}
		}
	case '*':
		var n int
		if n, err = strconv.Atoi(line[1:]); err == nil {
			for i := 0; i < n && err == nil; i++ {
				var e value
				if e, err = parse(r); err == nil {
					v.arr = append(v.arr, e)
					raw = append(raw, e.raw...)
				}
			}
		}
	default:
		err = fmt.Errorf("unexpected reply %q", line)
	}
	v.raw = raw
	return v, err
}

func ioReadFull(r *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// pairs walks a flattened map, failing on a name the model does not know,
// so that a field added by a later Redis cannot be dropped silently.
func pairs(v value, fn func(name string, val value) error) error {
	if v.kind != '*' || len(v.arr)%2 != 0 {
		return fmt.Errorf("not a map: %q", v.raw)
	}
	for i := 0; i < len(v.arr); i += 2 {
		if err := fn(v.arr[i].str, v.arr[i+1]); err != nil {
			return err
		}
	}
	return nil
}

var errUnknown = errors.New("unknown field")

func addDocs(t cmdref.Table, docs value, parent string) error {
	return pairs(docs, func(name string, dv value) error {
		c := &cmdref.Command{}
		t[name] = c
		d := &c.Doc
		err := pairs(dv, func(k string, v value) error {
			switch k {
			case "summary":
				d.Summary = v.str
			case "since":
				d.Since = v.str
			case "group":
				d.Group = v.str
			case "complexity":
				d.Complexity = v.str
			case "deprecated_since":
				d.DeprecatedSince = v.str
			case "replaced_by":
				d.ReplacedBy = v.str
			case "doc_flags":
				d.DocFlags = strs(v)
			case "history":
				for _, h := range v.arr {
					d.History = append(d.History, [2]string{h.arr[0].str, h.arr[1].str})
				}
			case "arguments":
				var err error
				d.Args, err = args(v)
				return err
			case "subcommands":
				return addDocs(t, v, name)
			default:
				return fmt.Errorf("%s: %w %q", name, errUnknown, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Check: the model encodes back to redis-server's bytes (the
		// subcommands map, kept apart, is appended as Redis does).
		var subs []byte
		extra := 0
		_ = pairs(dv, func(k string, v value) error {
			if k == "subcommands" {
				subs = append(append(subs, "$11\r\nsubcommands\r\n"...), v.raw...)
				extra = 1
			}
			return nil
		})
		if got := append(cmdref.AppendDoc(nil, d, extra), subs...); !bytes.Equal(got, dv.raw) {
			return fmt.Errorf("docs of %s do not round-trip:\n got %q\nwant %q", name, got, dv.raw)
		}
		return nil
	})
}

func args(v value) ([]cmdref.Arg, error) {
	var out []cmdref.Arg
	for _, av := range v.arr {
		var a cmdref.Arg
		err := pairs(av, func(k string, v value) error {
			switch k {
			case "name":
				a.Name = v.str
			case "type":
				a.Type = v.str
			case "display_text":
				a.DisplayText = v.str
			case "key_spec_index":
				n := int(v.n)
				a.KeySpecIndex = &n
			case "token":
				tok := v.str
				a.Token = &tok
			case "summary":
				a.Summary = v.str
			case "since":
				a.Since = v.str
			case "flags":
				a.Flags = strs(v)
			case "deprecated_since":
				a.DeprecatedSince = v.str
			case "value":
				a.Value = v.str
			case "arguments":
				var err error
				a.Args, err = args(v)
				return err
			default:
				return fmt.Errorf("argument: %w %q", errUnknown, k)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func addInfo(t cmdref.Table, info value) error {
	if len(info.arr) != 10 {
		return fmt.Errorf("COMMAND INFO entry of %d elements", len(info.arr))
	}
	name := info.arr[0].str
	c := t[name]
	if c == nil {
		return fmt.Errorf("%s: in COMMAND INFO but not in COMMAND DOCS", name)
	}
	c.Tips = strs(info.arr[7])
	for _, kv := range info.arr[8].arr {
		var ks cmdref.KeySpec
		err := pairs(kv, func(k string, v value) error {
			switch k {
			case "notes":
				ks.Notes = v.str
			case "flags":
				ks.Flags = strs(v)
			case "begin_search":
				return search(v, &ks.BeginSearch)
			case "find_keys":
				return search(v, &ks.FindKeys)
			default:
				return fmt.Errorf("%s key spec: %w %q", name, errUnknown, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		c.KeySpecs = append(c.KeySpecs, ks)
	}
	if got := cmdref.AppendKeySpecs(nil, c.KeySpecs); !bytes.Equal(got, info.arr[8].raw) {
		return fmt.Errorf("key specs of %s do not round-trip:\n got %q\nwant %q", name, got, info.arr[8].raw)
	}
	if got := cmdref.AppendTips(nil, c.Tips); !bytes.Equal(got, info.arr[7].raw) {
		return fmt.Errorf("tips of %s do not round-trip: got %q want %q", name, got, info.arr[7].raw)
	}
	for _, sub := range info.arr[9].arr {
		if err := addInfo(t, sub); err != nil {
			return err
		}
	}
	return nil
}

func search(v value, s *cmdref.Search) error {
	return pairs(v, func(k string, v value) error {
		switch k {
		case "type":
			s.Type = v.str
		case "spec":
			return pairs(v, func(k string, v value) error {
				f := cmdref.Field{Name: k, Int: v.n}
				if v.kind == '$' {
					str := v.str
					f.Str = &str
				}
				s.Spec = append(s.Spec, f)
				return nil
			})
		default:
			return fmt.Errorf("search: %w %q", errUnknown, k)
		}
		return nil
	})
}

func strs(v value) []string {
	var out []string
	for _, e := range v.arr {
		out = append(out, e.str)
	}
	return out
}
