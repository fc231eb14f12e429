package estimate

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/provenance"
)

// Trace is the record of every evaluation of a fit, a CSV file appended
// one line per evaluation as it finishes (or, from NewTrace, held in
// memory only): a killed fit resumes from it
// (evaluations it holds are not run again, and the deterministic search
// retraces its steps through them), and it shows how the search went.
type Trace struct {
	Path  string // the file; "" for a trace held in memory
	keys  []string
	f     *os.File
	w     *csv.Writer
	cache map[string]Eval
	rows  int
	// Made maps each revision of the toolkit that recorded evaluations
	// here (provenance.Unknown for a trace of before revisions were
	// recorded) to nothing; a resume checks it with provenance.Mixed.
	Made map[string][]string
	last string // the revision of the latest "# revision" line
}

// revisionMagic starts a comment line naming the revision of the binary
// whose evaluations follow; csv readers skip it.
const revisionMagic = "# revision "

// traceMagic starts a trace's first line.
const traceMagic = "# estimate trace; checksum "

// Replaceable returns an error unless path is missing or a fit trace
// (-fresh removes it): a user's file of that name is never removed.
func Replaceable(path string) error { return output.Replaceable(path, traceMagic) }

// TraceHeader returns the column names of a trace with free keys keys.
func TraceHeader(keys []string) []string {
	h := []string{"eval", "phase", "start", "seed", "runs"}
	h = append(h, keys...)
	return append(h, "loss", "sse", "rmse", "oat", "error")
}

// NewTrace returns a trace of a problem with parameters keys held in
// memory only: a fit that needs no record and no resume.
func NewTrace(keys []string) *Trace {
	return &Trace{keys: keys, cache: map[string]Eval{}, Made: map[string][]string{}}
}

// OpenTrace opens the trace at path of a problem with parameters keys,
// reading the evaluations an earlier call recorded there. checksum
// identifies what an evaluation computes (the model, its fixed config,
// the data, the loss…): a trace made by another problem (its checksum
// differs) is an error, as it cannot be resumed.
func OpenTrace(path string, keys []string, checksum string) (*Trace, error) {
	t := NewTrace(keys)
	t.Path = path
	head := TraceHeader(t.keys)
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("trace: %w", err)
		}
		t.f = f
		t.w = csv.NewWriter(f)
		if _, err := io.WriteString(f, traceMagic+checksum+"\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("trace: %w", err)
		}
		t.w.Write(head)
		t.w.Flush()
		return t, t.w.Error()
	case err != nil:
		return nil, fmt.Errorf("trace: %w", err)
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	sum, ok := strings.CutPrefix(string(first), traceMagic)
	if !ok {
		return nil, fmt.Errorf("trace %s: not a fit trace (its first line should start %q)", path, traceMagic)
	}
	if sum != checksum {
		return nil, fmt.Errorf("trace %s was made by another problem (the model, config, data, loss or free keys differ): its evaluations cannot be reused; remove it, or start afresh with -fresh", path)
	}
	// A killed fit may leave half a line: keep whole lines only.
	if i := bytes.LastIndexByte(data, '\n'); i < len(data)-1 {
		data = data[:i+1]
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, fmt.Errorf("trace: %w", err)
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comment = '#'
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("trace %s: %w", path, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], head) {
		return nil, fmt.Errorf("trace %s: header is not %s", path, strings.Join(head, ","))
	}
	for i, rec := range recs[1:] {
		e, err := t.parse(rec)
		if err != nil {
			return nil, fmt.Errorf("trace %s: row %d: %w", path, i+1, err)
		}
		t.cache[pointKey(e.Point)] = e
		t.rows++
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rev, ok := strings.CutPrefix(line, revisionMagic); ok {
			t.last = strings.TrimSpace(rev)
			t.Made[t.last] = nil
		}
	}
	if t.rows > 0 && len(t.Made) == 0 {
		t.Made[provenance.Unknown] = nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	t.f = f
	t.w = csv.NewWriter(f)
	return t, nil
}

