package resp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// chunkReader returns data in pieces of at most n bytes, then io.EOF.
type chunkReader struct {
	data []byte
	n    int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	k := min(len(p), c.n, len(c.data))
	copy(p, c.data[:k])
	c.data = c.data[k:]
	return k, nil
}

// readAll parses data delivered n bytes at a time and renders what the
// reader produced: each command's quoted args, then the final error.
func readAll(data []byte, n int, maxBulk int64) string {
	r := NewReader(&chunkReader{data: data, n: n}, func() int64 { return maxBulk })
	var out strings.Builder
	for {
		cmds, err := r.ReadCommands()
		for _, c := range cmds {
			fmt.Fprintf(&out, "%q;", c.Args)
		}
		if err != nil {
			var pe *ProtocolError
			if errors.As(err, &pe) {
				out.WriteString("ERR " + pe.Error())
			} else {
				out.WriteString("<" + err.Error() + ">")
			}
			return out.String()
		}
	}
}

func TestReader(t *testing.T) {
	big := strings.Repeat("x", 70000)
	tests := []struct {
		name, in, want string
	}{
		{"multibulk", "*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n", `["ECHO" "abc"];<EOF>`},
		{"empty count ignored", "*-10\r\nPING\r\n", `["PING"];<EOF>`},
		{"zero count ignored", "*0\r\n*1\r\n$4\r\nPING\r\n", `["PING"];<EOF>`},
		{"inline", "SET  a   b\r\n", `["SET" "a" "b"];<EOF>`},
		{"inline LF only", "PING\nPING\n", `["PING"];["PING"];<EOF>`},
		{"empty lines ignored", "\r\n\r\nPING\r\n", `["PING"];<EOF>`},
		{"double quotes", `ECHO "a\x41\n\"b" x` + "\r\n", `["ECHO" "aA\n\"b" "x"];<EOF>`},
		{"single quotes", `ECHO 'it\'s' ''` + "\r\n", `["ECHO" "it's" ""];<EOF>`},
		{"quote inside a word", `ECHO a"b c"` + "\r\n", `["ECHO" "ab c"];<EOF>`},
		{"unbalanced", `SET "a b` + "\r\n", `ERR Protocol error: unbalanced quotes in request`},
		{"quote then letter", `ECHO 'a'b` + "\r\n", `ERR Protocol error: unbalanced quotes in request`},
		{"commands before an error run", "PING\r\n*1\r\nfoo\r\n", `["PING"];ERR Protocol error: expected '$', got 'f'`},
		{"bad count", "*abc\r\n", `ERR Protocol error: invalid multibulk length`},
		{"plus count", "*+1\r\n", `ERR Protocol error: invalid multibulk length`},
		{"count over INT_MAX", "*2147483648\r\n", `ERR Protocol error: invalid multibulk length`},
		{"count at INT_MAX waits", "*2147483647\r\n", `<EOF>`},
		{"bulk over the limit", "*1\r\n$536870913\r\n", `ERR Protocol error: invalid bulk length`},
		{"negative bulk", "*1\r\n$-1\r\n", `ERR Protocol error: invalid bulk length`},
		{"leading zero bulk", "*1\r\n$04\r\nPING\r\n", `ERR Protocol error: invalid bulk length`},
		{"trailer unchecked", "*1\r\n$4\r\nPINGxx\r\nPING\r\n", `["PING"];["PING"];<EOF>`},
		{"too big inline", big, `ERR Protocol error: too big inline request`},
		{"too big mbulk count", "*" + big, `ERR Protocol error: too big mbulk count string`},
		{"too big bulk count", "*1\r\n$" + big, `ERR Protocol error: too big bulk count string`},
		{"NUL hides the newline", "\x00PING\r\n", `<EOF>`},
		{"binary bulk", "*2\r\n$4\r\nECHO\r\n$3\r\na\x00\n\r\n", `["ECHO" "a\x00\n"];<EOF>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{1 << 20, 7, 1} {
				if got := readAll([]byte(tt.in), n, defaultProtoMaxBulkLen); got != tt.want {
					t.Fatalf("chunks of %d: got %s, want %s", n, got, tt.want)
				}
			}
		})
	}
}

func TestReaderBulkLimit(t *testing.T) {
	if got := readAll([]byte("*1\r\n$11\r\n"), 100, 10); got != "ERR Protocol error: invalid bulk length" {
		t.Fatal(got)
	}
	if got := readAll([]byte("*1\r\n$10\r\n0123456789\r\n"), 100, 10); got != `["0123456789"];<EOF>` {
		t.Fatal(got)
	}
}

// TestReaderLargeArgument checks a big value read in small pieces arrives
// whole and that the arguments of earlier commands are not overwritten by
// buffer reuse.
func TestReaderLargeArgument(t *testing.T) {
	val := bytes.Repeat([]byte("0123456789"), 300000)
	var in []byte
	in = fmt.Appendf(in, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n%s\r\n", len(val), val)
	in = append(in, "PING\r\n"...)
	r := NewReader(&chunkReader{data: in, n: 4096}, nil)
	var got [][][]byte
	for len(got) < 2 {
		cmds, err := r.ReadCommands()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			got = append(got, c.Args)
		}
	}
	if !bytes.Equal(got[0][2], val) || string(got[1][0]) != "PING" {
		t.Fatalf("got %d args, value %d bytes", len(got[0]), len(got[0][2]))
	}
}

func TestString2ll(t *testing.T) {
	for in, want := range map[string]bool{"0": true, "-1": true, "10": true, "9223372036854775807": true,
		"-9223372036854775808": true, "9223372036854775808": false, "-0": false, "01": false, "+1": false,
		"": false, " 1": false, "1 ": false, "-": false, "18446744073709551616": false} {
		if _, ok := string2ll([]byte(in)); ok != want {
			t.Errorf("string2ll(%q) ok=%v, want %v", in, ok, want)
		}
	}
}

// FuzzReader: the reader never panics, and what it parses does not depend
// on how the bytes were split into reads.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n", "*-1\r\nPING\r\n", `SET "a\x41" 'b'` + "\r\n",
		"*1\r\n$4\r\nPINGxx\r\n", "*3\r\n$3\r\nSET\r\n$1\r\n", "\x00\r\n", "*1\r\n$0\r\n\r\n"} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		whole := readAll(data, len(data)+1, 1<<16)
		if split := readAll(data, int(n%16)+1, 1<<16); split != whole {
			t.Fatalf("split reads differ:\n%s\n%s", whole, split)
		}
	})
}

// TestReaderMaxRequest: a request over MaxRequest comes out as one
// Command with nil Args, whatever the chunking, without the reader's
// buffer ever holding it; requests around it parse normally.
func TestReaderMaxRequest(t *testing.T) {
	val := bytes.Repeat([]byte("x"), 3<<20)
	var in []byte
	in = append(in, "*2\r\n$3\r\nGET\r\n$1\r\na\r\n"...)
	in = fmt.Appendf(in, "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n%s\r\n$2\r\nxx\r\n", len(val), val)
	in = fmt.Appendf(in, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n%s\r\n", 1000, val[:1000])
	in = append(in, "PING\r\n"...)
	for _, chunk := range []int{1, 7, 4096, 1 << 22} {
		if chunk == 1 && testing.Short() {
			continue
		}
		r := NewReader(&chunkReader{data: in, n: chunk}, nil)
		r.MaxRequest = 1 << 20
		var got []string
		maxBuf := 0
		for len(got) < 4 {
			cmds, err := r.ReadCommands()
			if err != nil {
				t.Fatalf("chunk %d: %v after %q", chunk, err, got)
			}
			maxBuf = max(maxBuf, len(r.buf))
			for _, c := range cmds {
				if c.Args == nil {
					got = append(got, "<too large>")
				} else {
					got = append(got, fmt.Sprintf("%s/%d", c.Args[0], len(c.Args)))
				}
			}
		}
		want := "GET/2 <too large> SET/3 PING/1"
		if s := strings.Join(got, " "); s != want {
			t.Fatalf("chunk %d: got %s, want %s", chunk, s, want)
		}
		if maxBuf > 9<<20 {
			t.Fatalf("chunk %d: buffer grew to %d", chunk, maxBuf)
		}
	}
}

// TestReaderArgsOutliveBuffer: arguments handed out stay intact after
// later reads reuse the read buffer and the command slice, whether they
// share their batch's copy (small requests) or have their own (large).
func TestReaderArgsOutliveBuffer(t *testing.T) {
	big := strings.Repeat("v", sharedCopyMax+10)
	var in []byte
	for i := 0; i < 3; i++ {
		in = fmt.Appendf(in, "*3\r\n$3\r\nSET\r\n$2\r\nk%d\r\n$1\r\n%d\r\n", i, i)
	}
	in = fmt.Appendf(in, "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n%s\r\n", len(big), big)
	for _, chunk := range []int{7, 64 << 10} {
		readKept(t, in, chunk, big)
	}
}

func readKept(t *testing.T, in []byte, chunk int, big string) {
	t.Helper()
	r := NewReader(&chunkReader{data: in, n: chunk}, nil)
	var kept [][][]byte
	for len(kept) < 4 {
		cmds, err := r.ReadCommands()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			kept = append(kept, c.Args)
			if string(c.Raw) == "" {
				t.Fatalf("command %d has no raw bytes", len(kept))
			}
		}
	}
	got := fmt.Sprintf("%q", kept[:3])
	if want := `[["SET" "k0" "0"] ["SET" "k1" "1"] ["SET" "k2" "2"]]`; got != want {
		t.Fatalf("small requests: got %s, want %s", got, want)
	}
	if string(kept[3][2]) != big || string(kept[3][1]) != "big" {
		t.Fatalf("large request damaged: key %q, value of %d bytes", kept[3][1], len(kept[3][2]))
	}
	// Appending to one argument must not overwrite the next one.
	_ = append(kept[0][1], 'X')
	if string(kept[0][2]) != "0" {
		t.Fatalf("arguments share capacity: %q", kept[0][2])
	}
}
