package raftnode

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/hashicorp/raft"
)

// PeersFile is the file an operator writes into a node's data directory to
// recover a cluster that lost its majority for good (docs/operations.md):
// hashicorp/raft's peers.json, version 3 — a JSON list of {"id",
// "address", "non_voter"}, the raft id and raft address of every member
// that will form the new configuration.
const PeersFile = "peers.json"

// recoverPeers applies <dir>/peers.json before raft starts, with raft's
// RecoverCluster: the node's log and snapshots are replayed into a new
// snapshot whose configuration is the file's, so the listed survivors can
// elect a leader among themselves. The file is then renamed, so a later
// restart does not recover again. Every surviving node needs the same file.
// Writes acknowledged by the lost majority but missing from every survivor
// are lost: that is what losing a majority means.
func recoverPeers(dir string, rc *raft.Config, fsm raft.FSM, logs raft.LogStore, stable raft.StableStore,
	snaps raft.SnapshotStore, trans raft.Transport, log *slog.Logger) error {
	path := filepath.Join(dir, PeersFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	conf, err := raft.ReadConfigJSON(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	found := false
	for _, s := range conf.Servers {
		found = found || s.ID == rc.LocalID
	}
	if !found {
		return fmt.Errorf("%s does not list this node (%s)", path, rc.LocalID)
	}
	log.Warn("recovering the cluster configuration from "+PeersFile, "servers", len(conf.Servers))
	if err := raft.RecoverCluster(rc, fsm, logs, stable, snaps, trans, conf); err != nil {
		return fmt.Errorf("recover from %s: %w", path, err)
	}
	if err := os.Rename(path, path+".recovered"); err != nil {
		return err
	}
	log.Warn("cluster configuration recovered; " + PeersFile + " renamed to " + PeersFile + ".recovered")
	return nil
}
