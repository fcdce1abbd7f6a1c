package snapshot

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
)

func write(t *testing.T, keys []Key, nodes [][2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Header(Header{Now: 1234, Databases: 16}); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if err := w.Node(n[0], n[1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range keys {
		if err := w.Key(k); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(b []byte) (Header, []Key, [][2]string, error) {
	rd, err := NewReader(bytes.NewReader(b))
	if err != nil {
		return Header{}, nil, nil, err
	}
	var keys []Key
	var nodes [][2]string
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return rd.Head, keys, nodes, nil
		}
		if err != nil {
			return rd.Head, keys, nodes, err
		}
		switch r := rec.(type) {
		case *Key:
			keys = append(keys, *r)
		case [2]string:
			nodes = append(nodes, r)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		keys  []Key
		nodes [][2]string
	}{
		{"empty", nil, nil},
		{"one", []Key{{DB: 0, Key: "a", Value: []byte("1")}}, [][2]string{{"n1", "127.0.0.1:6379"}}},
		{"ttl-version-db", []Key{
			{DB: 3, Key: "k", ExpireAt: 1_700_000_000_123, Version: 99, Pos: 4095, Value: []byte("v")},
			{DB: 15, Key: "", Value: []byte{}},
			{DB: 0, Key: "big", Value: bytes.Repeat([]byte("x"), 200_000)},
		}, [][2]string{{"a", "x:1"}, {"b", "y:2"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, keys, nodes, err := readAll(write(t, tc.keys, tc.nodes))
			if err != nil {
				t.Fatal(err)
			}
			if h.Now != 1234 || h.Databases != 16 {
				t.Fatalf("header %+v", h)
			}
			if len(keys) != len(tc.keys) || (len(keys) > 0 && !reflect.DeepEqual(keys, tc.keys)) {
				t.Fatalf("keys differ: got %d want %d", len(keys), len(tc.keys))
			}
			if len(nodes) != len(tc.nodes) || (len(nodes) > 0 && !reflect.DeepEqual(nodes, tc.nodes)) {
				t.Fatalf("nodes: got %v want %v", nodes, tc.nodes)
			}
		})
	}
}

func TestCorruptionDetected(t *testing.T) {
	good := write(t, []Key{{Key: "a", Value: []byte("hello")}, {Key: "b", Value: []byte("world")}}, nil)
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"truncated", good[:len(good)-3], ErrCorrupt},
		{"no trailer", good[:len(good)-8], ErrCorrupt},
		{"bad magic", append([]byte("NOTASNAP"), good[8:]...), ErrCorrupt},
		{"flipped byte", flip(good, 20), ErrCorrupt},
		{"flipped checksum", flip(good, len(good)-1), ErrCorrupt},
		{"future version", append(append([]byte{}, good[:8]...), append([]byte{9}, good[9:]...)...), ErrVersion},
		{"empty", nil, ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := readAll(tc.b)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte{}, b...)
	c[i] ^= 0x40
	return c
}

func TestUnknownValueType(t *testing.T) {
	w := NewWriter(io.Discard)
	if err := w.Key(Key{Key: "x", Value: 3.14}); !errors.Is(err, ErrUnknownValue) {
		t.Fatalf("got %v", err)
	}
}
