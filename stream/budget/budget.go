// Package budget refuses runs that would hold more memory than the machine
// can give, before anything is allocated: commands add up what a run will
// hold (curves, traces, states, model sizes) and check the sum against a
// limit, so that a size no machine holds ends in a message naming the key
// and the estimate instead of Go's "fatal error: out of memory".
package budget

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// EnvVar names the environment variable that sets the limit, as the
// -memory flag does (e.g. FASTSLOW_MEMORY=64GB).
const EnvVar = "FASTSLOW_MEMORY"

// Fallback is the limit when the physical memory cannot be read.
const Fallback = 4 << 30

// Fraction is the share of the physical memory that the default limit
// allows: the rest is for the operating system, other programs and the
// garbage collector's headroom (a Go heap can reach twice its live size).
const Fraction = 0.5

// Bytes is a size in bytes that saturates at math.MaxInt64 instead of
// overflowing, so that estimates of absurd sizes stay absurd.
type Bytes int64

// Inf is the saturated size.
const Inf = Bytes(math.MaxInt64)

// Mul returns the product of the factors (0 if any is ≤ 0), saturating.
func Mul(factors ...int) Bytes {
	p := uint64(1)
	for _, f := range factors {
		if f <= 0 {
			return 0
		}
		hi, lo := bits.Mul64(p, uint64(f))
		if hi != 0 || lo > math.MaxInt64 {
			return Inf
		}
		p = lo
	}
	return Bytes(p)
}

// Floats returns the size of a slice of float64 of the product of dims.
func Floats(dims ...int) Bytes { return Mul(dims...).Times(8) }

// Times returns b·k, saturating (k ≤ 0 gives 0).
func (b Bytes) Times(k int) Bytes {
	if b <= 0 || k <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(b), uint64(k))
	if hi != 0 || lo > math.MaxInt64 {
		return Inf
	}
	return Bytes(lo)
}

// Plus returns b+c, saturating.
func (b Bytes) Plus(c Bytes) Bytes {
	if s := b + c; s >= b && s >= c {
		return s
	}
	return Inf
}

// Sum returns the saturating sum of sizes.
func Sum(sizes ...Bytes) Bytes {
	var s Bytes
	for _, b := range sizes {
		s = s.Plus(b)
	}
	return s
}

// String writes b with a binary unit (e.g. "7.5 GiB"); the saturated size
// reads "more than 8 EiB".
func (b Bytes) String() string {
	if b == Inf {
		return "more than 8 EiB"
	}
	const units = "KMGTPE"
	if b < 1024 {
		return fmt.Sprintf("%d B", int64(b))
	}
	v, i := float64(b)/1024, 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.3g %ciB", v, units[i])
}

// Parse reads a size such as "64GB", "512MiB", "2e9" or "8G" (decimal
// and binary units are both read as binary: 1 GB = 2³⁰ bytes, the
// generous reading for a limit).
func Parse(s string) (Bytes, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := 1.0
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGTPE", t[n-1]); i >= 0 {
			mult = math.Pow(1024, float64(i+1))
			t = strings.TrimSpace(t[:n-1])
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a memory size (e.g. 8GB, 512MB, 2e9)", s)
	}
	v *= mult
	if v >= math.MaxInt64 {
		return Inf, nil
	}
	return Bytes(v), nil
}

// Limit is the memory a command may plan to hold, and where that figure
// comes from (named in refusals so that the user knows what to raise).
type Limit struct {
	Bytes  Bytes
	Source string // e.g. "half of the physical memory (15.6 GiB)" or "-memory 64GB"
}

// Default returns the limit from the environment variable EnvVar if it is
// set, else Fraction of the physical memory (or of the memory the
// process's control group allows, when that is less: a Slurm task's
// --mem, a container's limit), else Fallback.
func Default() (Limit, error) {
	if s, ok := os.LookupEnv(EnvVar); ok && s != "" {
		b, err := Parse(s)
		if err != nil {
			return Limit{}, fmt.Errorf("%s: %w", EnvVar, err)
		}
		return Limit{b, EnvVar + "=" + s}, nil
	}
	if mem, err := physical(); err == nil && mem > 0 {
		if cg := cgroupLimit("/"); cg > 0 && cg < mem {
			return Limit{Bytes(float64(cg) * Fraction), fmt.Sprintf("half of the memory its control group allows, %v", cg)}, nil
		}
		return Limit{Bytes(float64(mem) * Fraction), fmt.Sprintf("half of the physical memory, %v", mem)}, nil
	}
	return Limit{Fallback, fmt.Sprintf("%v (the physical memory could not be read)", Bytes(Fallback))}, nil
}

// OrDefault returns the limit l points to, or Default when l is nil (a
// caller's options that leave the limit to the environment).
func OrDefault(l *Limit) (Limit, error) {
	if l != nil {
		return *l, nil
	}
	return Default()
}

