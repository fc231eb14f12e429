package dual

import (
	"fmt"

	"github.com/fastslow/stream"
)

// The dual stream passes on what its parts implement of the optional
// interfaces, so that a part's failure is reported and a large part's
// memory is given back as when it runs alone.
var (
	_ stream.Failer   = (*Dual)(nil)
	_ stream.Viewer   = (*Dual)(nil)
	_ stream.Finisher = (*Dual)(nil)
)

// Err implements stream.Failer: the failure of a part that is a
// stream.Failer (the fast one's first), naming the part.
func (d *Dual) Err() error {
	if d.fastErr != nil {
		if err := d.fastErr.Err(); err != nil {
			return fmt.Errorf("fast stream: %w", err)
		}
	}
	if d.slowErr != nil {
		if err := d.slowErr.Err(); err != nil {
			return fmt.Errorf("slow stream: %w", err)
		}
	}
	return nil
}

// View implements stream.Viewer: the parts' views (stream.View) under
// the FastModel. and SlowModel. prefixes, as State names them.
func (d *Dual) View() []stream.Array {
	var out []stream.Array
	for _, a := range stream.View(d.Fast) {
		a.Name = FastPrefix + a.Name
		out = append(out, a)
	}
	for _, a := range stream.View(d.Slow) {
		a.Name = SlowPrefix + a.Name
		out = append(out, a)
	}
	return out
}

// Finish implements stream.Finisher: each part that is a
// stream.Finisher gives back what it needs only while it learns.
func (d *Dual) Finish() {
	if f, ok := d.Fast.(stream.Finisher); ok {
		f.Finish()
	}
	if f, ok := d.Slow.(stream.Finisher); ok {
		f.Finish()
	}
}
