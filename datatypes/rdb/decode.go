package rdb

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
)

// VerifyDump checks a DUMP payload's footer as Redis's verifyDumpPayload
// does: at least 10 bytes, an RDB version no newer than ours, and the
// CRC64 of everything before the checksum.
func VerifyDump(p []byte) error {
	if len(p) < 10 {
		return ErrChecksum
	}
	footer := p[len(p)-10:]
	if binary.LittleEndian.Uint16(footer) > Version {
		return ErrChecksum
	}
	if CRC64(0, p[:len(p)-8]) != binary.LittleEndian.Uint64(footer[2:]) {
		return ErrChecksum
	}
	return nil
}

// DecodeDump verifies and decodes a DUMP payload. The value's encoding
// (Compact) is the one Redis 7.0 gives the loaded object under lim. Every
// container is validated completely, as sanitize-dump-payload yes would;
// a payload Redis could not load, or could load only to crash on later,
// is ErrFormat. Byte slices in the result may alias p.
func DecodeDump(p []byte, lim Limits) (*Value, error) {
	if err := VerifyDump(p); err != nil {
		return nil, err
	}
	// Like Redis, read from the whole payload: the value is not required
	// to end where the footer starts.
	r := NewReader(p)
	t, err := r.ReadByte()
	if err != nil {
		return nil, ErrFormat
	}
	v, err := decodeValue(r, t, lim)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func decodeValue(r *Reader, t byte, lim Limits) (*Value, error) {
	switch t {
	case TypeString:
		s, err := r.ReadString()
		if err != nil {
			return nil, ErrFormat
		}
		return &Value{Kind: KindString, Str: s}, nil
	case TypeList:
		return decodeListPlain(r)
	case TypeSet:
		return decodeSet(r, lim)
	case TypeZSet, TypeZSet2:
		return decodeZSet(r, t == TypeZSet2, lim)
	case TypeHash:
		return decodeHash(r, lim)
	case TypeListQuicklist, TypeListQuicklist2:
		return decodeQuicklist(r, t == TypeListQuicklist2)
	case TypeHashZipmap, TypeListZiplist, TypeSetIntset, TypeZSetZiplist, TypeZSetListpack, TypeHashZiplist, TypeHashListpack:
		blob, err := r.ReadString()
		if err != nil {
			return nil, ErrFormat
		}
		return decodeBlob(t, blob, lim)
	case TypeStreamListpacks, TypeStreamListpacks2:
		return decodeStream(r, t == TypeStreamListpacks2)
	case TypeModule, TypeModule2:
		// A module value names a module this server does not have.
		return nil, ErrUnsupported
	}
	// 8 and anything past 19 is no type at all.
	return nil, ErrFormat
}

func decodeListPlain(r *Reader) (*Value, error) {
	n, err := r.ReadLen()
	if err != nil || n == 0 {
		return nil, ErrFormat
	}
	v := &Value{Kind: KindList}
	for ; n > 0; n-- {
		s, err := r.ReadString()
		if err != nil {
			return nil, ErrFormat
		}
		v.Elems = append(v.Elems, s)
	}
	return v, nil
}

func decodeQuicklist(r *Reader, v2 bool) (*Value, error) {
	n, err := r.ReadLen()
	if err != nil || n == 0 {
		return nil, ErrFormat
	}
	v := &Value{Kind: KindList}
	add := func(s []byte) error {
		v.Elems = append(v.Elems, bytes.Clone(s))
		return nil
	}
	for ; n > 0; n-- {
		container := uint64(quicklistNodePacked)
		if v2 {
			if container, err = r.ReadLen(); err != nil {
				return nil, ErrFormat
			}
			if container != quicklistNodePacked && container != quicklistNodePlain {
				return nil, ErrFormat
			}
		}
		data, err := r.ReadString()
		if err != nil || len(data) == 0 {
			return nil, ErrFormat
		}
		switch {
		case container == quicklistNodePlain:
			v.Elems = append(v.Elems, data)
		case v2:
			err = ListpackEach(data, add)
		default:
			err = ZiplistEach(data, add)
		}
		if err != nil {
			return nil, ErrFormat
		}
	}
	if len(v.Elems) == 0 {
		return nil, ErrFormat // every node was empty: an empty key
	}
	return v, nil
}

func decodeSet(r *Reader, lim Limits) (*Value, error) {
	n, err := r.ReadLen()
	if err != nil || n == 0 {
		return nil, ErrFormat
	}
	v := &Value{Kind: KindSet, Compact: n <= uint64(lim.SetMaxIntsetEntries)}
	seen := map[string]struct{}{}
	for ; n > 0; n-- {
		s, err := r.ReadString()
		if err != nil {
			return nil, ErrFormat
		}
		if _, dup := seen[string(s)]; dup {
			return nil, ErrFormat
		}
		seen[string(s)] = struct{}{}
		if _, ok := parseInt(s); !ok {
			v.Compact = false
		}
		v.Elems = append(v.Elems, s)
	}
	if v.Compact {
		// An intset iterates in numeric order.
		vals, _ := sortedInts(v.Elems)
		v.Elems = v.Elems[:0]
		for _, x := range vals {
			v.Elems = append(v.Elems, strconv.AppendInt(nil, x, 10))
		}
	}
	return v, nil
}

func decodeZSet(r *Reader, binary bool, lim Limits) (*Value, error) {
	n, err := r.ReadLen()
	if err != nil || n == 0 {
		return nil, ErrFormat
	}
	v := &Value{Kind: KindZSet}
	seen := map[string]struct{}{}
	maxLen := 0
	for ; n > 0; n-- {
		m, err := r.ReadString()
		if err != nil {
			return nil, ErrFormat
		}
		var score float64
		if binary {
			score, err = r.ReadBinaryDouble()
		} else {
			score, err = r.ReadDouble()
		}
		if err != nil || math.IsNaN(score) {
			return nil, ErrFormat
		}
		if _, dup := seen[string(m)]; dup {
			return nil, ErrFormat
		}
		seen[string(m)] = struct{}{}
		maxLen = max(maxLen, len(m))
		v.ZSet = append(v.ZSet, ZEntry{Member: m, Score: score})
	}
	v.Compact = len(v.ZSet) <= lim.ZSetMaxListpackEntry && maxLen <= lim.ZSetMaxListpackValue
	sortZSet(v)
	return v, nil
}

func decodeHash(r *Reader, lim Limits) (*Value, error) {
	n, err := r.ReadLen()
	if err != nil || n == 0 {
		return nil, ErrFormat
	}
	v := &Value{Kind: KindHash, Compact: n <= uint64(lim.HashMaxListpackEntry)}
	seen := map[string]struct{}{}
	for ; n > 0; n-- {
		f, err := r.ReadString()
		if err != nil {
			return nil, ErrFormat
		}
		val, err := r.ReadString()
		if err != nil {
			return nil, ErrFormat
		}
		if _, dup := seen[string(f)]; dup {
			return nil, ErrFormat
		}
		seen[string(f)] = struct{}{}
		if len(f) > lim.HashMaxListpackValue || len(val) > lim.HashMaxListpackValue {
			v.Compact = false
		}
		v.Pairs = append(v.Pairs, f, val)
	}
	return v, nil
}

// decodeBlob decodes the single-string encodings: intset, ziplist,
// listpack and zipmap values, converting as rdbLoadObject does.
func decodeBlob(t byte, blob []byte, lim Limits) (*Value, error) {
	var items [][]byte
	collect := func(s []byte) error {
		items = append(items, bytes.Clone(s))
		return nil
	}
	switch t {
	case TypeSetIntset:
		vals, err := IntsetValues(blob)
		if err != nil {
			return nil, ErrFormat
		}
		v := &Value{Kind: KindSet, Compact: len(vals) <= lim.SetMaxIntsetEntries}
		for _, x := range vals {
			v.Elems = append(v.Elems, strconv.AppendInt(nil, x, 10))
		}
		return v, nil
	case TypeListZiplist:
		if err := ZiplistEach(blob, collect); err != nil || len(items) == 0 {
			return nil, ErrFormat
		}
		return &Value{Kind: KindList, Elems: items}, nil
	case TypeHashZipmap:
		maxLen := 0
		err := ZipmapEach(blob, func(f, val []byte) error {
			maxLen = max(maxLen, len(f), len(val))
			items = append(items, bytes.Clone(f), bytes.Clone(val))
			return nil
		})
		if err != nil || len(items) == 0 {
			return nil, ErrFormat
		}
		v := &Value{Kind: KindHash, Pairs: items}
		v.Compact = len(items)/2 <= lim.HashMaxListpackEntry && maxLen <= lim.HashMaxListpackValue
		return v, uniquePairs(items)
	}
	var err error
	if t == TypeZSetZiplist || t == TypeHashZiplist {
		err = ZiplistEach(blob, collect)
	} else {
		err = ListpackEach(blob, collect)
	}
	if err != nil || len(items) == 0 || len(items)%2 != 0 {
		return nil, ErrFormat
	}
	if err := uniquePairs(items); err != nil {
		return nil, err
	}
	if t == TypeHashZiplist || t == TypeHashListpack {
		return &Value{Kind: KindHash, Pairs: items, Compact: len(items)/2 <= lim.HashMaxListpackEntry}, nil
	}
	v := &Value{Kind: KindZSet, Compact: len(items)/2 <= lim.ZSetMaxListpackEntry}
	for i := 0; i < len(items); i += 2 {
		score := zzlStrtod(items[i+1])
		if math.IsNaN(score) {
			return nil, ErrFormat
		}
		v.ZSet = append(v.ZSet, ZEntry{Member: items[i], Score: score})
	}
	sortZSet(v)
	return v, nil
}

// zzlStrtod reads a listpack score as Redis does: strtod over at most 127
// bytes, 0 when there is no number at all. Redis never validates it.
func zzlStrtod(b []byte) float64 {
	if len(b) > 127 {
		b = b[:127]
	}
	f, _ := scanDouble(b)
	return f
}

// uniquePairs refuses a field (or member) that appears twice.
func uniquePairs(items [][]byte) error {
	seen := make(map[string]struct{}, len(items)/2)
	for i := 0; i < len(items); i += 2 {
		if _, dup := seen[string(items[i])]; dup {
			return ErrFormat
		}
		seen[string(items[i])] = struct{}{}
	}
	return nil
}

// sortZSet orders members by score then bytes. A listpack stores an
// integral score as an integer, so a -0 there reads back as 0.
func sortZSet(v *Value) {
	if v.Compact {
		for i := range v.ZSet {
			if v.ZSet[i].Score == 0 {
				v.ZSet[i].Score = 0
			}
		}
	}
	slices.SortFunc(v.ZSet, func(a, b ZEntry) int {
		switch {
		case a.Score < b.Score:
			return -1
		case a.Score > b.Score:
			return 1
		}
		return bytes.Compare(a.Member, b.Member)
	})
}
