package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/provenance"
)

// MarkerName is the file that makes a results folder a finished config.
const MarkerName = "sweep.json"

// The states of a finished config.
const (
	Done     = "done"     // its results are in the folder
	Diverged = "diverged" // a run stopped being finite; the folder holds no results
)

// Marker says that a config's folder is finished and what ran: a folder
// whose marker is missing, unreadable or holds another checksum, or whose
// files are missing or differ from the sizes and SHA-256 sums it records,
// is unfinished and is redone.
type Marker struct {
	Config   string      `json:"config"`
	Number   int         `json:"number"`
	Model    string      `json:"model"`
	Checksum string      `json:"checksum"` // Config.Checksum of what ran
	Status   string      `json:"status"`   // Done or Diverged
	Grid     []Value     `json:"grid"`
	Diverged *Divergence `json:"diverged,omitempty"`
	Blocks   int         `json:"blocks,omitempty"` // blocks of every curve (num_blocks)
	Files    []File      `json:"files"`            // every file of the folder but the marker and provenance.json
}

// File is a file of a finished config's folder as the sweep wrote it.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// hashFiles lists the regular files of dir but the marker and the
// provenance record (which its folder's commit completes, with the end
// time), by name, with their sizes and SHA-256 sums.
func hashFiles(dir string) ([]File, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, e := range ents {
		if !e.Type().IsRegular() || e.Name() == MarkerName || e.Name() == provenance.FileName {
			continue
		}
		f, err := hashFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

func hashFile(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", path, err)
	}
	return File{Name: filepath.Base(path), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Verify reports the first file of dir that is missing or differs from
// what the marker records (size, then SHA-256), naming it; a done config
// whose marker records no files (written before the sums were recorded)
// cannot be verified and is an error too.
func (m *Marker) Verify(dir string) error {
	if m.Status == Done && len(m.Files) == 0 {
		return fmt.Errorf("%s records no file checksums", MarkerName)
	}
	for _, want := range m.Files {
		path := filepath.Join(dir, want.Name)
		if filepath.Base(want.Name) != want.Name {
			return fmt.Errorf("%s: file name %q is not a name in the folder", MarkerName, want.Name)
		}
		fi, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("%s is missing", want.Name)
		}
		if fi.Size() != want.Size {
			return fmt.Errorf("%s holds %d bytes, %s records %d", want.Name, fi.Size(), MarkerName, want.Size)
		}
		got, err := hashFile(path)
		if err != nil {
			return err
		}
		if got.SHA256 != want.SHA256 {
			return fmt.Errorf("%s differs from what the sweep wrote (SHA-256 %.12s…, %s records %.12s…)", want.Name, got.SHA256, MarkerName, want.SHA256)
		}
	}
	return nil
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
	data, err := budget.ReadFile(filepath.Join(dir, MarkerName), budget.MaxText)
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
// checksum is sum; if it holds one whose files are missing or differ, it
// also says why (the config is redone).
func finished(dir, sum string) (bool, error) {
	m, err := ReadMarker(dir)
	if err != nil || m.Checksum != sum {
		return false, nil
	}
	if err := m.Verify(dir); err != nil {
		return false, err
	}
	return true, nil
}

func writeMarker(path string, m *Marker) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
