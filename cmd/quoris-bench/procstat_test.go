package main

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

func TestParseStat(t *testing.T) {
	// A real line's shape: pid (comm) state ppid ... utime stime cutime cstime ...
	stat := func(comm string, utime, stime, cutime, cstime string) string {
		return "1234 (" + comm + ") S 1 1234 1234 0 -1 4194560 4242 0 0 0 " +
			utime + " " + stime + " " + cutime + " " + cstime + " 20 0 5 0 123 456789 1000 18446744073709551615\n"
	}
	tests := []struct {
		name    string
		in      string
		want    uint64
		wantErr string
	}{
		{name: "plain", in: stat("redis-server", "100", "50", "0", "0"), want: 150},
		{name: "reaped children count", in: stat("redis-server", "100", "50", "7", "3"), want: 160},
		{name: "comm with spaces and parens", in: stat("we (ird) name", "1", "2", "3", "4"), want: 10},
		{name: "no comm", in: "1234 S 1", wantErr: "malformed"},
		{name: "truncated", in: "1234 (x) S 1 2 3", wantErr: "fields"},
		{name: "not a number", in: stat("x", "1", "two", "0", "0"), wantErr: "two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %d ticks, want %d", got, tt.want)
			}
		})
	}
}

// TestCPUTicksSelf reads this test process's own stat: the format on the
// running kernel must parse.
func TestCPUTicksSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("no /proc/<pid>/stat on", runtime.GOOS)
	}
	if _, err := cpuTicks([]int{os.Getpid()}); err != nil {
		t.Fatal(err)
	}
}
