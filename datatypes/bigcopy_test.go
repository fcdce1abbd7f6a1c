package datatypes

import (
	"bytes"
	"testing"
)

func TestCopyLarge(t *testing.T) {
	src := make([]byte, 3*copyPiece+17)
	for i := range src {
		src[i] = byte(i * 7)
	}
	for _, tc := range []struct{ dst, src int }{{len(src), len(src)}, {10, len(src)}, {len(src), 5}, {0, 0}, {copyPiece + 1, copyPiece * 2}} {
		dst := make([]byte, tc.dst)
		n := CopyLarge(dst, src[:tc.src])
		if want := min(tc.dst, tc.src); n != want || !bytes.Equal(dst[:n], src[:n]) {
			t.Fatalf("CopyLarge(%d, %d) = %d", tc.dst, tc.src, n)
		}
	}
	for _, head := range []int{0, 3, copyPiece * 2} {
		dst := bytes.Repeat([]byte{'h'}, head)
		got := AppendLarge(dst, src)
		if !bytes.Equal(got, append(bytes.Repeat([]byte{'h'}, head), src...)) {
			t.Fatalf("AppendLarge after %d bytes differs", head)
		}
	}
}
