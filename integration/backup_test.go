package integration

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestBackupRestore writes every type to a 3-node cluster, takes a backup
// through a follower (QUORIS.BACKUP answers MOVED there; the tool follows
// it to the leader), starts a new 3-node cluster whose first node restores
// the file, and compares every key, encoding and expiry of the two. A node
// whose directory already holds raft state refuses to restore.
func TestBackupRestore(t *testing.T) {
	ctx := deadlineCtx(t, 60*time.Second)
	a := NewCluster(t)
	a.Start(3)
	la := a.Leader()
	fillAllTypes(t, ctx, a.Node(la).Addr)
	ca := redis.NewClient(&redis.Options{Addr: a.Node(la).Addr})
	defer ca.Close()
	lib := "#!lua name=bk\nredis.register_function('twice', function(keys, args) return args[1] .. args[1] end)"
	if err := ca.FunctionLoad(ctx, lib).Err(); err != nil {
		t.Fatal(err)
	}
	follower := a.Node(la%3 + 1).Addr
	file := filepath.Join(t.TempDir(), "backup.snap")
	if out, err := exec.Command(serverBin, "backup", "--from", follower, file).CombinedOutput(); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}

	b := NewCluster(t)
	b.NodeCommand[1] = []string{"restore", file}
	b.Start(3)
	lb := b.Node(b.Leader()).Addr
	if n := compareAllKeys(t, ctx, a.Node(la).Addr, lb, []int{0, 1, 2, 3}); n != 3*18 {
		t.Errorf("%d keys compared, want %d", n, 3*18)
	}
	cb := redis.NewClient(&redis.Options{Addr: lb})
	defer cb.Close()
	if got, err := cb.FCall(ctx, "twice", nil, "ab").Text(); err != nil || got != "abab" {
		t.Errorf("restored function: %q %v", got, err)
	}
	// The new cluster is writable and knows only its own nodes.
	if err := cb.Set(ctx, "after", "restore", 0).Err(); err != nil {
		t.Fatal(err)
	}
	nodes, err := rawDo(lb, 5*time.Second, "RAFT", "NODES")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if strings.Contains(string(nodes), a.Node(i).Addr) || !strings.Contains(string(nodes), b.Node(i).Addr) {
			t.Errorf("RAFT NODES of the restored cluster: %q", nodes)
		}
	}

	// Restoring into a directory with raft state is refused.
	b.Stop(2)
	nd := b.Node(2)
	out, err := exec.Command(serverBin, "restore", file, "--dir", nd.Dir, "--port", strconv.Itoa(nd.Port)).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "new single-node cluster") {
		t.Errorf("restore into a used directory: %v\n%s", err, out)
	}
}
