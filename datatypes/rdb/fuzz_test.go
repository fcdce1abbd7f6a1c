package rdb

import (
	"encoding/binary"
	"strings"
	"testing"
)

// FuzzRestorePayload feeds arbitrary value bytes (with a valid footer, so
// the decoder itself is exercised) to DecodeDump: it must never panic, and
// whatever it accepts must encode again and decode to the same value.
func FuzzRestorePayload(f *testing.F) {
	for _, v := range []*Value{
		{Kind: KindString, Str: []byte(strings.Repeat("ab", 30))},
		{Kind: KindList, Elems: [][]byte{[]byte("a"), []byte("12")}},
		{Kind: KindSet, Compact: true, Elems: [][]byte{[]byte("1"), []byte("2")}},
		{Kind: KindSet, Elems: [][]byte{[]byte("x")}},
		{Kind: KindHash, Compact: true, Pairs: [][]byte{[]byte("f"), []byte("v")}},
		{Kind: KindHash, Pairs: [][]byte{[]byte("f"), []byte("v")}},
		{Kind: KindZSet, Compact: true, ZSet: []ZEntry{{[]byte("a"), 1.5}}},
		{Kind: KindZSet, ZSet: []ZEntry{{[]byte("a"), 1.5}}},
		{Kind: KindStream, Stream: testStream()},
	} {
		p := Dump(v)
		f.Add(p[:len(p)-10])
	}
	f.Add([]byte{TypeListZiplist, 0x0c, 0x0c, 0, 0, 0, 0x0a, 0, 0, 0, 1, 0, 0, 0xf2, 0xff})
	f.Add([]byte{TypeHashZipmap, 0x05, 0x01, 0x01, 'a', 0x01, 0x00, 'b', 0xff})
	// A stream Redis 7.0 dumped: a tombstone, an entry with its own
	// fields, a group with a pending entry and its consumer.
	f.Add([]byte("\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01@CC\x00\x00\x00\x19\x00\x02\x01\x01\x01\x02\x01\x81a\x02\x81b\x02\x00\x01\x02\x01\x00\x01\x00\x01\x01\x01\x85hello\x06\x05\x01\x03\x01\x00\x01\x01\x01\x02\x01\x81x\x02\x05\x01\x00\x01\x01\x01\xdf\xff\x02\x01\x01\x81c\x02\x03\x01\x06\x01\xff\x02\x02\x00\x01\x01\x01\x02\x03\x01\x01g\x01\x01\x81\xff\xff\xff\xff\xff\xff\xff\xff\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01t\x14\x93?\xa2\x01\x00\x00\x01\x01\x05alicet\x14\x93?\xa2\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, body []byte) {
		b := binary.LittleEndian.AppendUint16(append([]byte(nil), body...), Version)
		p := binary.LittleEndian.AppendUint64(b, CRC64(0, b))
		v, err := DecodeDump(p, DefaultLimits)
		if err != nil {
			return
		}
		again, err := DecodeDump(Dump(v), DefaultLimits)
		if err != nil {
			t.Fatalf("re-encoded value refused: %v", err)
		}
		if render(again) != render(v) {
			t.Fatalf("round trip changed the value:\n %s\n %s", render(v), render(again))
		}
	})
}