// Mark records that the evaluations appended from now on are made by
// revision rev, unless the latest record already says so.
func (t *Trace) Mark(rev string) error {
	if rev == t.last || t.f == nil {
		return nil
	}
	if _, err := io.WriteString(t.f, revisionMagic+rev+"\n"); err != nil {
		return fmt.Errorf("trace %s: %w", t.Path, err)
	}
	t.last = rev
	t.Made[rev] = nil
	return nil
}

// Close closes the file.
func (t *Trace) Close() error {
	if t.f == nil {
		return nil
	}
	return t.f.Close()
}

// Len returns the number of evaluations recorded.
func (t *Trace) Len() int { return t.rows }

// Lookup returns the recorded evaluation of pt.
func (t *Trace) Lookup(pt Point) (Eval, bool) {
	e, ok := t.cache[pointKey(pt)]
	return e, ok
}

// Evals returns every recorded evaluation at seed and runs.
func (t *Trace) Evals(seed int64, runs int) []Eval {
	var out []Eval
	for _, e := range t.cache {
		if e.Seed == seed && e.Runs == runs {
			out = append(out, e)
		}
	}
	return out
}

// Append records e as evaluation number Len()+1 of the given phase and
// start (−1 for none) and writes the line out.
func (t *Trace) Append(e Eval, phase string, start int) error {
	t.rows++
	rec := []string{strconv.Itoa(t.rows), phase, strconv.Itoa(start), strconv.FormatInt(e.Seed, 10), strconv.Itoa(e.Runs)}
	for _, v := range e.X {
		rec = append(rec, ftoa(v))
	}
	oat := ""
	if e.OAT != nil {
		oat = strconv.FormatBool(e.OAT.Pass)
	}
	msg := ""
	if e.Err != nil {
		msg = strings.ReplaceAll(e.Err.Error(), "\n", "; ")
	}
	rec = append(rec, ftoa(e.Loss), ftoa(e.SSE), ftoa(e.RMSE), oat, msg)
	t.cache[pointKey(e.Point)] = e
	if t.w == nil {
		return nil
	}
	t.w.Write(rec)
	t.w.Flush()
	if err := t.w.Error(); err != nil {
		return fmt.Errorf("trace %s: %w", t.Path, err)
	}
	return nil
}

func (t *Trace) parse(rec []string) (Eval, error) {
	n := len(t.keys)
	var e Eval
	var err error
	if e.Seed, err = strconv.ParseInt(rec[3], 10, 64); err != nil {
		return e, fmt.Errorf("seed %q: %w", rec[3], err)
	}
	if e.Runs, err = strconv.Atoi(rec[4]); err != nil {
		return e, fmt.Errorf("runs %q: %w", rec[4], err)
	}
	e.X = make([]float64, n)
	for i := range n {
		if e.X[i], err = strconv.ParseFloat(rec[5+i], 64); err != nil {
			return e, fmt.Errorf("%s %q: %w", t.keys[i], rec[5+i], err)
		}
	}
	vals := []*float64{&e.Loss, &e.SSE, &e.RMSE}
	for i, v := range vals {
		if *v, err = strconv.ParseFloat(rec[5+n+i], 64); err != nil {
			return e, fmt.Errorf("value %q: %w", rec[5+n+i], err)
		}
	}
	switch rec[8+n] {
	case "true", "false":
		e.OAT = &OAT{Pass: rec[8+n] == "true"}
	}
	if rec[9+n] != "" {
		e.Err = errors.New(rec[9+n])
	}
	return e, nil
}

// pointKey identifies a point exactly (values printed so that they
// round-trip).
func pointKey(pt Point) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(pt.Seed, 10))
	b.WriteByte('/')
	b.WriteString(strconv.Itoa(pt.Runs))
	for _, v := range pt.X {
		b.WriteByte('/')
		b.WriteString(ftoa(v))
	}
	return b.String()
}

// FormatValue prints v so that it reads back exactly (+Inf for an
// infinite loss), as the trace records values.
func FormatValue(v float64) string { return ftoa(v) }

func ftoa(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
