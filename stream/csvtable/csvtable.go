// Package csvtable reads the toolkit's CSV tables (stimuli, trial lists,
// order tables, hidden nodes, learning-curve data, target curves) row by
// row: the header, then each row with the line it starts on, with one
// form of error for every reader (the file, the line, what was wrong).
package csvtable

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
)

// Rows are the rows of a table after its header.
type Rows struct {
	cr   *csv.Reader
	path string
	err  error
}

// Read reads the header of the table that cr reads from file path (named
// in errors); an empty file is an error saying what is wanted (want, e.g.
// "a header run,block,i0,i1,…"). The header is the caller's even when cr
// reuses its records.
func Read(cr *csv.Reader, path, want string) ([]string, *Rows, error) {
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("%s: empty file: want %s", path, want)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return slices.Clone(header), &Rows{cr: cr, path: path}, nil
}

// All yields every row with the line of the file it starts on, until the
// end of the file or a row that is not CSV (then Err says why). A row is
// the reader's: with ReuseRecord it is overwritten by the next.
func (r *Rows) All() iter.Seq2[int, []string] {
	return func(yield func(int, []string) bool) {
		for r.err == nil {
			rec, err := r.cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				r.err = fmt.Errorf("%s: %w", r.path, err)
				return
			}
			line, _ := r.cr.FieldPos(0)
			if !yield(line, rec) {
				return
			}
		}
	}
}

// Err returns what stopped All before the end of the file, if anything.
func (r *Rows) Err() error { return r.err }