// FromFlag returns the limit of a -memory flag's value, or Default when
// it is empty.
func FromFlag(flag, value string) (Limit, error) {
	if value == "" {
		return Default()
	}
	b, err := Parse(value)
	if err != nil {
		return Limit{}, fmt.Errorf("%s: %w", flag, err)
	}
	return Limit{b, flag + " " + value}, nil
}

// HowToRaise says how a user raises the limit, for the end of a refusal.
const HowToRaise = "lower it, or raise the limit with -memory or " + EnvVar + " if the machine has the memory"

// Check returns nil if est fits the limit, else an error naming what
// (the key or flag that makes the run this large), the estimate and the
// limit.
func (l Limit) Check(what string, est Bytes) error {
	if est <= l.Bytes {
		return nil
	}
	return &TooLarge{What: what, Estimate: est, Limit: l}
}

// TooLarge is a refused size.
type TooLarge struct {
	What     string
	Estimate Bytes
	Limit    Limit
}

func (e *TooLarge) Error() string {
	est := "about " + e.Estimate.String()
	if e.Estimate == Inf {
		est = e.Estimate.String()
	}
	return fmt.Sprintf("%s: the run would hold %s, beyond the memory limit of %v (%s); %s",
		e.What, est, e.Limit.Bytes, e.Limit.Source, HowToRaise)
}

// physical returns the machine's physical memory from /proc/meminfo.
func physical() (Bytes, error) {
	data, err := ReadFile("/proc/meminfo", 1<<20)
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return 0, err
			}
			return Bytes(kb).Times(1024), nil
		}
	}
	return 0, errors.New("/proc/meminfo: no MemTotal")
}

// cgroupLimit returns the smallest memory limit of the process's control
// groups and their parents (cgroup v2's memory.max, v1's
// memory.limit_in_bytes), or 0 when there is none or it cannot be read;
// the files are read below fs ("/" but in tests).
func cgroupLimit(fs string) Bytes {
	data, err := ReadFile(filepath.Join(fs, "proc/self/cgroup"), 1<<16)
	if err != nil {
		return 0
	}
	var limit Bytes
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			continue
		}
		var roots []string
		var file string
		switch {
		case f[0] == "0" && f[1] == "":
			roots, file = []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}, "memory.max"
		case slices.Contains(strings.Split(f[1], ","), "memory"):
			roots, file = []string{"/sys/fs/cgroup/memory"}, "memory.limit_in_bytes"
		default:
			continue
		}
		for _, root := range roots {
			for dir := path.Clean("/" + f[2]); ; dir = path.Dir(dir) {
				data, err := ReadFile(filepath.Join(fs, root, dir, file), 64)
				if err == nil {
					v, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
					if err == nil && v > 0 && v < 1<<60 && (limit == 0 || Bytes(v) < limit) {
						limit = Bytes(v)
					}
				}
				if dir == "/" {
					break
				}
			}
		}
	}
	return limit
}

// ReadFile reads a whole file of at most max bytes; a larger file (or an
// endless one such as /dev/zero) is an error naming the file and the
// limit (see ReadAll).
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(path, f, max)
}

// MaxText bounds the small text files the commands read whole (stimuli,
// hidden-node and data CSVs, curves): 16 MiB holds hundreds of thousands
// of rows, more than any of them needs; a larger or endless file is
// refused as it is read.
const MaxText = 16 << 20

// MaxLine bounds a line of the text files the commands read (configs,
// CSV tables): a longer line is not one of theirs.
const MaxLine = 1 << 20

// ReadAll reads r (named path in errors) to its end, refusing more than
// max bytes or a line longer than MaxLine. A regular file larger than max
// is refused before it is read; an endless stream without line breaks
// (/dev/zero) after MaxLine bytes.
func ReadAll(path string, r io.Reader, max int64) ([]byte, error) {
	tooLarge := fmt.Errorf("%s: larger than %v: not a file this command reads", path, Bytes(max))
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > max {
			return nil, tooLarge
		}
	}
	var (
		data []byte
		line int64 // length of the last line so far
		buf  = make([]byte, 32<<10)
	)
	for {
		n, err := r.Read(buf)
		chunk := buf[:n]
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			if line+int64(bytes.IndexByte(chunk, '\n')) > MaxLine {
				return nil, lineTooLong(path)
			}
			line = int64(len(chunk) - i - 1)
		} else {
			line += int64(n)
		}
		if line > MaxLine {
			return nil, lineTooLong(path)
		}
		if int64(len(data)+n) > max {
			return nil, tooLarge
		}
		data = append(data, chunk...)
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
}

func lineTooLong(path string) error {
	return fmt.Errorf("%s: a line longer than %v: not a text file this command reads", path, Bytes(MaxLine))
}

// Estimate is what one model holds, with the keys that make it that
// large (e.g. "n_units = 100000, networks_depth = 2"), for refusals.
type Estimate struct {
	Bytes Bytes
	Keys  string
}
