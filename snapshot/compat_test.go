package snapshot

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"testing"
)

// v1Stream hand-builds a version 1 snapshot (before Key.Pos) holding one
// string key, as builds before format 2 wrote it.
func v1Stream(withPos bool) []byte {
	b := append([]byte{}, magic[:]...)
	b = binary.AppendUvarint(b, 1)
	b = append(b, tagHeader)
	b = binary.AppendVarint(b, 1234)
	b = binary.AppendUvarint(b, 16)
	b = append(b, tagKey)
	b = binary.AppendUvarint(b, 2) // db
	b = binary.AppendUvarint(b, 1)
	b = append(b, 'k')
	b = binary.AppendVarint(b, 0)   // no TTL
	b = binary.AppendUvarint(b, 77) // version
	if withPos {
		b = binary.AppendUvarint(b, 5) // what a v2 writer would add
	}
	b = append(b, 0, typeString)
	b = binary.AppendUvarint(b, 2)
	b = append(b, "v1"...)
	b = append(b, tagEnd)
	b = binary.AppendUvarint(b, 2) // header + key
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

func TestReadsVersion1(t *testing.T) {
	_, keys, _, err := readAll(v1Stream(false))
	if err != nil {
		t.Fatal(err)
	}
	want := Key{DB: 2, Key: "k", Version: 77, Value: []byte("v1")}
	if len(keys) != 1 || keys[0].Key != want.Key || keys[0].Version != want.Version || keys[0].Pos != 0 ||
		!bytes.Equal(keys[0].Value.([]byte), want.Value.([]byte)) {
		t.Fatalf("got %+v, want %+v", keys, want)
	}
	// The borrowing reader (Restore's) must agree.
	rd, err := NewReader(bytes.NewReader(v1Stream(false)))
	if err != nil {
		t.Fatal(err)
	}
	var rec Record
	if err := rd.ReadBorrow(&rec); err != nil || rec.Kind != KindKey || string(rec.Name) != "k" || string(rec.Str) != "v1" || rec.Key.Version != 77 || rec.Key.Pos != 0 {
		t.Fatalf("borrowed %+v, %v", rec.Key, err)
	}
	// A version 1 stream carrying a position field is not a version 1 stream.
	if _, _, _, err := readAll(v1Stream(true)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("v1 with a position: got %v, want ErrCorrupt", err)
	}
}

func TestPosOutOfRangeIsCorrupt(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Header(Header{Now: 1, Databases: 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.StringKey(Key{Key: "k", Pos: 7}, []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// Replace the one-byte position 7 with 1<<16 (three bytes) and fix the CRC.
	i := bytes.Index(b, []byte{'k', 0, 0, 7})
	if i < 0 {
		t.Fatal("position not found")
	}
	bad := append(append(append([]byte{}, b[:i+3]...), binary.AppendUvarint(nil, 1<<16)...), b[i+4:len(b)-4]...)
	bad = binary.LittleEndian.AppendUint32(bad, crc32.Checksum(bad, castagnoli))
	if _, _, _, err := readAll(bad); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want ErrCorrupt", err)
	}
}
