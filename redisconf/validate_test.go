package redisconf

import (
	"strings"
	"testing"
)

// The expectations are redis-server 7.0.15's answers (resp's differential
// test checks them against a live server when one is installed).
func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		name, old, value string
		want, err        string
	}{
		{"appendonly", "", "YES", "yes", ""},
		{"appendonly", "", "1", "", "argument must be 'yes' or 'no'"},
		{"timeout", "", "05", "", "argument couldn't be parsed into an integer"},
		{"timeout", "", "-1", "", "argument must be between 0 and 2147483647 inclusive"},
		{"maxmemory", "", "1k", "1000", ""},
		{"maxmemory", "", "1KB", "1024", ""},
		{"maxmemory", "", "", "0", ""},
		{"maxmemory", "", "-1", "", "argument must be a memory value"},
		{"maxmemory", "", "18446744073709551615kb", "18446744073709550592", ""},  // wraps as in C
		{"maxmemory", "", "99999999999999999999999", "18446744073709551615", ""}, // strtoull saturates
		{"hash-max-listpack-value", "", "9223372036854775808", "", "argument must be between 0 and 9223372036854775807 inclusive"},
		{"proto-max-bulk-len", "", "1k", "", "argument must be between 1048576 and 9223372036854775807 inclusive"},
		{"maxmemory-clients", "", "10%", "10%", ""},
		{"maxmemory-clients", "", "101%", "", "percentage argument must be less or equal to 100"},
		{"maxclients", "", "0", "", "argument must be between 1 and 4294967295 inclusive"},
		{"hz", "", "0", "1", ""},
		{"hz", "", "1000", "500", ""},
		{"repl-backlog-size", "", "1", "16384", ""},
		{"maxmemory-policy", "", "ALLKEYS-LRU", "allkeys-lru", ""},
		{"appendfsync", "", "x", "", "argument(s) must be one of the following: everysec, always, no"},
		{"oom-score-adj", "", "relative", "yes", ""},
		{"shutdown-on-sigint", "", "default now", "now", ""},
		{"shutdown-on-sigint", "", "save nosave", "", "shutdown options SAVE and NOSAVE can't be used simultaneously"},
		{"save", "", "0003600 01", "3600 1", ""},
		{"save", "", "3600  1", "", "Invalid save parameters"},
		{"notify-keyspace-events", "", "KEA", "AKE", ""},
		{"notify-keyspace-events", "", "Ag$mn", "Am", ""},
		{"notify-keyspace-events", "", "q", "", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."},
		{"client-output-buffer-limit", "normal 0 0 0 slave 1 2 3 pubsub 4 5 6", "replica 1kb 2 3",
			"normal 0 0 0 slave 1024 2 3 pubsub 4 5 6", ""},
		{"client-output-buffer-limit", "", "master 1 2 3", "", "Invalid client class specified in buffer limit configuration."},
		{"oom-score-adj-values", "", "0 100", "", "wrong number of arguments"},
		{"latency-tracking-info-percentiles", "", "1.50 0x10", "1.5 16", ""},
		{"latency-tracking-info-percentiles", "", " 5", "", "Invalid latency-tracking-info-percentiles parameters"},
		{"list-max-ziplist-size", "", "-5", "-5", ""},
	} {
		p := Lookup(tc.name)
		if p == nil {
			t.Fatalf("no parameter %s", tc.name)
		}
		got, err := p.Normalize(tc.old, tc.value)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tc.want || gotErr != tc.err {
			t.Errorf("%s %q: got %q, %q; want %q, %q", tc.name, tc.value, got, gotErr, tc.want, tc.err)
		}
	}
}

func TestTable(t *testing.T) {
	names := 0
	for _, p := range All() {
		names++
		if p.Alias != "" {
			names++
			if Lookup(p.Alias) != p {
				t.Errorf("alias %s does not find %s", p.Alias, p.Name)
			}
		}
		if Lookup(p.Name) != p || Lookup(strings.ToUpper(p.Name)) != p {
			t.Errorf("%s not found by name", p.Name)
		}
		if p.Kind == Special && p.Check == nil {
			t.Errorf("%s: special without Check", p.Name)
		}
		if _, err := p.Normalize(p.Default, p.Default); err != nil {
			t.Errorf("%s: default %q refused: %v", p.Name, p.Default, err)
		}
	}
	// 192 names in CONFIG GET * plus the five hidden ones, and quoris's
	// lua-instruction-budget.
	if names != 198 {
		t.Errorf("%d names", names)
	}
}
