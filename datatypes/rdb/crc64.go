// Package rdb is Redis's RDB value encoding: the CRC64 and LZF that RDB
// files and DUMP payloads use, RDB length and string encodings, and the
// compact containers (listpack, ziplist, intset, zipmap) values are stored
// in. It is pure (no FSM state, no I/O) so that DUMP/RESTORE and a future
// whole-file RDB import share one codec.
package rdb

import "hash/crc64"

// jonesTable is the CRC-64/Jones table (polynomial 0xad93d23594c935a9,
// reflected), the CRC Redis's crc64.c computes for RDB files and DUMP.
var jonesTable = crc64.MakeTable(0x95ac9329ac4bc9b5)

// CRC64 continues Redis's crc64(crc, p): Jones polynomial, reflected, no
// initial or final inversion (Go's crc64 inverts both, hence the ^s).
// Start with crc 0.
func CRC64(crc uint64, p []byte) uint64 {
	return ^crc64.Update(^crc, jonesTable, p)
}
