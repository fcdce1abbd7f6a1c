package resp

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/raft"
	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
)

// lifecycle is the Server's persistence and shutdown state. Raft's log is
// quoris's append-only file and its snapshots play the RDB's part: SAVE
// and BGSAVE take a raft snapshot of this node, LASTSAVE is when this node
// last completed one.
type lifecycle struct {
	lastSave      atomic.Int64 // unix s of the last snapshot seen on this node
	lastSnapIndex atomic.Uint64
	saves         atomic.Int64 // snapshots completed since start (rdb_saves)
	saving        atomic.Bool  // a BGSAVE is running
	saveStarted   atomic.Int64 // unix s the running BGSAVE started
	lastSaveOK    atomic.Bool
	lastSaveSecs  atomic.Int64 // duration of the last snapshot, s
	saveWG        sync.WaitGroup
	startupHeap   uint64 // heap in use when the server was built: MEMORY STATS startup.allocated

	shutdownMu      sync.Mutex
	shutdownPending chan struct{} // closed by SHUTDOWN ABORT while a shutdown waits
}

func persistCommands() []*localCmd {
	return []*localCmd{
		{Spec: fsm.Spec{Name: "save", Arity: 1, Flags: []string{"admin", "noscript", "no_async_loading", "no_multi"}, Group: "server",
			Summary: "Synchronously save the dataset to disk", Since: "1.0.0", Complexity: "O(N) where N is the total number of keys in all databases"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				if s.saving.Load() {
					return appendErrStr(out, "ERR Background save already in progress")
				}
				if err := s.snapshot(); err != nil {
					return appendErrStr(out, "ERR "+err.Error())
				}
				return redcon.AppendOK(out)
			}},
		{Spec: fsm.Spec{Name: "bgsave", Arity: -1, Flags: []string{"admin", "noscript", "no_async_loading"}, Group: "server",
			Summary: "Asynchronously save the dataset to disk", Since: "1.0.0", Complexity: "O(N) where N is the total number of keys in all databases"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				schedule := false
				if len(args) > 1 {
					if len(args) > 2 || !strings.EqualFold(string(args[1]), "schedule") {
						return appendSyntaxErr(out)
					}
					schedule = true
				}
				if !s.backgroundSnapshot("BGSAVE") {
					if schedule {
						return redcon.AppendString(out, "Background saving scheduled")
					}
					return appendErrStr(out, "ERR Background save already in progress")
				}
				return redcon.AppendString(out, "Background saving started")
			}},
		// The raft log is quoris's AOF and a snapshot is its rewrite: the
		// snapshot lets raft drop the log before it.
		{Spec: fsm.Spec{Name: "bgrewriteaof", Arity: 1, Flags: []string{"admin", "noscript", "no_async_loading"}, Group: "server",
			Summary: "Asynchronously rewrite the append-only file", Since: "1.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				if !s.backgroundSnapshot("BGREWRITEAOF") {
					// A snapshot under way compacts the log already.
					return redcon.AppendString(out, "Background append only file rewriting scheduled")
				}
				return redcon.AppendString(out, "Background append only file rewriting started")
			}},
		{Spec: fsm.Spec{Name: "lastsave", Arity: 1, Flags: []string{"loading", "stale", "fast", "@admin", "@dangerous"}, Group: "server",
			Summary: "Get the UNIX time stamp of the last successful save to disk", Since: "1.0.0", Complexity: "O(1)"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				s.noteSnapshots()
				return redcon.AppendInt(out, s.lastSave.Load())
			}},
		{Spec: fsm.Spec{Name: "shutdown", Arity: -1, Flags: []string{"admin", "noscript", "loading", "stale", "no_multi", "allow_busy"}, Group: "server",
			Summary: "Synchronously save the dataset to disk and then shut down the server", Since: "1.0.0",
			Complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)"},
			run: shutdownCmd},
	}
}

// snapshot takes a raft snapshot now. Nothing new since the last one is
// success: the last snapshot already holds the data.
func (s *Server) snapshot() error {
	t0 := time.Now()
	err := s.node.Snapshot()
	if errors.Is(err, raft.ErrNothingNewToSnapshot) {
		err = nil
	}
	s.lastSaveOK.Store(err == nil)
	s.lastSaveSecs.Store(int64(time.Since(t0) / time.Second))
	if err == nil {
		s.lastSave.Store(time.Now().Unix())
		s.saves.Add(1)
		s.lastSnapIndex.Store(s.snapshotIndex())
	}
	return err
}

