// Package raftnode wires hashicorp/raft to the FSM: transport, log and
// stable stores, snapshots, bootstrap, leadership, the write path's error
// classification and the linearizable read barrier. See DESIGN.md.
package raftnode

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"

	"github.com/quoris/quoris/fsm"
)

// Config is what a node needs to run raft.
type Config struct {
	NodeID            string
	RaftAddr          string // host:port, bound and advertised
	RespAddr          string // this node's client address, replicated for proxies and MOVED
	Dir               string
	SnapshotThreshold uint64
	SnapshotBytes     uint64 // snapshot after this many bytes of applied log; 0: entries only
	SnapshotInterval  time.Duration
	TrailingLogs      uint64
	HeartbeatTimeout  time.Duration
	ElectionTimeout   time.Duration
	ApplyTimeout      time.Duration
	NoSync            bool   // skip the raft log's fsyncs: NOT durable, benchmarking only
	LogStore          string // LogStoreWAL or LogStoreBolt for a new data directory; "": DefaultLogStore
	MaxInflight       int    // command batches in raft at once; more queue up and go out together
	ClockSkew         int64  // ms added to this node's clock; for fault tests only
	MaxCommandBytes   int64  // max-entry-size: larger commands are refused; 0: DefaultMaxCommandBytes
	Logger            *slog.Logger
	// TLS, when set, carries raft traffic over mutually authenticated
	// TLS (tls-cluster): only nodes with a certificate of its CA connect.
	TLS *TLS
}

// Node is a running raft member.
type Node struct {
	cfg   Config
	raft  *raft.Raft
	fsm   *fsm.FSM
	trans *raft.NetworkTransport
	// contacts: when each follower last answered an AppendEntries; with
	// leaderSince (when this node last became leader), see PeerHealth.
	contacts    *contactTransport
	leaderSince atomic.Value
	stores      *stores
	log         *slog.Logger
	verify      *verifier
	batch       *batcher
	ready       atomic.Uint64 // term in which this node, as leader, applied an entry of its own
	stop        chan struct{}
	stopped     atomic.Bool
	hadData     bool
	// maxEntry is the largest entry any log store can hold (0: no
	// limit); larger commands are refused before raft sees them.
	maxEntry int
	// maxCommand bounds a command, staged in chunks when large (stage.go).
	maxCommand int64
	stageIDs   atomic.Uint64
	// noActiveExpire is DEBUG SET-ACTIVE-EXPIRE 0: the leader stops
	// proposing expiry entries; keys still expire for readers.
	noActiveExpire atomic.Bool
	timings        *Timings
}

// Open starts raft for cfg on f. It never bootstraps; see Bootstrap.
func Open(cfg Config, f *fsm.FSM) (*Node, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ApplyTimeout == 0 {
		cfg.ApplyTimeout = 10 * time.Second
	}
	if cfg.MaxInflight == 0 {
		cfg.MaxInflight = DefaultMaxInflight
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, err
	}
	hl := NewHCLog(cfg.Logger, "raft", hclog.Info)

	st, err := openStores(cfg)
	if err != nil {
		return nil, err
	}
	n, err := openRaft(cfg, f, st, hl)
	if err != nil {
		st.Close()
		return nil, err
	}
	return n, nil
}

