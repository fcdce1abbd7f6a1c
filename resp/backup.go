package resp

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
)

// QUORIS.BACKUP answers a consistent snapshot of the whole dataset as one
// bulk string in quoris's snapshot format (the file `quoris-server
// restore` starts a new cluster from). It runs on the leader after a read
// barrier, so the snapshot holds every write acknowledged before the
// command arrived; a follower answers MOVED with the leader's address.
// The snapshot is built in memory before it is sent.
func backupCommands() []*localCmd {
	return []*localCmd{
		{Spec: fsm.Spec{Name: "quoris.backup", Arity: 1, Flags: []string{"admin", "noscript", "no_multi"}, Group: "server",
			Summary: "Return a consistent snapshot of the dataset in quoris's snapshot format.", Since: "0.1.0",
			Complexity: "O(N) where N is the total number of keys in all databases"},
			run: func(s *Server, cl *client, args [][]byte, out []byte) []byte {
				b, err := s.backup()
				if err != nil {
					if errors.Is(err, raftnode.ErrNotLeader) {
						if _, addr := s.node.Leader(); addr != "" {
							return appendErrStr(out, "MOVED 0 "+addr)
						}
						return appendErrStr(out, raftnode.ErrNoLeader.Error())
					}
					return appendErrStr(out, "ERR backup failed: "+err.Error())
				}
				return redcon.AppendBulk(out, b)
			}},
	}
}

func (s *Server) backup() ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.node.ReadBarrier(ctx); err != nil {
		return nil, err
	}
	snap, err := s.node.FSM().Snapshot()
	if err != nil {
		return nil, err
	}
	defer snap.Release()
	var sink bufferSink
	if err := snap.Persist(&sink); err != nil {
		return nil, err
	}
	return sink.Bytes(), nil
}

// bufferSink is a raft.SnapshotSink in memory.
type bufferSink struct{ bytes.Buffer }

func (*bufferSink) ID() string    { return "backup" }
func (*bufferSink) Cancel() error { return nil }
func (*bufferSink) Close() error  { return nil }
