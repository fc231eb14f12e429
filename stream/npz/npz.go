// Package npz reads and writes checkpoints as numpy .npz archives whose
// array names are the original's PyTorch state_dict keys, so that numpy
// (np.load) and this toolkit read each other's states.
package npz

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/sbinet/npyio/npz"

	"github.com/fastslow/stream"
)

// Read returns the arrays of an .npz file by name. float64 and float32
// arrays are accepted (float32 values are widened exactly); any other
// dtype is an error naming the file and the array.
func Read(path string) (map[string]stream.Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return read(path, f, fi.Size())
}

func read(path string, r io.ReaderAt, size int64) (st map[string]stream.Array, err error) {
	defer func() {
		// npyio panics on some malformed headers; report them as errors.
		if e := recover(); e != nil {
			st, err = nil, fmt.Errorf("%s: malformed .npz: %v", path, e)
		}
	}()
	zr, err := npz.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%s: not an .npz archive: %w", path, err)
	}
	defer zr.Close()
	st = make(map[string]stream.Array)
	for _, key := range zr.Keys() {
		name := strings.TrimSuffix(key, ".npy")
		h := zr.Header(key)
		if h == nil {
			return nil, fmt.Errorf("%s: array %q: no header", path, name)
		}
		shape := append([]int(nil), h.Descr.Shape...)
		n := 1
		for _, d := range shape {
			if d < 0 {
				return nil, fmt.Errorf("%s: array %q: bad shape %v", path, name, shape)
			}
			n *= d
		}
		var data []float64
		switch h.Descr.Type {
		case "<f8", "f8", "float64":
			if err := zr.Read(key, &data); err != nil {
				return nil, fmt.Errorf("%s: array %q: %w", path, name, err)
			}
		case "<f4", "f4", "float32":
			var d32 []float32
			if err := zr.Read(key, &d32); err != nil {
				return nil, fmt.Errorf("%s: array %q: %w", path, name, err)
			}
			data = make([]float64, len(d32))
			for i, v := range d32 {
				data[i] = float64(v)
			}
		default:
			return nil, fmt.Errorf("%s: array %q has dtype %s, want float64 (<f8) or float32 (<f4)", path, name, h.Descr.Type)
		}
		if len(data) != n {
			return nil, fmt.Errorf("%s: array %q: %d values for shape %v", path, name, len(data), shape)
		}
		if h.Descr.Fortran && len(shape) > 1 {
			data = fromFortran(data, shape)
		}
		st[name] = stream.Array{Name: name, Shape: shape, Data: data}
	}
	return st, nil
}

// fromFortran reorders column-major data into row-major order.
func fromFortran(data []float64, shape []int) []float64 {
	out := make([]float64, len(data))
	idx := make([]int, len(shape))
	for i := range out {
		// i is the row-major position of idx; find its column-major position.
		f, stride := 0, 1
		for d := 0; d < len(shape); d++ {
			f += idx[d] * stride
			stride *= shape[d]
		}
		out[i] = data[f]
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out
}

// Write writes arrays to path as an uncompressed .npz of float64 arrays
// with their shapes, in name order. Checkpoints are written into a results
// folder that appears as a whole (output.Dir), so the file is written in
// place.
func Write(path string, arrays []stream.Array) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteTo(f, arrays); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// WriteTo writes arrays as an .npz archive to w: a zip of one .npy
// (format 1.0, little-endian float64, C order) per array. npyio, which
// reads them, writes only 1-D and 2-D arrays, and a checkpoint holds 3-D
// ones (the distribution learner's attention), so the writer is here.
func WriteTo(w io.Writer, arrays []stream.Array) error {
	sorted := append([]stream.Array(nil), arrays...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	zw := zip.NewWriter(w)
	bw := bufio.NewWriterSize(nil, 1<<16) // one buffer for every array: a run's state is 0.5 MB and more
	for _, a := range sorted {
		n := 1
		for _, d := range a.Shape {
			n *= d
		}
		if n != len(a.Data) {
			return fmt.Errorf("array %q: %d values for shape %v", a.Name, len(a.Data), a.Shape)
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Store})
		if err != nil {
			return err
		}
		bw.Reset(f)
		if err := writeNPY(bw, a.Shape, a.Data); err != nil {
			return fmt.Errorf("array %q: %w", a.Name, err)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("array %q: %w", a.Name, err)
		}
	}
	return zw.Close()
}

// writeNPY writes one float64 array in the .npy format 1.0.
func writeNPY(w io.Writer, shape []int, data []float64) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	sh := strings.Join(dims, ", ")
	if len(shape) == 1 {
		sh += ","
	}
	hdr := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", sh)
	// magic (6) + version (2) + length (2) + header + '\n', padded to 64.
	pad := 64 - (10+len(hdr)+1)%64
	if pad == 64 {
		pad = 0
	}
	hdr += strings.Repeat(" ", pad) + "\n"
	var chunk [4096]byte // the values go out a chunk at a time, not as a copy of the array
	buf := append(chunk[:0], "\x93NUMPY\x01\x00"...)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(hdr)))
	if _, err := w.Write(append(buf, hdr...)); err != nil {
		return err
	}
	for len(data) > 0 {
		n := min(len(data), len(chunk)/8)
		buf = chunk[:0]
		for _, v := range data[:n] {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// CheckFinite returns an error naming the first array with a NaN or Inf.
func CheckFinite(arrays []stream.Array) error {
	for _, a := range arrays {
		for i, v := range a.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("array %q: value %d is %v", a.Name, i, v)
			}
		}
	}
	return nil
}
