// Package output writes results: a folder that appears complete or not
// at all, numpy .npy curves, CSV tables, a JSON summary and PNG plots.
package output

import (
	"fmt"
	"os"
	"path/filepath"
)

// Dir is a results folder being written. Files go into a hidden sibling
// folder that Commit renames into place, so an interrupted command never
// leaves a half-written result where a finished one is expected.
type Dir struct {
	Final string // where the folder appears on Commit
	tmp   string
}

// Begin starts writing the folder final.
func Begin(final string) (*Dir, error) {
	final = filepath.Clean(final)
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(final)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	return &Dir{Final: final, tmp: tmp}, nil
}

// Path returns the path a file called name is written to before Commit.
func (d *Dir) Path(name string) string { return filepath.Join(d.tmp, name) }

// Commit moves the finished folder into place, replacing an older one.
func (d *Dir) Commit() error {
	if _, err := os.Stat(d.Final); err == nil {
		old := d.tmp + ".old"
		if err := os.Rename(d.Final, old); err != nil {
			return fmt.Errorf("results: replacing %s: %w", d.Final, err)
		}
		if err := os.Rename(d.tmp, d.Final); err != nil {
			os.Rename(old, d.Final) // put the old results back
			return fmt.Errorf("results: %w", err)
		}
		return os.RemoveAll(old)
	}
	if err := os.Rename(d.tmp, d.Final); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// Abort removes what was written.
func (d *Dir) Abort() { os.RemoveAll(d.tmp) }
