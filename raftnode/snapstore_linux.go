package raftnode

import (
	"os"

	"golang.org/x/sys/unix"
)

// writeback pushes a snapshot file to disk while it is written, the way
// Redis's rdb-save-incremental-fsync does (rio.c): start writing out the
// range just filled, then wait for the range before it. At most two ranges
// are ever in flight, so a raft log fdatasync issued meanwhile waits behind
// a MB or two of snapshot, not behind the whole file (one final fsync of
// 120 MB held it up 86 ms); and the snapshot writer is paced by the disk
// instead of piling up dirty pages for the final fsync.
type writeback struct {
	prevOff, prevN int64
	fsync          bool // sync_file_range is unsupported here: fsync each range
}

func (wb *writeback) push(f *os.File, off, n int64) error {
	if !wb.fsync {
		fd := int(f.Fd())
		err := unix.SyncFileRange(fd, off, n, unix.SYNC_FILE_RANGE_WRITE)
		if err == nil && wb.prevN > 0 {
			err = unix.SyncFileRange(fd, wb.prevOff, wb.prevN,
				unix.SYNC_FILE_RANGE_WAIT_BEFORE|unix.SYNC_FILE_RANGE_WRITE|unix.SYNC_FILE_RANGE_WAIT_AFTER)
		}
		wb.prevOff, wb.prevN = off, n
		if err == nil {
			return nil
		}
		wb.fsync = true
	}
	return f.Sync()
}
