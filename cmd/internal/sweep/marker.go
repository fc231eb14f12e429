package sweep

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// MarkerName is the file that makes a results folder a finished config.
const MarkerName = "sweep.json"

// The states of a finished config.
const (
	Done     = "done"     // its results are in the folder
	Diverged = "diverged" // a run stopped being finite; the folder holds no results
)

// Marker says that a config's folder is finished and what ran: a folder
// whose marker is missing, unreadable or holds another checksum is
// unfinished and is redone.
type Marker struct {
	Config   string      `json:"config"`
	Number   int         `json:"number"`
	Model    string      `json:"model"`
	Checksum string      `json:"checksum"` // Config.Checksum of what ran
	Status   string      `json:"status"`   // Done or Diverged
	Grid     []Value     `json:"grid"`
	Diverged *Divergence `json:"diverged,omitempty"`
}

// Divergence is where a diverged config stopped: the first task (in the
// config's order) with a diverging run, its lowest diverging run, and the
// block and trial of that run.
type Divergence struct {
	Task  string `json:"task"`
	Run   int    `json:"run"`
	Block int    `json:"block"`
	Trial int    `json:"trial"`
	What  string `json:"what"`
}

func (d *Divergence) String() string {
	return fmt.Sprintf("%s run %d block %d trial %d", d.Task, d.Run, d.Block, d.Trial)
}

// ReadMarker reads the marker of the results folder dir.
func ReadMarker(dir string) (*Marker, error) {
	data, err := os.ReadFile(filepath.Join(dir, MarkerName))
	if err != nil {
		return nil, err
	}
	var m Marker
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, MarkerName), err)
	}
	if m.Status != Done && m.Status != Diverged {
		return nil, fmt.Errorf("%s: status %q: want %q or %q", filepath.Join(dir, MarkerName), m.Status, Done, Diverged)
	}
	return &m, nil
}

// finished reports whether dir holds a finished run of the config whose
// checksum is sum.
func finished(dir, sum string) bool {
	m, err := ReadMarker(dir)
	return err == nil && m.Checksum == sum
}

func writeMarker(path string, m *Marker) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
