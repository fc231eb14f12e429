// Package provenance records where a results folder came from — the tool
// and its revision, the Go version, the command line, the config's
// checksum, the seed and the times — in the folder's provenance.json, the
// file that also marks the folder as written by this toolkit.
package provenance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// FileName is the record's file in a results folder.
const FileName = "provenance.json"

// Stamp, when set at link time, is the revision recorded instead of the
// build information's: go build -ldflags "-X
// github.com/fastslow/stream/provenance.Stamp=$(git describe --always
// --dirty=+dirty)". The go command stamps vcs.revision only when it finds
// the repository, which it does not from a git worktree, nor (Go 1.25,
// golang/go#74763) for a module below a repository root without go.mod.
var Stamp string

// Unknown is the revision of a binary built without version control
// information (go run, go test, or a build outside a git tree).
const Unknown = "unknown"

// Record is what a results folder records about how it was made.
type Record struct {
	Tool      string   `json:"tool"`            // the command, e.g. "clustering" or "sweep"
	Module    string   `json:"module"`          // the main module of the binary
	Version   string   `json:"version"`         // the main module's version, "(devel)" for a local build
	Revision  string   `json:"revision"`        // the git commit, "+dirty" when built from a modified tree; Unknown when not stamped
	GoVersion string   `json:"go_version"`      // the Go release that built the binary
	Command   []string `json:"command"`         // the command line, program first
	Model     string   `json:"model,omitempty"` // the model run, when the tool runs one
	// Config is the config file ("" for a built-in config) and
	// ConfigSHA256 the checksum of the config as run.
	Config       string    `json:"config,omitempty"`
	ConfigSHA256 string    `json:"config_sha256,omitempty"`
	Seed         *int64    `json:"seed,omitempty"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end,omitzero"` // zero while the folder is being written
	// Files are the entries the tool wrote into the folder (besides this
	// record): anything else in it is someone else's.
	Files []string `json:"files,omitempty"`
	// Host and PID identify the process writing a folder, so that a later
	// run can tell a killed run's temporary folder from a live one's.
	Host string `json:"host"`
	PID  int    `json:"pid"`
}

// New returns the record of the running binary, the tool named tool, with
// the process's command line and the start time now.
func New(tool string) *Record {
	r := &Record{Tool: tool, Version: "(devel)", Revision: Unknown, GoVersion: runtime.Version(),
		Command: append([]string(nil), os.Args...), Start: time.Now().UTC(), PID: os.Getpid()}
	r.Host, _ = os.Hostname()
	if bi, ok := debug.ReadBuildInfo(); ok {
		r.Module = bi.Main.Path
		if bi.Main.Version != "" {
			r.Version = bi.Main.Version
		}
		r.Revision = revision(bi.Settings)
	}
	if Stamp != "" {
		r.Revision = Stamp
	}
	return r
}

// revision is the vcs.revision of a build, with "+dirty" when the tree was
// modified, or Unknown.
func revision(settings []debug.BuildSetting) string {
	rev, dirty := "", false
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return Unknown
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

// SetConfig records the config file path ("" for a built-in config) and
// the checksum of data, the config as run.
func (r *Record) SetConfig(path string, data []byte) {
	sum := sha256.Sum256(data)
	r.Config, r.ConfigSHA256 = path, hex.EncodeToString(sum[:])
}

// SetSeed records the seed the runs derive from.
func (r *Record) SetSeed(seed int64) { r.Seed = &seed }

// Comparable reports whether results made by the revisions a and b can be
// told to come from the same code: both known and neither dirty.
func Comparable(a, b string) bool {
	known := func(s string) bool { return s != Unknown && s != "" && !strings.HasSuffix(s, "+dirty") }
	return known(a) && known(b)
}

// Write writes the record as dir's provenance.json, atomically: sweep
// shards starting together may all mark their shared folder, and none may
// read a half-written record.
func (r *Record) Write(dir string) error {
	path := filepath.Join(dir, FileName)
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	host, _ := os.Hostname()
	tmp := filepath.Join(dir, "."+FileName+"."+host+"."+strconv.Itoa(os.Getpid())+".tmp")
	if err := os.WriteFile(tmp, append(data, '\n'), 0o666); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// ErrNone is returned by Read for a folder without a provenance.json.
var ErrNone = errors.New("no " + FileName)

// Read reads dir's provenance.json: ErrNone when there is none, an error
// naming the file when it is not a record of this toolkit.
func Read(dir string) (*Record, error) {
	path := filepath.Join(dir, FileName)
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNone
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > 1<<20 {
		return nil, fmt.Errorf("%s: not a provenance record of this toolkit (a regular JSON file under 1 MB)", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil || r.Tool == "" || r.Start.IsZero() {
		return nil, fmt.Errorf("%s: not a provenance record of this toolkit (want JSON with tool and start)", path)
	}
	return &r, nil
}
