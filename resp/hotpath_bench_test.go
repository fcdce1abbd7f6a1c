package resp

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"testing"
)

// The hot-path benchmarks measure allocations and CPU per request of SET
// and GET through the whole server (RESP read, dispatch, raft, FSM, reply)
// and of the request reader alone; the client side allocates nothing, so
// allocs/op is the server's. Run with -benchmem.

// loopReader serves the same bytes forever, as a client pipelining one
// request after another.
type loopReader struct {
	data []byte
	off  int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.data[l.off:])
	l.off = (l.off + n) % len(l.data)
	return n, nil
}

func benchReader(b *testing.B, pipeline int) {
	var req bytes.Buffer
	for i := 0; i < pipeline; i++ {
		fmt.Fprintf(&req, "*3\r\n$3\r\nSET\r\n$8\r\nkey:%04d\r\n$3\r\nxyz\r\n", i)
	}
	rd := NewReader(&loopReader{data: req.Bytes()}, nil)
	b.ReportAllocs()
	b.SetBytes(int64(req.Len()))
	for i := 0; i < b.N; i++ {
		for got := 0; got < pipeline; {
			cmds, err := rd.ReadCommands()
			if err != nil {
				b.Fatal(err)
			}
			got += len(cmds)
		}
	}
}

func BenchmarkReaderSET(b *testing.B)    { benchReader(b, 1) }
func BenchmarkReaderSETP16(b *testing.B) { benchReader(b, 16) }

// benchServer sends the pipeline requests built by req(i) per round trip
// from each of several parallel clients, and reads replies until it has
// seen crlf "\r\n" per request; one op is one round trip.
func benchServer(b *testing.B, pipeline, crlf int, req func(i int) string) {
	addr, _ := startTestServer(b)
	var batch bytes.Buffer
	for i := 0; i < pipeline; i++ {
		batch.WriteString(req(i))
	}
	// Fill the keys GET reads.
	warm, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < pipeline; i++ {
		fmt.Fprintf(warm, "*3\r\n$3\r\nSET\r\n$8\r\nkey:%04d\r\n$3\r\nxyz\r\n", i)
	}
	wr := bufio.NewReader(warm)
	for i := 0; i < pipeline; i++ {
		if _, err := wr.ReadString('\n'); err != nil {
			b.Fatal(err)
		}
	}
	warm.Close()
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		buf := make([]byte, 64<<10)
		out := batch.Bytes()
		for pb.Next() {
			if _, err := c.Write(out); err != nil {
				b.Error(err)
				return
			}
			for lines := 0; lines < pipeline*crlf; {
				n, err := c.Read(buf)
				if err != nil {
					if err != io.EOF {
						b.Error(err)
					}
					return
				}
				lines += bytes.Count(buf[:n], []byte("\r\n"))
			}
		}
	})
	b.StopTimer()
	b.SetBytes(0)
	b.ReportMetric(float64(pipeline), "req/op")
}

func setReq(i int) string {
	return fmt.Sprintf("*3\r\n$3\r\nSET\r\n$8\r\nkey:%04d\r\n$3\r\nxyz\r\n", i)
}

// getReq's reply, "$3\r\nxyz\r\n", has two "\r\n".
func getReq(i int) string {
	return fmt.Sprintf("*2\r\n$3\r\nGET\r\n$8\r\nkey:%04d\r\n", i)
}

func BenchmarkServerSET(b *testing.B)    { benchServer(b, 1, 1, setReq) }
func BenchmarkServerSETP16(b *testing.B) { benchServer(b, 16, 1, setReq) }
func BenchmarkServerGET(b *testing.B)    { benchServer(b, 1, 2, getReq) }
func BenchmarkServerGETP16(b *testing.B) { benchServer(b, 16, 2, getReq) }
