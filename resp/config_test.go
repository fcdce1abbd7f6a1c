package resp

import (
	"testing"
)

func TestConfig(t *testing.T) {
	addr, _ := startTestServer(t)
	r := dialRaw(t, addr)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"CONFIG", "GET", "maxmemory"}, "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"},
		{[]string{"CONFIG", "GET", "MAXMEM*"}, "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"},
		{[]string{"CONFIG", "GET", "nosuch"}, "*0\r\n"},
		{[]string{"CONFIG", "GET", "port", "p*", "maxmemory"}, "*4\r\n$4\r\nport\r\n$4\r\n6379\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"},
		{[]string{"CONFIG", "GET", "[ls]*"}, "*4\r\n$8\r\nloglevel\r\n$6\r\nnotice\r\n$4\r\nsave\r\n$0\r\n\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory", "100"}, "+OK\r\n"},
		{[]string{"CONFIG", "GET", "maxmemory"}, "*2\r\n$9\r\nmaxmemory\r\n$3\r\n100\r\n"},
		{[]string{"CONFIG", "SET", "MaxMemory", "5", "loglevel", "debug"}, "+OK\r\n"},
		{[]string{"CONFIG", "GET", "maxmemory", "loglevel"}, "*4\r\n$9\r\nmaxmemory\r\n$1\r\n5\r\n$8\r\nloglevel\r\n$5\r\ndebug\r\n"},
		{[]string{"CONFIG", "SET", "foo", "1"}, "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory", "abc"}, "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument couldn't be parsed into an integer\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory", "1", "maxmemory", "2"}, "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory", "1", "port"}, "-ERR syntax error\r\n"},
		// All or nothing: the refused port puts maxmemory and loglevel back.
		{[]string{"CONFIG", "SET", "maxmemory", "7", "loglevel", "warning", "port", "1"}, "-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config\r\n"},
		{[]string{"CONFIG", "GET", "maxmemory", "loglevel"}, "*4\r\n$9\r\nmaxmemory\r\n$1\r\n5\r\n$8\r\nloglevel\r\n$5\r\ndebug\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory", "7", "nosuch", "1"}, "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n"},
		{[]string{"CONFIG", "GET", "maxmemory"}, "*2\r\n$9\r\nmaxmemory\r\n$1\r\n5\r\n"},
		{[]string{"CONFIG", "REWRITE"}, "-ERR The server is running without a config file\r\n"},
		{[]string{"CONFIG", "RESETSTAT"}, "+OK\r\n"},
	}
	for _, tc := range tests {
		if got := r.do(tc.args...); got != tc.want {
			t.Errorf("%v = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestConfigWithoutSettings(t *testing.T) {
	addr, _ := startTestServerWith(t, nil)
	r := dialRaw(t, addr)
	if got := r.do("CONFIG", "GET", "*"); got != "*0\r\n" {
		t.Errorf("CONFIG GET * = %q", got)
	}
	if got := r.do("CONFIG", "SET", "port", "1"); got != "-ERR Unknown option or number of arguments for CONFIG SET - 'port'\r\n" {
		t.Errorf("CONFIG SET = %q", got)
	}
}
