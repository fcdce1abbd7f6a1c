package fsm

import (
	"crypto/sha1"
	"encoding/binary"
	"math"
	"strconv"

	"github.com/quoris/quoris/datatypes"
)

// DEBUG DIGEST and DIGEST-VALUE, computed exactly as Redis 7.0's debug.c
// does so that a dataset can be compared with a redis-server's: ordered
// parts (a key and its value, list elements) are chained with mixDigest,
// unordered ones (keys, set members, hash fields, zset members) are
// combined with xor, so iteration order does not matter.

// Digest is a 20-byte DEBUG DIGEST value; all zeros for nothing.
type Digest [20]byte

// xorDigest: digest ^= SHA1(data).
func (d *Digest) xor(data []byte) {
	h := sha1.Sum(data)
	for i := range d {
		d[i] ^= h[i]
	}
}

// xor2: digest ^= other, bytewise.
func (d *Digest) xor2(o Digest) {
	for i := range d {
		d[i] ^= o[i]
	}
}

// mix: digest = SHA1(digest ^ SHA1(data)), which keeps order.
func (d *Digest) mix(data []byte) {
	d.xor(data)
	*d = sha1.Sum(d[:])
}

// Redis's object type numbers (OBJ_STRING ...), hashed into each value.
func redisType(v any) uint32 {
	switch v.(type) {
	case nil:
		return 0
	case listValue:
		return 1
	case setValue:
		return 2
	case zsetValue:
		return 3
	case hashValue:
		return 4
	case streamValue:
		return 6
	}
	return 0
}

// valueDigest is xorObjectDigest: the value's type, its contents and
// whether it has a TTL, mixed into d.
func valueDigest(d *Digest, it Item) {
	var aux [4]byte
	binary.BigEndian.PutUint32(aux[:], redisType(it.Value))
	d.mix(aux[:])
	switch v := it.Value.(type) {
	case nil:
		d.mix(it.Str)
	case listValue:
		v.Ascend(0, func(_ int, b []byte) bool {
			d.mix(b)
			return true
		})
	case setValue:
		v.Each(func(m string) bool {
			d.xor(strBytes(m))
			return true
		})
	case zsetValue:
		listpack := v.EncodingName() == "listpack"
		var buf []byte
		v.Each(func(z datatypes.ZItem) bool {
			var ele Digest
			ele.mix(strBytes(z.Member))
			buf = appendScore17g(buf[:0], z.Score, listpack)
			ele.mix(buf)
			d.xor(ele[:])
			return true
		})
	case streamValue:
		// debug.c mixes each entry's "ms.seq" and its fields and values;
		// groups are not part of the digest.
		var buf []byte
		v.Range(datatypes.StreamID{}, datatypes.MaxStreamID, false, func(id datatypes.StreamID, fv [][]byte) bool {
			buf = strconv.AppendUint(buf[:0], id.Ms, 10)
			buf = append(buf, '.')
			buf = strconv.AppendUint(buf, id.Seq, 10)
			d.mix(buf)
			for _, b := range fv {
				d.mix(b)
			}
			return true
		})
	case hashValue:
		v.Each(func(f, val string) bool {
			var ele Digest
			ele.mix(strBytes(f))
			ele.mix(strBytes(val))
			d.xor(ele[:])
			return true
		})
	}
	if it.ExpireAt != 0 {
		d.xor([]byte("!!expire!!"))
	}
}

// appendScore17g is C's "%.17g" of a score. A listpack stores a zero
// score, -0 included, as the integer 0, so it reads back as "0".
func appendScore17g(b []byte, f float64, listpack bool) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case f == 0 && listpack:
		return append(b, '0')
	}
	return strconv.AppendFloat(b, f, 'g', 17, 64)
}

// DatasetDigest is DEBUG DIGEST: every live key of every database at time
// now. A node-local read; the result is the same on every node that has
// applied the same index.
func (f *FSM) DatasetDigest(now int64) Digest {
	f.mu.RLock()
	defer f.mu.RUnlock()
	now = max(now, f.now)
	var final Digest
	for j, db := range f.dbs {
		// Redis mixes the database number in, then xors each key's
		// digest; xor commutes, so the keys are summed first and the
		// number mixed in only for a database with live keys.
		var keys Digest
		live := false
		db.Ascend(0, func(key string, _ uint64, it Item) bool {
			if !alive(it, now) {
				return true
			}
			var d Digest
			d.mix(strBytes(key))
			valueDigest(&d, it)
			keys.xor(d[:]) // Redis: xorDigest(final, digest, 20)
			live = true
			return true
		})
		if live {
			var aux [4]byte
			binary.BigEndian.PutUint32(aux[:], uint32(j))
			final.mix(aux[:])
			final.xor2(keys)
		}
	}
	return final
}

// ValueDigests is DEBUG DIGEST-VALUE: each key's value digest (without the
// key's name), all zeros for a missing key.
func (f *FSM) ValueDigests(db int, now int64, keys [][]byte) ([]Digest, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if db < 0 || db >= len(f.dbs) {
		return nil, ErrDBIndex
	}
	now = max(now, f.now)
	out := make([]Digest, len(keys))
	for i, k := range keys {
		if it, ok := f.dbs[db].raw(string(k)); ok && alive(it, now) {
			valueDigest(&out[i], it)
		}
	}
	return out, nil
}
