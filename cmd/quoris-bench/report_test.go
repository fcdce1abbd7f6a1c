package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{7}, 7},
		{[]float64{3, 1, 2}, 2},
		{[]float64{10, 1, 1000}, 10},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		in := append([]float64(nil), tt.in...)
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
		for i := range in {
			if in[i] != tt.in[i] {
				t.Errorf("median reordered its input: %v", tt.in)
				break
			}
		}
	}
}

func TestMedianCell(t *testing.T) {
	got := medianCell([]sample{
		{RPS: 100, P50: 1, P99: 9, CPU: 30, Alloc: 700, prof: map[string]float64{"read": 10, "fsm": 30}},
		{RPS: 300, P50: 3, P99: 7, CPU: 10, Alloc: 900},
		{RPS: 200, P50: 2, P99: 8, CPU: 20, Alloc: 800, prof: map[string]float64{"read": 50, "write": 10}},
	})
	want := cell{sample: sample{RPS: 200, P50: 2, P99: 8, CPU: 20, Alloc: 800},
		Shares: map[string]float64{"read": 0.6, "fsm": 0.3, "write": 0.1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := medianCell([]sample{{RPS: 1}}); got.Shares != nil {
		t.Errorf("no profiles: shares %v, want nil", got.Shares)
	}
}

func TestRoundSig(t *testing.T) {
	tests := []struct {
		in   float64
		want int
	}{
		{0.5, 0}, {7, 7}, {42.4, 42}, {123456, 120000}, {98765, 99000}, {1e6, 1000000},
	}
	for _, tt := range tests {
		if got := roundSig(tt.in); got != tt.want {
			t.Errorf("roundSig(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestFmtMs(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0.031, "0.031"}, {0.9995, "1.000"}, {1.5, "1.50"}, {99.4, "99.40"}, {123.6, "124"},
	}
	for _, tt := range tests {
		if got := fmtMs(tt.in); got != tt.want {
			t.Errorf("fmtMs(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRenderTable(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		want   string
	}{
		{
			name:   "first column left, rest right",
			header: []string{"workload", "rps", "x"},
			rows:   [][]string{{"SET c50", "12345", "1"}, {"GET c1", "9", "n/a"}},
			want: "" +
				"workload    rps    x\n" +
				"--------------------\n" +
				"SET c50   12345    1\n" +
				"GET c1        9  n/a\n",
		},
		{
			name:   "multibyte header counted in runes, short row padded",
			header: []string{"w", "µs"},
			rows:   [][]string{{"long name"}},
			want: "" +
				"w          µs\n" +
				"-------------\n" +
				"long name\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderTable(tt.header, tt.rows); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestFormatReport(t *testing.T) {
	cols := []column{{Label: "ra", Desc: "redis always"}, {Label: "q1", Desc: "quoris", Ratio: true}}
	ok := func(rps, p50, p99, cpu float64) cell {
		return cell{sample: sample{RPS: rps, P50: p50, P99: p99, CPU: cpu}}
	}
	tests := []struct {
		name string
		rows []rowResult
		want []string // lines the report must contain
	}{
		{
			name: "ratios of rps and cpu",
			rows: []rowResult{{Name: "SET c50", Cells: []cell{ok(1000, 0.5, 2, 10), ok(500, 1.25, 150, 25)}}},
			want: []string{
				"  ra   redis always",
				"workload  ra rps  ra p50/p99  q1 rps  q1 p50/p99  q1/ra",
				"SET c50     1000  0.500/2.00     500    1.25/150   0.50",
				"workload    ra    q1  q1/ra",
				"SET c50   10.0  25.0   2.50",
			},
		},
		{
			name: "n/a and err cells have no ratio",
			rows: []rowResult{
				{Name: "ZADD c50", Cells: []cell{ok(1000, 0.5, 2, 10), {State: stateNA}}},
				{Name: "GET c1", Cells: []cell{{State: stateErr}, ok(1, 1, 1, 1)}},
			},
			want: []string{
				"ZADD c50    1000  0.500/2.00     n/a         n/a    n/a",
				"GET c1       err         err       1   1.00/1.00    n/a",
				"ZADD c50  10.0  n/a    n/a",
				"GET c1     err  1.0    n/a",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := formatReport(cols, tt.rows, 3)
			lines := map[string]bool{}
			for _, l := range strings.Split(got, "\n") {
				lines[l] = true
			}
			for _, w := range tt.want {
				if !lines[w] {
					t.Errorf("report lacks line %q:\n%s", w, got)
				}
			}
		})
	}
}
