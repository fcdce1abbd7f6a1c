package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// rconn is a RESP connection that can pipeline. `do` dials per command,
// which is fine for RAFT INFO but would take hours for a million keys, and
// the latency bars must time one command on a warm connection.
type rconn struct {
	c net.Conn
	r *bufio.Reader
	w *bufio.Writer
}

// respError is an error reply from the server, as opposed to a broken
// connection: callers retry the first on the same connection.
type respError string

func (e respError) Error() string { return string(e) }

func dial(addr string, timeout time.Duration) (*rconn, error) {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	return &rconn{c: c, r: bufio.NewReaderSize(c, 64<<10), w: bufio.NewWriterSize(c, 64<<10)}, nil
}

func (c *rconn) Close() error { return c.c.Close() }

// send buffers one command; flush sends everything buffered.
func (c *rconn) send(args ...string) {
	var num [20]byte
	c.w.WriteByte('*')
	c.w.Write(strconv.AppendInt(num[:0], int64(len(args)), 10))
	c.w.WriteString("\r\n")
	for _, a := range args {
		c.w.WriteByte('$')
		c.w.Write(strconv.AppendInt(num[:0], int64(len(a)), 10))
		c.w.WriteString("\r\n")
		c.w.WriteString(a)
		c.w.WriteString("\r\n")
	}
}

func (c *rconn) flush() error { return c.w.Flush() }

// read returns one reply: simple, integer and bulk strings as text, a nil
// bulk or array as "", an array's elements joined by newlines, and an
// error reply as a respError.
func (c *rconn) read() (string, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if len(line) < 3 {
		return "", fmt.Errorf("short reply line %q", line)
	}
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+', ':':
		return body, nil
	case '-':
		return "", respError(body)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return "", fmt.Errorf("bad bulk header %q", line)
		}
		if n < 0 {
			return "", nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return "", fmt.Errorf("bad array header %q", line)
		}
		var out []byte
		for i := 0; i < n; i++ {
			s, err := c.read()
			if err != nil {
				return "", err
			}
			if i > 0 {
				out = append(out, '\n')
			}
			out = append(out, s...)
		}
		return string(out), nil
	}
	return "", fmt.Errorf("unexpected reply %q", line)
}

// do sends one command and waits for its reply, for at most timeout.
func (c *rconn) do(timeout time.Duration, args ...string) (string, error) {
	_ = c.c.SetDeadline(time.Now().Add(timeout))
	c.send(args...)
	if err := c.flush(); err != nil {
		return "", err
	}
	return c.read()
}

// barValue is the 100-byte value of key i; both systems get the same bytes
// so the memory comparison is like for like.
func barValue(i int) string {
	const pad = "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
	s := strconv.Itoa(i) + ":"
	return s + pad[:100-len(s)]
}

func barKey(i int) string { return "key:" + strconv.Itoa(i) }

const (
	loadPipeline = 1000 // commands per round trip
	loadConns    = 4    // parallel pipelines, so raft can group-commit them
)

// loadKeys sets barKey(i) to barValue(i) for every i < n.
func loadKeys(ctx context.Context, addr string, n int) error {
	return loadParallel(ctx, addr, n, loadPipeline, func(c *rconn, i int) {
		c.send("SET", barKey(i), barValue(i))
	})
}

// loadZSet adds n members to the sorted set key, zaddBatch per ZADD.
func loadZSet(ctx context.Context, addr, key string, n int) error {
	const zaddBatch = 1000
	cmds := (n + zaddBatch - 1) / zaddBatch
	return loadParallel(ctx, addr, cmds, 10, func(c *rconn, j int) {
		args := []string{"ZADD", key}
		for i := j * zaddBatch; i < min(n, (j+1)*zaddBatch); i++ {
			args = append(args, strconv.Itoa(i), "m:"+strconv.Itoa(i))
		}
		c.send(args...)
	})
}

// loadParallel sends commands 0..n-1, built by cmd, over loadConns
// connections in pipelines of depth; any error reply fails the load.
func loadParallel(ctx context.Context, addr string, n, depth int, cmd func(c *rconn, i int)) error {
	var next atomic.Int64
	errs := make([]error, loadConns)
	var wg sync.WaitGroup
	for w := range loadConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dial(addr, 5*time.Second)
			if err != nil {
				errs[w] = err
				return
			}
			defer c.Close()
			for ctx.Err() == nil {
				lo := int(next.Add(int64(depth))) - depth
				if lo >= n {
					return
				}
				hi := min(n, lo+depth)
				_ = c.c.SetDeadline(time.Now().Add(2 * time.Minute))
				for i := lo; i < hi; i++ {
					cmd(c, i)
				}
				if err := c.flush(); err != nil {
					errs[w] = err
					return
				}
				for i := lo; i < hi; i++ {
					if _, err := c.read(); err != nil {
						errs[w] = fmt.Errorf("command %d: %w", i, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return ctx.Err()
}

// infoField returns field's value from an INFO or RAFT INFO reply.
func infoField(info, field string) string {
	for _, line := range strings.Split(info, "\n") {
		if k, v, ok := strings.Cut(strings.TrimRight(line, "\r"), ":"); ok && k == field {
			return v
		}
	}
	return ""
}
