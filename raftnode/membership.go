package raftnode

import (
	"fmt"
	"time"

	"github.com/hashicorp/raft"
)

// Join adds (or re-adds) a node and records its RESP address. It is
// idempotent, so a restarted node may ask again.
func (n *Node) Join(id, raftAddr, respAddr string, voter bool) error {
	if !n.IsLeader() {
		return ErrNotLeader
	}
	defer n.verify.voters.changing()()
	fut := n.raft.GetConfiguration()
	if err := fut.Error(); err != nil {
		return err
	}
	for _, s := range fut.Configuration().Servers {
		if s.ID == raft.ServerID(id) && s.Address == raft.ServerAddress(raftAddr) {
			if voter == (s.Suffrage == raft.Voter) {
				return n.ApplyMeta(id, respAddr)
			}
		}
		if s.ID == raft.ServerID(id) || s.Address == raft.ServerAddress(raftAddr) {
			if err := n.raft.RemoveServer(s.ID, 0, 10*time.Second).Error(); err != nil {
				return fmt.Errorf("remove stale member %s: %w", s.ID, err)
			}
		}
	}
	var err error
	if voter {
		err = n.raft.AddVoter(raft.ServerID(id), raft.ServerAddress(raftAddr), 0, 10*time.Second).Error()
	} else {
		err = n.raft.AddNonvoter(raft.ServerID(id), raft.ServerAddress(raftAddr), 0, 10*time.Second).Error()
	}
	if err != nil {
		return classify(err)
	}
	if respAddr == "" {
		return nil
	}
	return n.ApplyMeta(id, respAddr)
}

// Remove takes a node out of the cluster and forgets its RESP address.
func (n *Node) Remove(id string) error {
	if !n.IsLeader() {
		return ErrNotLeader
	}
	defer n.verify.voters.changing()()
	if err := n.raft.RemoveServer(raft.ServerID(id), 0, 10*time.Second).Error(); err != nil {
		return classify(err)
	}
	return n.ApplyMeta(id, "")
}

// Transfer hands leadership to id, or to any up-to-date voter if id is "".
func (n *Node) Transfer(id string) error {
	if id == "" {
		return n.raft.LeadershipTransfer().Error()
	}
	fut := n.raft.GetConfiguration()
	if err := fut.Error(); err != nil {
		return err
	}
	for _, s := range fut.Configuration().Servers {
		if s.ID == raft.ServerID(id) {
			return n.raft.LeadershipTransferToServer(s.ID, s.Address).Error()
		}
	}
	return fmt.Errorf("no such node %q", id)
}

// Snapshot takes a raft snapshot now.
func (n *Node) Snapshot() error { return n.raft.Snapshot().Error() }

// Servers returns the current raft configuration.
func (n *Node) Servers() ([]raft.Server, error) {
	fut := n.raft.GetConfiguration()
	if err := fut.Error(); err != nil {
		return nil, err
	}
	return fut.Configuration().Servers, nil
}
