// Package npz reads and writes checkpoints as numpy .npz archives whose
// array names are the original's PyTorch state_dict keys, so that numpy
// (np.load) and this toolkit read each other's states.
package npz

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/sbinet/npyio/npy"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/budget"
)

// Read returns the arrays of an .npz file by name. float64 and float32
// arrays are accepted (float32 values are widened exactly); any other
// dtype is an error naming the file and the array. An array whose header
// declares more (or fewer) values than its member holds, a name listed
// twice, and arrays larger than the memory budget (budget.Default) are
// errors naming the member and both sizes: nothing is padded or guessed.
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
	lim, err := budget.Default()
	if err != nil {
		return nil, err
	}
	return read(path, f, fi.Size(), lim)
}

// maxHeader bounds an .npy header's length: numpy writes a few hundred
// bytes (its format 1.0 allows 65535).
const maxHeader = 1 << 16

func read(path string, r io.ReaderAt, size int64, lim budget.Limit) (st map[string]stream.Array, err error) {
	defer func() {
		// npyio panics on some malformed headers; report them as errors.
		if e := recover(); e != nil {
			st, err = nil, fmt.Errorf("%s: malformed .npz: %v", path, e)
		}
	}()
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%s: not an .npz archive: %w", path, err)
	}
	st = make(map[string]stream.Array)
	var total budget.Bytes
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, ".npy")
		if _, dup := st[name]; dup {
			return nil, fmt.Errorf("%s: array %q is stored twice (numpy would take the last, silently): want one member per name", path, name)
		}
		a, err := readMember(f, name, lim.Bytes-total)
		if err != nil {
			var tl *budget.TooLarge
			if errors.As(err, &tl) {
				tl.Limit = lim
			}
			var de *dtypeError
			if errors.As(err, &de) {
				return nil, fmt.Errorf("%s: array %q has dtype %s, want float64 (<f8) or float32 (<f4)", path, name, de.dtype)
			}
			return nil, fmt.Errorf("%s: array %q: %w", path, name, err)
		}
		total = total.Plus(budget.Floats(len(a.Data)))
		st[name] = a
	}
	return st, nil
}

// readMember reads one .npy member, allocating no more than the member
// holds: its declared shape must match the bytes present exactly.
func readMember(f *zip.File, name string, room budget.Bytes) (stream.Array, error) {
	rc, err := f.Open()
	if err != nil {
		return stream.Array{}, err
	}
	defer rc.Close()
	br := bufio.NewReader(rc)
	pre := make([]byte, 10)
	if _, err := io.ReadFull(br, pre); err != nil {
		return stream.Array{}, fmt.Errorf("no .npy header: %w", err)
	}
	hlen, plen := int(binary.LittleEndian.Uint16(pre[8:])), 10
	if pre[6] >= 2 {
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return stream.Array{}, fmt.Errorf("no .npy header: %w", err)
		}
		pre = append(pre, b[:]...)
		hlen, plen = int(binary.LittleEndian.Uint32(pre[8:])), 12
	}
	if hlen > maxHeader {
		return stream.Array{}, fmt.Errorf(".npy header of %d bytes: want at most %d", hlen, maxHeader)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(br, hdr); err != nil {
		return stream.Array{}, fmt.Errorf("truncated .npy header: %w", err)
	}
	nr, err := npy.NewReader(io.MultiReader(bytes.NewReader(pre), bytes.NewReader(hdr)))
	if err != nil {
		return stream.Array{}, fmt.Errorf("bad .npy header: %w", err)
	}
	h := nr.Header.Descr
	shape := append([]int(nil), h.Shape...)
	n := 1
	for _, d := range shape {
		if d < 0 {
			return stream.Array{}, fmt.Errorf("bad shape %v", shape)
		}
	}
	if b := budget.Mul(shape...); len(shape) > 0 {
		if b == budget.Inf {
			return stream.Array{}, fmt.Errorf("shape %v declares %v values: no file holds that many", shape, b)
		}
		n = int(b)
	}
	var (
		size  int
		order binary.ByteOrder = binary.LittleEndian
	)
	switch h.Type {
	case "<f8", "f8", "float64", ">f8":
		size = 8
	case "<f4", "f4", "float32", ">f4":
		size = 4
	default:
		return stream.Array{}, &dtypeError{h.Type}
	}
	if strings.HasPrefix(h.Type, ">") {
		order = binary.BigEndian
	}
	if err := (budget.Limit{Bytes: room}).Check(fmt.Sprintf("shape %v", shape), budget.Floats(n)); err != nil {
		return stream.Array{}, err
	}
	// Read what is present, in chunks, so that a header declaring more
	// than the member holds allocates only what is there.
	data := make([]float64, 0, min(n, 1<<16))
	buf := make([]byte, 1<<15)
	for len(data) < n {
		want := min(len(buf)/size, n-len(data)) * size
		k, err := io.ReadFull(br, buf[:want])
		for i := 0; i+size <= k; i += size {
			if size == 8 {
				data = append(data, math.Float64frombits(order.Uint64(buf[i:])))
			} else {
				data = append(data, float64(math.Float32frombits(order.Uint32(buf[i:]))))
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			present := (int64(len(data))*int64(size) + int64(k%size))
			return stream.Array{}, fmt.Errorf("shape %v declares %d values (%d bytes) but the member holds %d bytes after its %d-byte header (%d values)",
				shape, n, int64(n)*int64(size), present, plen+hlen, present/int64(size))
		}
		if err != nil {
			return stream.Array{}, err
		}
	}
	if extra, _ := io.Copy(io.Discard, io.LimitReader(br, 1<<20)); extra > 0 {
		return stream.Array{}, fmt.Errorf("shape %v declares %d values but the member holds more bytes after them (at least %d)", shape, n, extra)
	}
	if h.Fortran && len(shape) > 1 {
		data = fromFortran(data, shape)
	}
	return stream.Array{Name: name, Shape: shape, Data: data}, nil
}

type dtypeError struct{ dtype string }

func (e *dtypeError) Error() string { return "dtype " + e.dtype }

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

// WriteNPY writes a as a .npy file of its shape (np.load reads it): the
// arrays of more than two dimensions that npyio does not write, such as a
// quantity's values per run, block and dimension.
func WriteNPY(path string, a stream.Array) error {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	if n != len(a.Data) {
		return fmt.Errorf("%s: %d values for shape %v", path, len(a.Data), a.Shape)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := errors.Join(writeNPY(bw, a.Shape, a.Data), bw.Flush()); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
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
