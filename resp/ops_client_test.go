package resp

import (
	"testing"
	"time"
)

// TestClientListLiveFields: CLIENT LIST's qbuf, argv-mem, multi and flags
// follow the client's state as Redis's do.
func TestClientListLiveFields(t *testing.T) {
	addr, _ := startTestServerWith(t, opsSettings())
	me := dialRaw(t, addr)
	other := dialRaw(t, addr)
	me.do("CLIENT", "SETNAME", "me")
	other.do("CLIENT", "SETNAME", "other")
	find := func(name string) clientLine {
		t.Helper()
		for _, l := range parseClientLines(t, me.val("CLIENT", "LIST")) {
			if l.name == name {
				return l
			}
		}
		t.Fatalf("client %s not listed", name)
		return clientLine{}
	}
	// The running CLIENT LIST is in the query buffer: 26 bytes, and its
	// arguments are "client" and "list", as in Redis.
	if l := find("me"); l.qbuf != "26" || l.argvMem != "10" || l.multi != "-1" || l.flags != "N" || l.cmd != "client|list" {
		t.Errorf("self: %+v", l)
	}
	if l := find("other"); l.qbuf != "0" || l.argvMem != "0" || l.multi != "-1" {
		t.Errorf("idle client: %+v", l)
	}
	other.do("MULTI")
	other.do("SET", "k", "v")
	other.do("GET", "k")
	if l := find("other"); l.multi != "2" || l.flags != "x" || l.cmd != "multi" {
		t.Errorf("in MULTI with 2 queued: %+v", l)
	}
	other.do("EXEC")
	if l := find("other"); l.multi != "-1" || l.flags != "N" {
		t.Errorf("after EXEC: %+v", l)
	}
	// A client blocked in BLPOP shows flag b and the command's arguments.
	go other.c.Write([]byte("*3\r\n$5\r\nBLPOP\r\n$4\r\nnone\r\n$1\r\n2\r\n"))
	deadline := time.Now().Add(3 * time.Second)
	for {
		l := find("other")
		if l.flags == "b" {
			if l.cmd != "blpop" || l.argvMem != "10" {
				t.Errorf("blocked: %+v", l)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("BLPOP client never shown blocked: %+v", l)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if info := infoFields(t, me, "clients"); info["blocked_clients"] != "1" {
		t.Errorf("INFO clients while one is blocked: %v", info)
	}
}
