package snapshot

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// TestScriptRecords: script and library records read back as written, in
// order, with the checksum covering them.
func TestScriptRecords(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Header(Header{Databases: 1}); err != nil {
		t.Fatal(err)
	}
	records := []struct {
		kind Kind
		code string
	}{{KindScript, "return 1"}, {KindScript, ""}, {KindLibrary, "#!lua name=l\nredis.register_function('f', function() end)"}}
	for _, r := range records {
		var err error
		if r.kind == KindScript {
			err = w.Script([]byte(r.code))
		} else {
			err = w.Library([]byte(r.code))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var rec Record
	for i, want := range records {
		if err := rd.Read(&rec); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if rec.Kind != want.kind || string(rec.Code) != want.code {
			t.Errorf("record %d: kind %d %q, want %d %q", i, rec.Kind, rec.Code, want.kind, want.code)
		}
	}
	if err := rd.Read(&rec); err != io.EOF {
		t.Fatalf("after the records: %v", err)
	}

	// A flipped byte inside a script body fails the checksum.
	bad := append([]byte(nil), data...)
	bad[bytes.Index(bad, []byte("return 1"))] ^= 1
	rd, err = NewReader(bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	for err == nil {
		err = rd.Read(&rec)
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("damaged script record: %v", err)
	}
}
