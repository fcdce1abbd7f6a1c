package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of the times in /proc/<pid>/stat. Linux fixes
// USER_HZ at 100 for userspace on every mainstream architecture, and Go
// has no portable sysconf(_SC_CLK_TCK).
const clockTick = 10 * time.Millisecond

// parseStat returns the CPU time in clock ticks recorded in the text of
// /proc/<pid>/stat: utime+stime (all threads of the process) plus
// cutime+cstime (children it has waited for). The children matter for
// redis-server, whose AOF rewrites run in forked processes; quoris does
// that work in its own threads, which utime+stime already count.
func parseStat(stat string) (uint64, error) {
	// The command name (field 2) is in parentheses and may itself contain
	// spaces and parentheses, so the fields are counted from its last ')'.
	end := strings.LastIndexByte(stat, ')')
	if end < 0 {
		return 0, fmt.Errorf("malformed stat %q", stat)
	}
	fields := strings.Fields(stat[end+1:])
	// fields[0] is field 3 (state); utime..cstime are fields 14..17.
	const utime = 14 - 3
	if len(fields) < utime+4 {
		return 0, fmt.Errorf("stat has %d fields after the name, want at least %d", len(fields), utime+4)
	}
	var sum uint64
	for _, f := range fields[utime : utime+4] {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat field %q: %w", f, err)
		}
		sum += v
	}
	return sum, nil
}

// cpuTicks sums the CPU ticks of the given processes.
func cpuTicks(pids []int) (uint64, error) {
	var sum uint64
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0, err
		}
		t, err := parseStat(string(b))
		if err != nil {
			return 0, fmt.Errorf("pid %d: %w", pid, err)
		}
		sum += t
	}
	return sum, nil
}
