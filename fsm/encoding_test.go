package fsm

import "testing"

// Redis reports how a string was built, not what it holds.
func TestObjectEncodingFollowsHowValueWasMade(t *testing.T) {
	h := newHarness(t)
	h.cases([]struct {
		cmd  []string
		want string
	}{
		{[]string{"SET", "a", "hello"}, "+OK\r\n"},
		{[]string{"OBJECT", "ENCODING", "a"}, "$6\r\nembstr\r\n"},
		{[]string{"SETRANGE", "a", "1", "x"}, ":5\r\n"},
		{[]string{"OBJECT", "ENCODING", "a"}, "$3\r\nraw\r\n"},
		{[]string{"SET", "n", "12"}, "+OK\r\n"},
		{[]string{"OBJECT", "ENCODING", "n"}, "$3\r\nint\r\n"},
		{[]string{"APPEND", "n", "3"}, ":3\r\n"},
		{[]string{"OBJECT", "ENCODING", "n"}, "$3\r\nraw\r\n"},
		{[]string{"INCR", "n"}, ":124\r\n"},
		{[]string{"OBJECT", "ENCODING", "n"}, "$3\r\nint\r\n"},
		{[]string{"INCRBYFLOAT", "f", "3"}, "$1\r\n3\r\n"},
		{[]string{"OBJECT", "ENCODING", "f"}, "$6\r\nembstr\r\n"},
		{[]string{"SETRANGE", "new", "0", "7"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "new"}, "$3\r\nraw\r\n"},
		{[]string{"APPEND", "fresh", "42"}, ":2\r\n"},
		{[]string{"OBJECT", "ENCODING", "fresh"}, "$3\r\nint\r\n"},
		{[]string{"COPY", "a", "b"}, ":1\r\n"},
		{[]string{"OBJECT", "ENCODING", "b"}, "$3\r\nraw\r\n"},
	})
}
