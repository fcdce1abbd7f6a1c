package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// setGetTest is the row whose pipelines alternate SET key and GET key.
// redis-benchmark runs one command per test, so this row has its own
// load generator: -c connections each send -P commands at a time (SET then
// GET of one random key, repeated), and every request of a pipeline is
// charged the pipeline's round trip, as redis-benchmark does.
const setGetTest = "setget"

func runInterleaved(ctx context.Context, addr string, w workload, n int) (benchResult, error) {
	pairs := max(w.Pipeline/2, 1)
	rounds := int64((n + 2*pairs - 1) / (2 * pairs))
	var next atomic.Int64
	var mu sync.Mutex
	var lat []float64
	errs := make(chan error, w.Clients)
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < w.Clients; c++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			l, err := interleavedClient(ctx, addr, pairs, rounds, &next, seed)
			mu.Lock()
			lat = append(lat, l...)
			mu.Unlock()
			if err != nil {
				errs <- err
			}
		}(uint64(c))
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return benchResult{}, err
	}
	if len(lat) == 0 {
		return benchResult{}, fmt.Errorf("setget: no request completed")
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return benchResult{RPS: float64(rounds*int64(2*pairs)) / elapsed.Seconds(), P50: pct(0.50), P99: pct(0.99)}, nil
}

// interleavedClient runs rounds until the shared counter passes total and
// returns each request's latency in milliseconds.
func interleavedClient(ctx context.Context, addr string, pairs int, total int64, next *atomic.Int64, seed uint64) ([]float64, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rd := bufio.NewReader(conn)
	rng := rand.New(rand.NewPCG(seed, 0x5e7))
	var lat []float64
	var buf []byte
	for next.Add(1) <= total {
		if err := ctx.Err(); err != nil {
			return lat, err
		}
		buf = buf[:0]
		for i := 0; i < pairs; i++ {
			key := "key:" + strconv.Itoa(rng.IntN(keyspace))
			buf = fmt.Appendf(buf, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$3\r\nxxx\r\n*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n", len(key), key, len(key), key)
		}
		t0 := time.Now()
		if _, err := conn.Write(buf); err != nil {
			return lat, err
		}
		for i := 0; i < 2*pairs; i++ {
			if err := skipReply(rd); err != nil {
				return lat, err
			}
		}
		ms := float64(time.Since(t0).Microseconds()) / 1000
		for i := 0; i < 2*pairs; i++ {
			lat = append(lat, ms)
		}
	}
	return lat, nil
}

// skipReply reads one simple, integer or bulk reply; an error reply fails
// the run, as redis-benchmark stops at one.
func skipReply(rd *bufio.Reader) error {
	line, err := rd.ReadString('\n')
	if err != nil {
		return err
	}
	if len(line) < 3 {
		return fmt.Errorf("setget: short reply %q", line)
	}
	switch line[0] {
	case '+', ':':
		return nil
	case '-':
		return fmt.Errorf("setget: %s", line[1:len(line)-2])
	case '$':
		n, err := strconv.Atoi(line[1 : len(line)-2])
		if err != nil {
			return fmt.Errorf("setget: bad bulk header %q", line)
		}
		if n < 0 {
			return nil
		}
		_, err = io.CopyN(io.Discard, rd, int64(n)+2)
		return err
	}
	return fmt.Errorf("setget: unexpected reply %q", line)
}
