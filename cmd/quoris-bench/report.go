package main

import (
	"fmt"
	"slices"
	"strings"
)

// sample is one measured run of one row against one system.
type sample struct {
	RPS, P50, P99 float64
	CPU           float64 // server CPU microseconds per request
	Alloc         float64 // bytes allocated per request, all nodes (-profile)
	// prof is the run's profiled CPU time per category (-profile).
	prof map[string]float64
}

// Cell states besides a measurement.
const (
	stateOK  = ""
	stateNA  = "n/a" // the system does not implement the command
	stateErr = "err" // every run failed; see the log on stderr
)

// cell is one row × system entry of the report: the medians of its runs.
type cell struct {
	State string
	sample
	// Shares is each category's share of the profiled CPU time over
	// all runs (-profile); nil without profiles.
	Shares map[string]float64
}

// column describes one system in the report.
type column struct {
	Label string // short header, e.g. "q1"
	Desc  string // legend text
	Ratio bool   // also report this system relative to the first column
}

// rowResult is one workload's cells, in column order.
type rowResult struct {
	Name  string
	Cells []cell
}

// median returns the median of xs (the mean of the middle two for an even
// count) without reordering xs. The median rather than the mean, so one run
// disturbed by other load on the machine does not skew the row.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// medianCell summarises runs; each metric's median is taken on its own.
func medianCell(runs []sample) cell {
	pick := func(f func(sample) float64) float64 {
		var xs []float64
		for _, r := range runs {
			xs = append(xs, f(r))
		}
		return median(xs)
	}
	var profs []map[string]float64
	for _, r := range runs {
		profs = append(profs, r.prof)
	}
	return cell{sample: sample{
		RPS:   pick(func(s sample) float64 { return s.RPS }),
		P50:   pick(func(s sample) float64 { return s.P50 }),
		P99:   pick(func(s sample) float64 { return s.P99 }),
		CPU:   pick(func(s sample) float64 { return s.CPU }),
		Alloc: pick(func(s sample) float64 { return s.Alloc }),
	}, Shares: fractions(profs)}
}

// formatReport renders the throughput/latency table and the CPU table.
// Ratio columns divide by the first column (redis with appendfsync
// always, the durability quoris matches).
func formatReport(cols []column, rows []rowResult, runs int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Systems:\n")
	for _, c := range cols {
		fmt.Fprintf(&b, "  %-4s %s\n", c.Label, c.Desc)
	}

	base := cols[0].Label
	header := []string{"workload"}
	for _, c := range cols {
		header = append(header, c.Label+" rps", c.Label+" p50/p99")
	}
	for _, c := range cols {
		if c.Ratio {
			header = append(header, c.Label+"/"+base)
		}
	}
	var table [][]string
	for _, r := range rows {
		line := []string{r.Name}
		for _, c := range r.Cells {
			if c.State != stateOK {
				line = append(line, c.State, c.State)
				continue
			}
			line = append(line, fmt.Sprintf("%.0f", c.RPS), fmtMs(c.P50)+"/"+fmtMs(c.P99))
		}
		line = append(line, ratios(cols, r.Cells, func(c cell) float64 { return c.RPS })...)
		table = append(table, line)
	}
	fmt.Fprintf(&b, "\nThroughput (requests/s) and latency p50/p99 (ms), median of %d run(s); ratios are of requests/s\n\n", runs)
	b.WriteString(renderTable(header, table))

	header = []string{"workload"}
	for _, c := range cols {
		header = append(header, c.Label)
	}
	for _, c := range cols {
		if c.Ratio {
			header = append(header, c.Label+"/"+base)
		}
	}
	table = nil
	for _, r := range rows {
		line := []string{r.Name}
		for _, c := range r.Cells {
			if c.State != stateOK {
				line = append(line, c.State)
				continue
			}
			line = append(line, fmt.Sprintf("%.1f", c.CPU))
		}
		line = append(line, ratios(cols, r.Cells, func(c cell) float64 { return c.CPU })...)
		table = append(table, line)
	}
	fmt.Fprintf(&b, "\nServer CPU per request (µs: utime+stime of all server processes / requests), median of %d run(s)\n\n", runs)
	b.WriteString(renderTable(header, table))
	return b.String()
}

// ratios returns metric(c)/metric(first cell) for every ratio column.
func ratios(cols []column, cells []cell, metric func(cell) float64) []string {
	var out []string
	for i, c := range cols {
		if !c.Ratio {
			continue
		}
		if cells[0].State != stateOK || cells[i].State != stateOK || metric(cells[0]) == 0 {
			out = append(out, stateNA)
			continue
		}
		out = append(out, fmt.Sprintf("%.2f", metric(cells[i])/metric(cells[0])))
	}
	return out
}

// fmtMs prints a latency with about three significant digits: single-
// client latencies are tens of microseconds, loaded p99s can be hundreds
// of milliseconds.
func fmtMs(ms float64) string {
	switch {
	case ms < 1:
		return fmt.Sprintf("%.3f", ms)
	case ms < 100:
		return fmt.Sprintf("%.2f", ms)
	default:
		return fmt.Sprintf("%.0f", ms)
	}
}

// renderTable aligns rows under header: the first column left-aligned,
// the numeric rest right-aligned, two spaces apart, a rule under the
// header.
func renderTable(header []string, rows [][]string) string {
	width := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			if i < len(width) {
				width[i] = max(width[i], len([]rune(c)))
			}
		}
	}
	var b strings.Builder
	line := func(r []string) {
		var parts []string
		for i := range width {
			c := ""
			if i < len(r) {
				c = r[i]
			}
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i == 0 {
				parts = append(parts, c+pad)
			} else {
				parts = append(parts, pad+c)
			}
		}
		b.WriteString(strings.TrimRight(strings.Join(parts, "  "), " ") + "\n")
	}
	line(header)
	total := 2 * (len(width) - 1)
	for _, w := range width {
		total += w
	}
	b.WriteString(strings.Repeat("-", total) + "\n")
	for _, r := range rows {
		line(r)
	}
	return b.String()
}
