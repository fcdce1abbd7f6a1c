package main

import (
	"strings"
	"testing"
)

func TestParseCSV(t *testing.T) {
	const hdr = `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"` + "\n"
	tests := []struct {
		name    string
		in      string
		want    []benchResult
		wantErr string
	}{
		{
			name: "one row",
			in:   hdr + `"SET","14388.49","2.290","0.512","1.567","4.639","20.415","20.959"` + "\n",
			want: []benchResult{{RPS: 14388.49, P50: 1.567, P99: 20.415}},
		},
		{
			name: "test name with spaces and parentheses",
			in:   hdr + `"MSET (10 keys)","8658.01","3.712","0.400","2.231","10.951","32.703","47.007"` + "\n",
			want: []benchResult{{RPS: 8658.01, P50: 2.231, P99: 32.703}},
		},
		{
			name: "several rows, no trailing newline",
			in: hdr + `"SET","1","0","0","2","0","3","0"` + "\n" +
				`"GET","4","0","0","5","0","6","0"`,
			want: []benchResult{{RPS: 1, P50: 2, P99: 3}, {RPS: 4, P50: 5, P99: 6}},
		},
		{
			name: "warning before the header is skipped",
			in:   "WARNING: Could not fetch server CONFIG\n" + hdr + `"GET","10","0","0","0.5","0","0.9","0"` + "\n",
			want: []benchResult{{RPS: 10, P50: 0.5, P99: 0.9}},
		},
		{
			name: "columns found by name, not position",
			in:   `"test","p99_latency_ms","rps","p50_latency_ms"` + "\n" + `"SET","3","1","2"` + "\n",
			want: []benchResult{{RPS: 1, P50: 2, P99: 3}},
		},
		{name: "empty", in: "", wantErr: "no CSV header"},
		{name: "header only", in: hdr, wantErr: "no results"},
		{name: "missing column", in: `"test","rps","p50_latency_ms"` + "\n" + `"SET","1","2"` + "\n", wantErr: `no "p99_latency_ms" column`},
		{name: "bad number", in: hdr + `"SET","fast","0","0","1","0","2","0"` + "\n", wantErr: "rps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCSV(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("row %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestWorkloads(t *testing.T) {
	ws := workloads()
	if len(ws) != 21 {
		t.Fatalf("%d rows, want 21", len(ws))
	}
	seen := map[string]bool{}
	for _, w := range ws {
		if seen[w.Name] {
			t.Errorf("duplicate row %q", w.Name)
		}
		seen[w.Name] = true
	}
	for _, name := range []string{"SET c50", "MSET c50 P16", "ZADD c50", "SET c1", "GET c1", "SET/GET interleaved c50 P16", "EVALSHA set+get c50", "EVALSHA_RO get c50", "XADD c50", "XREADGROUP c50 P16"} {
		if !seen[name] {
			t.Errorf("missing row %q", name)
		}
	}
}
