package npz

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/fixture/npzraw"
)

// testdata/numpy_mixed.npz was written by numpy's np.savez: a C-order and
// a Fortran-order 2-D array, a float32 vector and a 3-D array.
func TestReadNumpy(t *testing.T) {
	st, err := Read("testdata/numpy_mixed.npz")
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3}, st["a.weight"].Shape)
	assert.Equal(t, []float64{0, 1, 2, 3, 4, 5}, st["a.weight"].Data)
	assert.Equal(t, []float64{0, 1, 2, 3, 4, 5}, st["fortran"].Data, "Fortran order is read back in C order")
	assert.Equal(t, []float64{float64(float32(0.1)), 0.5}, st["f32"].Data)
	assert.Equal(t, []int{2, 2, 2}, st["cube"].Shape)
}

func TestReadErrors(t *testing.T) {
	_, err := Read("testdata/numpy_int.npz")
	assert.ErrorContains(t, err, `array "idx" has dtype <i8, want float64`)
	_, err = Read("testdata/missing.npz")
	assert.Error(t, err)
	p := filepath.Join(t.TempDir(), "junk.npz")
	require.NoError(t, os.WriteFile(p, []byte("not a zip"), 0o644))
	_, err = Read(p)
	assert.ErrorContains(t, err, "junk.npz: not an .npz archive")
}

func TestRoundTrip(t *testing.T) {
	in := []stream.Array{
		{Name: "MultiVariateAttn.attn", Shape: []int{2, 2, 2}, Data: []float64{1, 0, 0, 2, 3, 0, 0, 4}},
		{Name: "DimensionWiseAttnLayer.weight", Shape: []int{1, 3}, Data: []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}},
		{Name: "MaskNonRecruit.active_units", Shape: []int{4}, Data: []float64{1, 0, 1, 0}},
	}
	p := filepath.Join(t.TempDir(), "s.npz")
	require.NoError(t, Write(p, in))
	st, err := Read(p)
	require.NoError(t, err)
	require.Len(t, st, 3)
	for _, a := range in {
		assert.Equal(t, a, st[a.Name])
	}
	assert.Error(t, Write(p, []stream.Array{{Name: "x", Shape: []int{3}, Data: []float64{1}}}))
}

// FuzzRead feeds arbitrary bytes to the reader: it must return an error
// or arrays whose data fit their shapes, never panic.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"testdata/numpy_mixed.npz", "testdata/numpy_int.npz"} {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data)
	}
	var buf bytes.Buffer
	require.NoError(f, WriteTo(&buf, []stream.Array{{Name: "a", Shape: []int{2}, Data: []float64{1, 2}}}))
	f.Add(buf.Bytes())
	f.Add(rawNPZ(f, [2]string{"w.npy", npyBytes(f, "(75,)", 1, 2)}))
	f.Add(rawNPZ(f, [2]string{"w.npy", npyBytes(f, "(100000, 100000)", 1, 2)}))
	f.Add(rawNPZ(f, [2]string{"w.npy", npyBytes(f, "(1,)", 1)}, [2]string{"w.npy", npyBytes(f, "(1,)", 2)}))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := read("fuzz.npz", bytes.NewReader(data), int64(len(data)), budget.Limit{Bytes: 64 << 20, Source: "the fuzz test"})
		if err != nil {
			return
		}
		for _, a := range st {
			n := 1
			for _, d := range a.Shape {
				n *= d
			}
			if n != len(a.Data) {
				t.Fatalf("array %q: %d values for shape %v", a.Name, len(a.Data), a.Shape)
			}
		}
	})
}

// rawNPZ returns an .npz of the named .npy members, in order.
func rawNPZ(t testing.TB, members ...[2]string) []byte {
	var ms []npzraw.Member
	for _, m := range members {
		ms = append(ms, npzraw.Member{Name: m[0], Data: []byte(m[1])})
	}
	data, err := npzraw.Archive(ms...)
	require.NoError(t, err)
	return data
}

func npyBytes(_ testing.TB, shape string, vals ...float64) string {
	return string(npzraw.NPY(shape, vals...))
}

// TestReadBadMembers: nothing is padded, guessed or taken twice; a
// declared size is checked against the bytes present before allocating.
func TestReadBadMembers(t *testing.T) {
	lim := budget.Limit{Bytes: 64 << 20, Source: "the test"}
	cases := []struct {
		name    string
		members [][2]string
		want    []string
	}{
		{"fewer values than declared", [][2]string{{"w.npy", npyBytes(t, "(75,)", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)}},
			[]string{`array "w"`, "declares 75 values (600 bytes)", "holds 80 bytes", "(10 values)"}},
		{"no data", [][2]string{{"w.npy", npyBytes(t, "(3, 2)")}},
			[]string{`array "w"`, "declares 6 values", "holds 0 bytes"}},
		{"more values than declared", [][2]string{{"w.npy", npyBytes(t, "(2,)", 1, 2, 3)}},
			[]string{`array "w"`, "declares 2 values", "more bytes"}},
		{"huge declared shape", [][2]string{{"w.npy", npyBytes(t, "(100000, 100000)", 1, 2)}},
			[]string{`array "w"`, "shape [100000 100000]", "74.5 GiB", "memory limit of 64 MiB", "FASTSLOW_MEMORY"}},
		{"overflowing shape", [][2]string{{"w.npy", npyBytes(t, "(4294967296, 4294967296, 4294967296)", 1)}},
			[]string{`array "w"`, "no file holds that many"}},
		{"duplicate member", [][2]string{{"w.npy", npyBytes(t, "(1,)", 1)}, {"w.npy", npyBytes(t, "(1,)", 2)}},
			[]string{`array "w" is stored twice`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := rawNPZ(t, c.members...)
			_, err := read("bad.npz", bytes.NewReader(data), int64(len(data)), lim)
			require.Error(t, err)
			for _, w := range append(c.want, "bad.npz") {
				assert.ErrorContains(t, err, w)
			}
		})
	}
	data := rawNPZ(t, [2]string{"w.npy", npyBytes(t, "(2,)", 1, 2)})
	st, err := read("good.npz", bytes.NewReader(data), int64(len(data)), lim)
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 2}, st["w"].Data, "the hand-made member reads back")
}
