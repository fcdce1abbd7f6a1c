package resp

import (
	"testing"

	"github.com/quoris/quoris/integration/redistest"
)

// startRedisOrSkip runs a real redis-server for a differential test, with
// no arguments but its port (so CONFIG GET shows its built-in defaults) in
// a temporary directory, and returns its address. The test is skipped
// when redis-server is not installed.
func startRedisOrSkip(t *testing.T) string {
	t.Helper()
	return redistest.StartOrSkip(t)
}