// openRaft starts raft on st; the caller closes st if it fails.
func openRaft(cfg Config, f *fsm.FSM, st *stores, hl hclog.Logger) (*Node, error) {
	logs := newLogCache(st.log, 4096, logCacheBytes)
	files, err := newSnapStore(cfg.Dir, snapRetain, cfg.Logger.With("component", "raft.snapshot"))
	if err != nil {
		return nil, err
	}
	snaps := &snapshotStore{SnapshotStore: files}
	adv, err := net.ResolveTCPAddr("tcp", cfg.RaftAddr)
	if err != nil {
		return nil, fmt.Errorf("raft-addr %q: %w", cfg.RaftAddr, err)
	}
	layer, err := newTCPLayer(cfg.RaftAddr, adv)
	if err != nil {
		return nil, fmt.Errorf("raft transport on %s: %w", cfg.RaftAddr, err)
	}
	var stream raft.StreamLayer = layer
	if cfg.TLS != nil {
		stream = newTLSLayer(layer, cfg.TLS, cfg.Logger.With("component", "raft.tls").Warn)
	}
	trans := raft.NewNetworkTransportWithLogger(stream, 4, 10*time.Second, hl.Named("transport"))
	hadData, err := raft.HasExistingState(logs, st.stable, snaps)
	if err != nil {
		trans.Close()
		return nil, err
	}
	if last, err := logs.LastIndex(); err == nil {
		f.SetQuietThrough(last) // replayed entries publish nothing again
	}

	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(cfg.NodeID)
	rc.Logger = hl
	rc.BatchApplyCh = true
	// raft allocates MaxAppendEntries pointers for every AppendEntries it
	// builds and every commit it hands to the FSM, used or not. Client
	// commands travel as one batch entry per group commit, so few entries
	// are ever pending: 64 (raft's default) rather than 512 took 40% off
	// the bytes a 3-node SET allocates (2468 -> 1418 per request, all
	// nodes) and still groups 64 transactions per fsync.
	rc.MaxAppendEntries = 64
	if cfg.HeartbeatTimeout > 0 {
		rc.HeartbeatTimeout = cfg.HeartbeatTimeout
		// The whole heartbeat timeout, not raft's half: a leader
		// writing and shipping a large entry (tens of MB) can miss a
		// few heartbeat rounds on a busy machine, and stepping down
		// for that turns a big SET into an UNCERTAIN reply. Reads
		// never rely on the lease (they use VerifyLeader), so it
		// only decides how soon a cut-off leader stops accepting.
		// (A millisecond less: restore.go briefly lowers the heartbeat
		// timeout by a nanosecond, and raft wants lease <= heartbeat.)
		rc.LeaderLeaseTimeout = cfg.HeartbeatTimeout - time.Millisecond
	}
	if cfg.ElectionTimeout > 0 {
		rc.ElectionTimeout = cfg.ElectionTimeout
	}
	if cfg.SnapshotThreshold > 0 {
		rc.SnapshotThreshold = cfg.SnapshotThreshold
	}
	if cfg.SnapshotInterval > 0 {
		rc.SnapshotInterval = cfg.SnapshotInterval
	}
	if cfg.TrailingLogs > 0 {
		rc.TrailingLogs = cfg.TrailingLogs
	}
	contacts := newContactTransport(trans)
	timings := new(Timings)
	if hadData {
		if err := recoverPeers(cfg.Dir, rc, restoringFSM{FSM: f, snaps: snaps, timings: timings, log: cfg.Logger}, logs, st.stable, snaps, trans, cfg.Logger); err != nil {
			trans.Close()
			return nil, err
		}
	}
	r, err := raft.NewRaft(rc, restoringFSM{FSM: f, snaps: snaps, timings: timings, log: cfg.Logger}, logs, st.stable, snaps, contacts)
	if err != nil {
		trans.Close()
		return nil, err
	}
	n := &Node{cfg: cfg, raft: r, fsm: f, trans: trans, contacts: contacts, stores: st, log: cfg.Logger,
		stop: make(chan struct{}), hadData: hadData, timings: timings}
	n.leaderSince.Store(time.Time{})
	// Whatever this node's store: a cluster may mix stores, and an entry
	// a bolt leader logged would stall a WAL follower that cannot read it.
	n.maxEntry = maxWALEntry
	n.maxCommand = cfg.MaxCommandBytes
	if n.maxCommand <= 0 {
		n.maxCommand = DefaultMaxCommandBytes
	}
	// Staged ids need only be unique among this leader's own stagings
	// (a leader change discards the rest); a random start keeps a
	// restarted node from reusing ids an abort may not have reached.
	n.stageIDs.Store(rand.Uint64() >> 1)
	n.verify = newVerifier(r, raft.ServerID(cfg.NodeID), contacts, 2*rc.HeartbeatTimeout)
	n.batch = newBatcher(n, cfg.MaxInflight)
	f.SetProposedHere(n.batch.owns)
	go n.batch.run(n.stop)
	if cfg.SnapshotBytes > 0 {
		go n.snapshotBySize(cfg.SnapshotBytes, time.Second)
	}
	go n.watchLeadership()
	go n.watchLeaderChanges()
	if hadData {
		n.campaignIfAlone()
	}
	return n, nil
}

