package fsm

import (
	"sync/atomic"
)

// Access tracking for OBJECT IDLETIME and OBJECT FREQ, as Redis keeps it:
// 24 bits per key holding either the LRU clock (seconds) or, under an LFU
// maxmemory-policy, the last decrement time (minutes, 16 bits) and a
// logarithmic access counter (8 bits). The bits live in the entry's meta
// word, which has room for them, so the 48-byte entry budget holds. They
// are node-local: reads change them (atomically, under the read lock), they
// are never persisted nor part of any replicated reply's input except
// OBJECT's own, and the clock is the caller's (entry time on writes, the
// reader's clock on reads), never read here.
const (
	accessShift = 31
	accessBits  = 1<<24 - 1
	lruClockMax = accessBits
	lfuInitVal  = 5 // Redis's LFU_INIT_VAL
)

// accessPolicy is the node's maxmemory-policy as far as access tracking
// cares; the RESP layer pushes it from the settings.
type accessPolicy struct {
	lfu       atomic.Bool
	logFactor atomic.Int64 // lfu-log-factor
	decayTime atomic.Int64 // lfu-decay-time, minutes
}

// SetAccessPolicy selects LFU (counters) or LRU (idle time) tracking and
// the LFU tunables, as maxmemory-policy, lfu-log-factor and lfu-decay-time
// do in Redis. Switching takes time to adjust, as in Redis.
func (f *FSM) SetAccessPolicy(lfu bool, logFactor, decayTime int64) {
	f.access.lfu.Store(lfu)
	f.access.logFactor.Store(logFactor)
	f.access.decayTime.Store(decayTime)
}

// AccessLFU reports whether LFU tracking is selected.
func (f *FSM) AccessLFU() bool { return f.access.lfu.Load() }

func (e *entry) accessClock() uint32 { return uint32(e.loadMeta() >> accessShift & accessBits) }

func (e *entry) setAccessClock(v uint32) {
	for {
		old := e.loadMeta()
		next := old&^(accessBits<<accessShift) | uint64(v&accessBits)<<accessShift
		if next == old || atomic.CompareAndSwapUint64(&e.meta, old, next) {
			return
		}
	}
}

func lruClock(now int64) uint32 { return uint32(now/1000) & lruClockMax }

func lfuMinutes(now int64) uint32 { return uint32(now/60000) & 0xffff }

// lfuDecr is LFUDecrAndReturn: the counter less one per decay period
// elapsed since the last decrement.
func (f *FSM) lfuDecr(v uint32, now int64) uint32 {
	ldt, counter := v>>8, v&0xff
	cur := lfuMinutes(now)
	elapsed := cur - ldt
	if cur < ldt {
		elapsed = 0xffff - ldt + cur
	}
	decay := uint32(max(f.access.decayTime.Load(), 0))
	if decay == 0 {
		return counter
	}
	if periods := elapsed / decay; periods < counter {
		return counter - periods
	}
	return 0
}

// lfuIncr is LFULogIncr: the higher the counter, the less likely an access
// raises it. r is a node-local pseudo-random value.
func (f *FSM) lfuIncr(counter uint32, r uint64) uint32 {
	if counter == 255 {
		return counter
	}
	base := float64(0)
	if counter > lfuInitVal {
		base = float64(counter - lfuInitVal)
	}
	p := 1 / (base*float64(max(f.access.logFactor.Load(), 0)) + 1)
	if float64(r>>11)/(1<<53) < p {
		counter++
	}
	return counter
}

// touch records an access to e at now, as Redis's updateLFU / LRU_CLOCK.
func (f *FSM) touch(e *entry, now int64) {
	if e == nil {
		return
	}
	if !f.access.lfu.Load() {
		e.setAccessClock(lruClock(now))
		return
	}
	old := e.accessClock()
	c := f.lfuDecr(old, now)
	c = f.lfuIncr(c, mix64(uint64(now)^uint64(old)<<20^uint64(len(e.kv))))
	e.setAccessClock(lfuMinutes(now)<<8 | c)
}

// stamp gives a stored entry its access bits: a new key starts as a new
// Redis object does (LRU now, LFU counter 5); a replaced one keeps its LFU
// history, as dbOverwrite keeps the old object's.
func (f *FSM) stamp(e, prev *entry, now int64) {
	switch {
	case !f.access.lfu.Load():
		e.setAccessClock(lruClock(now))
	case prev != nil:
		e.setAccessClock(prev.accessClock())
	default:
		e.setAccessClock(lfuMinutes(now)<<8 | lfuInitVal)
	}
}

// idleSeconds is estimateObjectIdleTime in seconds. A key never stamped
// (loaded from a snapshot and not accessed since) counts as just accessed.
func idleSeconds(clock uint32, now int64) int64 {
	if clock == 0 {
		return 0
	}
	cur := lruClock(now)
	if cur >= clock {
		return int64(cur - clock)
	}
	return int64(cur + (lruClockMax - clock))
}

// mix64 is SplitMix64's finalizer.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// stamp is FSM.stamp at the entry's time.
func (c *Ctx) stamp(e, prev *entry) { c.f.stamp(e, prev, c.Now) }
