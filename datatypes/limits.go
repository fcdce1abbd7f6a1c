package datatypes

// Limits are the encoding thresholds Redis reads from its configuration at
// every conversion point: hash-max-listpack-entries/value,
// set-max-intset-entries, zset-max-listpack-entries/value,
// hll-sparse-max-bytes. In quoris they
// are replicated FSM state, handed to each write through fsm.Ctx, so every
// node converts at the same point and OBJECT ENCODING agrees cluster-wide.
type Limits struct {
	HashMaxListpackEntries int64
	HashMaxListpackValue   int64
	SetMaxIntsetEntries    int64
	ZSetMaxListpackEntries int64
	ZSetMaxListpackValue   int64
	HLLSparseMaxBytes      int64
}

// DefaultLimits are Redis 7.0's compiled-in defaults (redis.conf ships the
// same values).
func DefaultLimits() Limits {
	return Limits{
		HashMaxListpackEntries: HashMaxListpackEntries,
		HashMaxListpackValue:   HashMaxListpackValue,
		SetMaxIntsetEntries:    SetMaxIntsetEntries,
		ZSetMaxListpackEntries: ZSetMaxListpackEntries,
		ZSetMaxListpackValue:   ZSetMaxListpackValue,
		HLLSparseMaxBytes:      HLLSparseMaxBytes,
	}
}

// longer reports whether a string of length n exceeds limit.
func longer(n int, limit int64) bool { return int64(n) > limit }
