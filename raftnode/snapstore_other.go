//go:build !linux

package raftnode

import (
	"os"
	"runtime"
)

// writeback without sync_file_range: an fsync per range keeps the final
// fsync of a snapshot small, at the cost of waiting for each range.
type writeback struct{}

func (writeback) push(f *os.File, _, _ int64) error { return f.Sync() }

// syncDir makes a rename in dir durable where directories can be synced.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
