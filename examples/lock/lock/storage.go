package lock

import (
	"errors"
	"fmt"
	"sync"
)

// ErrStaleToken is Storage's answer to a write fenced by an older token
// than one it has already accepted.
var ErrStaleToken = errors.New("storage: stale fencing token")

// Storage is a toy storage service guarded by fencing tokens: it accepts a
// write only with a token larger than every token it accepted before, so
// once a newer holder has written, an older holder's writes are refused
// however late they arrive.
type Storage struct {
	mu       sync.Mutex
	last     uint64
	accepted []Write
	rejected int
}

// Write is one accepted write.
type Write struct {
	Token  uint64
	Holder string
	Data   string
}

// Put stores data from holder, fenced by token.
func (s *Storage) Put(token uint64, holder, data string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token <= s.last {
		s.rejected++
		return fmt.Errorf("%w: %d, last accepted %d", ErrStaleToken, token, s.last)
	}
	s.last = token
	s.accepted = append(s.accepted, Write{Token: token, Holder: holder, Data: data})
	return nil
}

// Accepted returns the accepted writes in order, and how many were refused.
func (s *Storage) Accepted() ([]Write, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Write(nil), s.accepted...), s.rejected
}