// LogStore is the log store this node uses: LogStoreWAL or LogStoreBolt.
func (n *Node) LogStore() string { return n.stores.kind }

// HadState reports whether the node found existing raft state on disk.
func (n *Node) HadState() bool { return n.hadData }

// Bootstrap makes this node the single voter of a new cluster.
func (n *Node) Bootstrap() error {
	cfg := raft.Configuration{Servers: []raft.Server{{
		ID: raft.ServerID(n.cfg.NodeID), Address: raft.ServerAddress(n.cfg.RaftAddr), Suffrage: raft.Voter,
	}}}
	err := n.raft.BootstrapCluster(cfg).Error()
	if errors.Is(err, raft.ErrCantBootstrap) {
		return nil
	}
	if err == nil {
		n.campaignIfAlone() // nobody else can lead: do not wait out a heartbeat timeout
	}
	return err
}

// WaitReady waits until this node leads and has applied an entry of its
// term (so it accepts writes and linearizable reads), or timeout passes.
// A server started as a cluster's lone voter waits for it before it
// listens, so its first PONG means writes are accepted.
func (n *Node) WaitReady(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if n.IsLeader() && n.ready.Load() == n.raft.CurrentTerm() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		select {
		case <-n.stop:
			return false
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// LoneVoter reports whether this node is the only voter of its configuration.
func (n *Node) LoneVoter() bool {
	fut := n.raft.GetConfiguration()
	if fut.Error() != nil {
		return false
	}
	s := fut.Configuration().Servers
	return len(s) == 1 && s[0].ID == raft.ServerID(n.cfg.NodeID) && s[0].Suffrage == raft.Voter
}

// Raft exposes the underlying raft for stats and admin commands.
func (n *Node) Raft() *raft.Raft { return n.raft }

// FSM returns the state machine.
func (n *Node) FSM() *fsm.FSM { return n.fsm }

// ID is this node's raft server id.
func (n *Node) ID() string { return n.cfg.NodeID }

// RespAddr is this node's client address.
func (n *Node) RespAddr() string { return n.cfg.RespAddr }

// Now is this node's wall clock in unix ms, skewed in fault tests. Only the
// proposer and the read path call it; the FSM never does.
func (n *Node) Now() int64 { return time.Now().UnixMilli() + n.cfg.ClockSkew }

// IsLeader reports whether this node currently believes it leads.
func (n *Node) IsLeader() bool { return n.raft.State() == raft.Leader }

// Leader returns the leader's id and RESP address ("" when unknown).
func (n *Node) Leader() (id, respAddr string) {
	_, lid := n.raft.LeaderWithID()
	if lid == "" {
		return "", ""
	}
	return string(lid), n.fsm.NodeAddr(string(lid))
}

// Shutdown hands leadership over if this node leads, then stops raft and
// closes the stores.
func (n *Node) Shutdown() error {
	if !n.stopped.CompareAndSwap(false, true) {
		return nil
	}
	close(n.stop)
	<-n.batch.exited
	if n.IsLeader() && n.voters() > 1 {
		if err := n.raft.LeadershipTransfer().Error(); err != nil {
			n.log.Warn("leadership transfer on shutdown failed", "err", err)
		}
	}
	err := n.raft.Shutdown().Error()
	n.trans.Close()
	if cerr := n.stores.Close(); err == nil {
		err = cerr
	}
	return err
}

func (n *Node) voters() int {
	fut := n.raft.GetConfiguration()
	if fut.Error() != nil {
		return 0
	}
	c := 0
	for _, s := range fut.Configuration().Servers {
		if s.Suffrage == raft.Voter {
			c++
		}
	}
	return c
}
