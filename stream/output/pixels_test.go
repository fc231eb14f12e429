package output

import "testing"

// TestPixels: pixels gives n zero bytes that can be written, below and
// above a huge page and at its size, again after others were freed.
func TestPixels(t *testing.T) {
	for _, n := range []int{0, 1, 4096, hugePage - 4, hugePage, hugePage + 4, 3*hugePage + 12345, hugePage + 4} {
		b, free := pixels(n)
		if len(b) != n || cap(b) != n {
			t.Fatalf("pixels(%d): len %d, cap %d", n, len(b), cap(b))
		}
		for i, v := range b {
			if v != 0 {
				t.Fatalf("pixels(%d): byte %d is %d, not 0", n, i, v)
			}
		}
		for i := range b {
			b[i] = byte(i)
		}
		free()
	}
}
