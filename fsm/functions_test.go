package fsm

import (
	"strings"
	"testing"
)

func TestParseLibraryMeta(t *testing.T) {
	for _, tc := range []struct {
		code, name, err string
	}{
		{"#!lua name=lib\nx", "lib", ""},
		{"#!LUA NAME=Lib_1\nx", "Lib_1", ""},
		{"no shebang", "", "ERR Missing library metadata"},
		{"#!lua name=x", "", "ERR Invalid library metadata"},
		{"#!lua\nx", "", "ERR Library name was not given"},
		{"#!lua name=a name=b\nx", "", "ERR Invalid metadata value, name argument was given multiple times"},
		{"#!lua name=a x=1\nx", "", "ERR Invalid metadata value given: x=1"},
		{"#!lua name=a-b\nx", "", errLibNameChars.Error()},
		{"#!js name=a\nx", "", "ERR Engine 'js' not found"},
	} {
		name, _, err := parseLibraryMeta([]byte(tc.code))
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: %v, want %q", tc.code, err, tc.err)
			}
		} else if err != nil || name != tc.name {
			t.Errorf("%q: %q %v", tc.code, name, err)
		}
	}
}

// TestFunctionDumpRestore: DUMP then RESTORE with every policy, and the
// errors of a bad payload.
func TestFunctionDumpRestore(t *testing.T) {
	h := newHarness(t)
	h.do("FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('fa', function() return 'a' end)")
	h.do("FUNCTION", "LOAD", "#!lua name=b\nredis.register_function('fb', function() return 'b' end)")
	dump := h.do("FUNCTION", "DUMP")
	payload := dump[strings.Index(dump, "\r\n")+2 : len(dump)-2]
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"FUNCTION", "RESTORE", payload}, "-ERR Library 'a' already exists\r\n"},
		{[]string{"FUNCTION", "RESTORE", payload, "REPLACE"}, "+OK\r\n"},
		{[]string{"FUNCTION", "FLUSH"}, "+OK\r\n"},
		{[]string{"FCALL", "fa", "0"}, "-ERR Function not found\r\n"},
		{[]string{"FUNCTION", "RESTORE", payload}, "+OK\r\n"},
		{[]string{"FCALL", "fb", "0"}, strBulk("b")},
		{[]string{"FUNCTION", "RESTORE", payload, "FLUSH"}, "+OK\r\n"},
		{[]string{"FUNCTION", "RESTORE", payload, "BOGUS"}, "-" + errRestorePolicy.Error() + "\r\n"},
		{[]string{"FUNCTION", "RESTORE", payload[:len(payload)-1] + "x"}, "-ERR DUMP payload version or checksum are wrong\r\n"},
		{[]string{"FUNCTION", "RESTORE", "short"}, "-ERR DUMP payload version or checksum are wrong\r\n"},
		{[]string{"FCALL", "fa", "0"}, strBulk("a")},
	} {
		if got := h.do(tc.cmd...); got != tc.want {
			t.Errorf("%.40q: %q, want %q", tc.cmd, got, tc.want)
		}
	}
}

// TestFunctionDumpFromRedis restores a payload redis-server dumped (LZF
// strings included) and gives redis-server one quoris dumped.
func TestFunctionDumpFromRedis(t *testing.T) {
	r := redisOrSkip(t)
	h := newHarness(t)
	code := "#!lua name=big\n" + strings.Repeat("-- padding that compresses well\n", 20) +
		"redis.register_function('big', function(k, a) return 'from ' .. a[1] end)"
	r.do(t, "FUNCTION", "FLUSH")
	r.do(t, "FUNCTION", "LOAD", code)
	dump := r.do(t, "FUNCTION", "DUMP")
	payload := dump[strings.Index(dump, "\r\n")+2 : len(dump)-2]
	if got := h.do("FUNCTION", "RESTORE", payload); got != "+OK\r\n" {
		t.Fatalf("RESTORE of redis-server's dump: %q", got)
	}
	if got := h.do("FCALL", "big", "0", "redis"); got != strBulk("from redis") {
		t.Errorf("FCALL after restore: %q", got)
	}
	ours := h.do("FUNCTION", "DUMP")
	r.do(t, "FUNCTION", "FLUSH")
	if got := r.do(t, "FUNCTION", "RESTORE", ours[strings.Index(ours, "\r\n")+2:len(ours)-2]); got != "+OK\r\n" {
		t.Fatalf("redis-server RESTORE of quoris's dump: %q", got)
	}
	if got := r.do(t, "FCALL", "big", "0", "quoris"); got != strBulk("from quoris") {
		t.Errorf("redis FCALL after restore: %q", got)
	}
}
