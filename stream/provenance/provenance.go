// Package provenance records where a results folder came from — the tool
// and its revision, the Go version, the command line, the config's
// checksum, the seed and the times — in the folder's provenance.json, the
// file that also marks the folder as written by this toolkit.
//
// The revision comes from, in this order, Stamp, the go command's vcs
// build settings, or the source tree the binary was compiled from (the
// folder this package's source was compiled in, when it still holds this
// toolkit), read from its .git without the git binary and checked for
// uncommitted changes with git status; Record.RevisionSource says which.
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
	"slices"
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
// golang/go#74763) for a module below a repository root without go.mod,
// nor ever for go run and go test; without either, New reads the source
// tree the binary was compiled from (RevisionSource FromSource).
var Stamp string

// Unknown is the revision of a binary whose revision nothing tells: no
// version control information, no Stamp, and no source tree of this
// toolkit at the path it was compiled from (-trimpath, a binary moved to
// another machine, a tree removed since).
const Unknown = "unknown"

// Record is what a results folder records about how it was made.
type Record struct {
	Tool    string `json:"tool"`    // the command, e.g. "clustering" or "sweep"
	Module  string `json:"module"`  // the main module of the binary
	Version string `json:"version"` // the main module's version, "(devel)" for a local build
	// Revision is the git commit the binary was built from: "+dirty"
	// when the tree had uncommitted changes to tracked files, Unverified
	// when read from the source tree and nobody could check that (see
	// Unverified), Unknown when nothing tells. RevisionSource says where
	// it came from (FromBuild, FromStamp, FromSource, FromNone), so
	// readers know how much to trust it: FromSource is the tree's state
	// when the binary ran, which is the built one for go run and go test.
	Revision       string   `json:"revision"`
	RevisionSource string   `json:"revision_source"`
	GoVersion      string   `json:"go_version"`      // the Go release that built the binary
	Command        []string `json:"command"`         // the command line, program first
	Model          string   `json:"model,omitempty"` // the model run, when the tool runs one
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
// the process's command line and the start time now. Its revision is the
// Stamp when set, else the build information's, else the source tree's.
func New(tool string) *Record {
	r := &Record{Tool: tool, Version: "(devel)", Revision: Unknown, RevisionSource: FromNone,
		GoVersion: runtime.Version(), Command: append([]string(nil), os.Args...),
		Start: time.Now().UTC(), PID: os.Getpid()}
	r.Host, _ = os.Hostname()
	if bi, ok := debug.ReadBuildInfo(); ok {
		r.Module = bi.Main.Path
		if bi.Main.Version != "" {
			r.Version = bi.Main.Version
		}
		if rev := revision(bi.Settings); rev != Unknown {
			r.Revision, r.RevisionSource = rev, FromBuild
		}
	}
	switch {
	case Stamp != "":
		r.Revision, r.RevisionSource = Stamp, FromStamp
	case r.RevisionSource == FromNone:
		if rev := sourceRevision(); rev != "" {
			r.Revision, r.RevisionSource = rev, FromSource
		}
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
// told to come from the same code: both known and neither qualified by a
// suffix ("+dirty", Unverified, or any "+…" of a Stamp such as git
// describe's), since a qualified revision does not name the code.
func Comparable(a, b string) bool {
	known := func(s string) bool { return s != Unknown && s != "" && !strings.Contains(s, "+") }
	return known(a) && known(b)
}

// Mixed compares the revision cur of this binary with the revisions that
// made the earlier results a resume would keep (made: revision → what it
// made): other is the first revision in made that is not cur ("" when
// all are), and refuse is whether the two are Comparable, so that keeping
// those results would mix two known versions of the code. When either
// revision is qualified or unknown nobody can tell, and the caller keeps
// the results with a note.
func Mixed(cur string, made map[string][]string) (other string, refuse bool) {
	var others []string
	for rev := range made {
		if rev != cur {
			others = append(others, rev)
		}
	}
	if len(others) == 0 {
		return "", false
	}
	slices.Sort(others)
	return others[0], Comparable(cur, others[0])
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

// IsTemp reports whether name is that of the temporary file Write renames
// into place: a record being written, by this process or another.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, "."+FileName+".") && strings.HasSuffix(name, ".tmp")
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
