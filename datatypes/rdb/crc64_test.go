package rdb

import "testing"

func TestCRC64(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
	}{
		{"", 0},
		// The check value crc64.c's own self-test uses.
		{"123456789", 0xe9c6d914c4b8d9ca},
	}
	for _, tc := range tests {
		if got := CRC64(0, []byte(tc.in)); got != tc.want {
			t.Errorf("CRC64(%q) = %#x, want %#x", tc.in, got, tc.want)
		}
	}
	// Incremental use gives the same result as one call.
	s := []byte("This is a test of the emergency broadcast system.")
	if a, b := CRC64(CRC64(0, s[:10]), s[10:]), CRC64(0, s); a != b {
		t.Errorf("incremental %#x != whole %#x", a, b)
	}
}
