package resp

import "testing"

func TestKeySlot(t *testing.T) {
	// Expected values from Redis Cluster's specification and CLUSTER KEYSLOT.
	tests := []struct {
		key  string
		want int
	}{
		{"123456789", 12739},
		{"foo", 12182},
		{"bar", 5061},
		{"{user1000}.following", keySlot([]byte("user1000"))},
		{"foo{}{bar}", keySlot([]byte("foo{}{bar}"))},
		{"foo{{bar}}zap", keySlot([]byte("{bar"))},
		{"", 0},
	}
	for _, tc := range tests {
		if got := keySlot([]byte(tc.key)); got != tc.want {
			t.Errorf("keySlot(%q) = %d, want %d", tc.key, got, tc.want)
		}
	}
}
