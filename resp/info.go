package resp

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
)

// member is a raft server as the Redis-facing commands see it.
type member struct {
	id     string // raft server id
	addr   string // RESP address, "" until the node's address is replicated
	raft   string // raft address
	leader bool
}

// members lists the raft configuration, sorted by id, with RESP addresses.
func (s *Server) members() []member {
	servers, err := s.node.Servers()
	if err != nil {
		return nil
	}
	lid, _ := s.node.Leader()
	addrs := s.fsm.Nodes()
	out := make([]member, 0, len(servers))
	for _, sv := range servers {
		id := string(sv.ID)
		out = append(out, member{id: id, addr: addrs[id], raft: string(sv.Address), leader: id == lid})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// replicas are the members other than the leader whose client address is known.
func (s *Server) replicas() []member {
	var out []member
	for _, m := range s.members() {
		if !m.leader && m.addr != "" {
			out = append(out, m)
		}
	}
	return out
}

// runID identifies this server instance like Redis's run_id: 40 hex
// characters, new on every start. Deriving it from the start instant and
// pid keeps it stable for the Server's life without storing it.
func (s *Server) runID() string {
	h := sha1.Sum([]byte(fmt.Sprintf("%s\x00%d\x00%d\x00%s", s.node.ID(), os.Getpid(), s.started.UnixNano(), s.opts.Addr)))
	return hex.EncodeToString(h[:])
}

func (s *Server) tcpPort() int {
	addr := s.opts.Addr
	if s.ln != nil {
		addr = s.ln.Addr().String()
	}
	_, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	return n
}

// setting reads one setting's value, "" when it is unknown.
func (s *Server) setting(name string) string {
	if s.opts.Settings == nil {
		return ""
	}
	for _, kv := range s.opts.Settings.Get(name) {
		if kv[0] == name {
			return kv[1]
		}
	}
	return ""
}

// osName approximates Redis's "sysname release machine" from uname with
// what Go knows at build time.
func osName() string {
	goos := runtime.GOOS
	if goos != "" {
		goos = strings.ToUpper(goos[:1]) + goos[1:]
	}
	arch := runtime.GOARCH
	switch arch {
	case "amd64":
		arch = "x86_64"
	case "arm64":
		arch = "aarch64"
	case "386":
		arch = "i686"
	}
	return goos + " " + arch
}

// bytesToHuman formats n as Redis's INFO does: B, then K/M/G/T/P with two
// decimals.
// goGCMetrics reads the collector's state: live heap, heap goal, GOGC,
// memory limit and completed cycles, in that order.
func goGCMetrics() []metrics.Sample {
	m := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/heap/goal:bytes"},
		{Name: "/gc/gogc:percent"},
		{Name: "/gc/gomemlimit:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
	}
	metrics.Read(m)
	return m
}

func bytesToHuman(n uint64) string {
	const units = "KMGTP"
	if n < 1024 {
		return strconv.FormatUint(n, 10) + "B"
	}
	d := float64(n)
	for i := 0; i < len(units); i++ {
		d /= 1024
		if d < 1024 || i == len(units)-1 {
			return strconv.FormatFloat(d, 'f', 2, 64) + units[i:i+1]
		}
	}
	return strconv.FormatUint(n, 10) + "B"
}

// buildVCS is redis_git_sha1 and redis_git_dirty from the Go build's VCS
// stamp: the first 8 hex digits of the commit, "00000000" when unknown,
// as Redis prints for a build outside git.
func buildVCS() (sha string, dirty int) {
	sha = "00000000"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return sha, 0
	}
	for _, st := range bi.Settings {
		switch st.Key {
		case "vcs.revision":
			if len(st.Value) >= 8 {
				sha = st.Value[:8]
			}
		case "vcs.modified":
			if st.Value == "true" {
				dirty = 1
			}
		}
	}
	return sha, dirty
}

// buildID identifies the binary as redis_build_id does: 16 hex digits
// from the module versions and build settings.
func buildID() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "0000000000000000"
	}
	h := sha1.Sum([]byte(bi.String()))
	return hex.EncodeToString(h[:8])
}

// multiplexingAPI is the poller Go's network runtime uses on this OS.
func multiplexingAPI() string {
	switch runtime.GOOS {
	case "linux", "android":
		return "epoll"
	case "darwin", "freebsd", "netbsd", "openbsd", "dragonfly":
		return "kqueue"
	case "solaris", "illumos":
		return "evport"
	case "windows":
		return "iocp"
	}
	return "poll"
}

// totalSystemMemory is the machine's RAM from /proc/meminfo, 0 if unknown.
func totalSystemMemory() uint64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, _ := strconv.ParseUint(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// heapInUse is used_memory, read cheaply for the peak sampler.
func heapInUse() uint64 {
	m := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(m)
	return m[0].Value.Uint64() + m[1].Value.Uint64()
}
