package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/tidwall/redcon"
)

// The floor is what a Go RESP server costs before any quoris code runs:
// redcon's own server (the RESP library quoris is built on), a goroutine
// per connection, and a map under a mutex; no raft, no log, no fsync. The
// bench runs it as a system beside redis-server so that a row's ratio can
// be read against what this connection model reaches on the same machine
// in the same run. It answers only the commands of the rows it can serve;
// every other row is n/a.
type floorStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func serveFloor(addr string) error {
	st := &floorStore{m: map[string][]byte{}}
	return redcon.ListenAndServe(addr, st.handle, nil, nil)
}

func (st *floorStore) handle(conn redcon.Conn, cmd redcon.Command) {
	name := strings.ToLower(string(cmd.Args[0]))
	switch {
	case name == "ping" && len(cmd.Args) == 1:
		conn.WriteString("PONG")
	case name == "set" && len(cmd.Args) == 3:
		v := append([]byte(nil), cmd.Args[2]...)
		st.mu.Lock()
		st.m[string(cmd.Args[1])] = v
		st.mu.Unlock()
		conn.WriteString("OK")
	case name == "get" && len(cmd.Args) == 2:
		st.mu.Lock()
		v, ok := st.m[string(cmd.Args[1])]
		st.mu.Unlock()
		if !ok {
			conn.WriteNull()
			return
		}
		conn.WriteBulk(v)
	case name == "incr" && len(cmd.Args) == 2:
		st.mu.Lock()
		defer st.mu.Unlock()
		n := int64(0)
		if v, ok := st.m[string(cmd.Args[1])]; ok {
			var err error
			if n, err = strconv.ParseInt(string(v), 10, 64); err != nil {
				conn.WriteError("ERR value is not an integer or out of range")
				return
			}
		}
		n++
		st.m[string(cmd.Args[1])] = strconv.AppendInt(nil, n, 10)
		conn.WriteInt64(n)
	case name == "config" && len(cmd.Args) == 3 && strings.EqualFold(string(cmd.Args[1]), "get"):
		// redis-benchmark asks for save and appendonly at start; the
		// floor keeps nothing, so both are off.
		conn.WriteArray(2)
		conn.WriteBulk(cmd.Args[2])
		if strings.EqualFold(string(cmd.Args[2]), "appendonly") {
			conn.WriteBulkString("no")
		} else {
			conn.WriteBulkString("")
		}
	default:
		conn.WriteError(fmt.Sprintf("ERR unknown command '%s', with args beginning with: ", cmd.Args[0]))
	}
}

// startFloor runs this binary as the floor server.
func startFloor(base string) (*system, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return startPinged("floor", filepath.Join(base, "floor.log"), func(port int) []string {
		return []string{self, "-serve-floor", "127.0.0.1:" + strconv.Itoa(port)}
	})
}