func (s *Server) snapshotIndex() uint64 {
	idx, _ := strconv.ParseUint(s.node.Raft().Stats()["last_snapshot_index"], 10, 64)
	return idx
}

// noteSnapshots notices snapshots raft took on its own (by log size or
// entry count) so LASTSAVE covers them too.
func (s *Server) noteSnapshots() {
	if idx := s.snapshotIndex(); idx != s.lastSnapIndex.Load() {
		s.lastSnapIndex.Store(idx)
		s.lastSave.Store(time.Now().Unix())
	}
}

type shutdownOpts struct {
	save, nosave, now, force, abort bool
}

func parseShutdown(args [][]byte) (shutdownOpts, bool) {
	var o shutdownOpts
	for _, a := range args[1:] {
		switch strings.ToLower(string(a)) {
		case "save":
			o.save = true
		case "nosave":
			o.nosave = true
		case "now":
			o.now = true
		case "force":
			o.force = true
		case "abort":
			o.abort = true
		default:
			return o, false
		}
	}
	if (o.save && o.nosave) || (o.abort && (o.save || o.nosave || o.now || o.force)) {
		return o, false
	}
	return o, true
}

// shutdownCmd stops this node as SIGTERM does. Unless NOW, a leader first
// hands leadership to an up-to-date voter, which is quoris's counterpart
// of Redis waiting for its replicas to catch up, so clients see no
// election timeout; SHUTDOWN ABORT from another client cancels that wait.
// SAVE takes a snapshot first; without it nothing needs saving, because
// every acknowledged write is already in the raft log on disk.
func shutdownCmd(s *Server, cl *client, args [][]byte, out []byte) []byte {
	o, ok := parseShutdown(args)
	if !ok {
		return appendSyntaxErr(out)
	}
	if o.abort {
		s.shutdownMu.Lock()
		defer s.shutdownMu.Unlock()
		if s.shutdownPending == nil {
			return appendErrStr(out, "ERR No shutdown in progress.")
		}
		close(s.shutdownPending)
		s.shutdownPending = nil
		return redcon.AppendOK(out)
	}
	if o.save {
		if err := s.snapshot(); err != nil && !o.force {
			s.log.Warn("SHUTDOWN SAVE failed", "err", err)
			return appendErrStr(out, "ERR Errors trying to SHUTDOWN. Check logs.")
		}
	}
	if !o.now && s.node.IsLeader() && len(s.members()) > 1 {
		abort := make(chan struct{})
		s.shutdownMu.Lock()
		s.shutdownPending = abort
		s.shutdownMu.Unlock()
		done := make(chan error, 1)
		go func() { done <- s.node.Transfer("") }()
		select {
		case <-abort:
			return appendErrStr(out, "ERR Errors trying to SHUTDOWN. Check logs.")
		case err := <-done:
			if err != nil {
				s.log.Warn("SHUTDOWN: leadership transfer failed; stopping anyway", "err", err)
			}
		}
		s.shutdownMu.Lock()
		s.shutdownPending = nil
		s.shutdownMu.Unlock()
	}
	s.log.Info("SHUTDOWN requested by a client", "addr", cl.addr)
	s.shutdownMu.Lock()
	stop := s.opts.Shutdown
	s.shutdownMu.Unlock()
	if stop == nil {
		// The server's SIGTERM handler does the graceful stop.
		stop = func() { _ = syscall.Kill(os.Getpid(), syscall.SIGTERM) }
	}
	go stop()
	// Redis closes the connection without a reply.
	_ = cl.conn.Close()
	return out
}

// backgroundSnapshot starts a raft snapshot unless one is under way (then
// it answers false); cmd names the command in a failure's log line.
func (s *Server) backgroundSnapshot(cmd string) bool {
	if !s.saving.CompareAndSwap(false, true) {
		return false
	}
	s.saveStarted.Store(time.Now().Unix())
	s.saveWG.Add(1)
	go func() {
		defer s.saveWG.Done()
		defer s.saving.Store(false)
		if err := s.snapshot(); err != nil {
			s.log.Warn(cmd+" failed", "err", err)
		}
	}()
	return true
}
