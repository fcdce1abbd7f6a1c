package events

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"

	"github.com/redis/go-redis/v9"
)

// replyErr is an error reply as go-redis returns it.
type replyErr string

func (e replyErr) Error() string { return string(e) }
func (replyErr) RedisError()     {}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Outcome
	}{
		{"nil", nil, Applied},
		{"redis.Nil (BLOCK timed out)", redis.Nil, Applied},
		{"TRYAGAIN", replyErr("TRYAGAIN no leader"), NotApplied},
		{"CLUSTERDOWN", replyErr("CLUSTERDOWN the cluster is down"), NotApplied},
		{"shutting down", replyErr("ERR server is shutting down"), NotApplied},
		{"other error reply", replyErr("NOGROUP No such key 'orders' or consumer group 'billing'"), NotApplied},
		{"UNCERTAIN", replyErr("UNCERTAIN leadership was lost while the command was in flight; it may or may not have been applied"), Unknown},
		{"dial refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, NotApplied},
		{"read reset", &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}, Unknown},
		{"EOF", io.EOF, Unknown},
		{"timeout", context.DeadlineExceeded, Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.err); got != tt.want {
				t.Fatalf("Classify(%v) = %s, want %s", tt.err, got, tt.want)
			}
		})
	}
}
