// Package output writes results: a folder that appears complete or not
// at all, numpy .npy curves, CSV tables, a JSON summary and PNG plots.
//
// A results folder of this toolkit holds a provenance.json
// (provenance.FileName) that lists the files the tool wrote. The rules
// that keep a user's files safe follow from it:
//
//   - only a missing path, an empty folder or a results folder of ours is
//     written; anything else (a file, a device, a foreign folder, the
//     working directory or one of its ancestors, /) is refused, before
//     anything is computed (Ready);
//   - our results folder is replaced only when everything in it is ours: a
//     file someone added (my_notes.txt) makes the replacement refused,
//     never deleted;
//   - temporary folders are hidden siblings named .<name>.tmp-<n> holding a
//     provenance.json from their first moment, so that the next run into
//     the same place recognises and removes those of killed runs (Tidy),
//     and restores the results that an interrupted replace had set aside
//     as .<name>.tmp-<n>.old.
package output

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fastslow/stream/provenance"
)

// Dir is a results folder being written. Files go into a hidden sibling
// folder that Commit renames into place, so an interrupted command never
// leaves a half-written result where a finished one is expected.
type Dir struct {
	Final string // where the folder appears on Commit
	tmp   string
	rec   *provenance.Record
}

const (
	tmpInfix   = ".tmp-"
	oldSuffix  = ".old"
	probeInfix = "probe-" // after tmpInfix: writable's empty folders
)

// tmpPrefix is the name prefix of final's temporary folders.
func tmpPrefix(final string) string { return "." + filepath.Base(final) + tmpInfix }

// Ready makes final ready to receive a results folder, before anything is
// computed: it tidies what killed runs left there (Tidy) and returns an
// error saying what is there and what to do when final is not a missing
// path, an empty folder or a results folder of ours holding only our
// files, or when its folder cannot be written.
func Ready(final string) error {
	return ready(final, true)
}

// ReadyRoot is Ready for a folder that accumulates results folders (a
// sweep's): it is never replaced, so files of others in it are kept and
// allowed, but it must be missing, empty or marked as ours.
func ReadyRoot(root string) error {
	return ready(root, false)
}

func ready(final string, replace bool) error {
	if final == "" {
		return errors.New("results folder: empty path: want a folder name")
	}
	if err := Tidy(final, false); err != nil {
		return err
	}
	if err := refuse(final, replace); err != nil {
		return err
	}
	return writable(final)
}

// refuse returns why final must not be written, or nil.
func refuse(final string, replace bool) error {
	abs, err := filepath.Abs(final)
	if err != nil {
		return fmt.Errorf("results folder %s: %w", final, err)
	}
	real := abs
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		real = r
	}
	if filepath.Dir(real) == real {
		return fmt.Errorf("results folder %s is the root folder %s: want a new folder for the results, e.g. results/run1 (nothing was run)", final, real)
	}
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.EvalSymlinks(wd); err == nil {
			wd = r
		}
		switch {
		case real == wd:
			return fmt.Errorf("results folder %s is the working directory: want a new folder for the results, e.g. results/run1 (nothing was run)", final)
		case strings.HasPrefix(wd, real+string(filepath.Separator)):
			return fmt.Errorf("results folder %s is %s, which holds the working directory %s: want a new folder for the results, e.g. results/run1 (nothing was run)", final, real, wd)
		}
	}
	fi, err := os.Lstat(final)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil // writable says what is wrong with the folders above
	}
	if err != nil {
		return fmt.Errorf("results folder %s: %w", final, err)
	}
	switch m := fi.Mode(); {
	case m&fs.ModeSymlink != 0:
		to, _ := os.Readlink(final)
		return fmt.Errorf("results folder %s is a symbolic link to %s: give the folder itself, or another name (nothing was run)", final, to)
	case m.IsRegular():
		return fmt.Errorf("results folder %s is a file (%d bytes), not a folder: choose another name, or move the file away (nothing was run)", final, fi.Size())
	case !m.IsDir():
		return fmt.Errorf("results folder %s is a %s, not a folder: choose another name (nothing was run)", final, kind(m))
	}
	ents, err := os.ReadDir(final)
	if err != nil {
		return fmt.Errorf("results folder %s: %w", final, err)
	}
	// A record being written (by a sweep's other shard that made the
	// folder a moment ago) does not make the folder foreign.
	ents = slices.DeleteFunc(ents, func(e fs.DirEntry) bool { return e.Type().IsRegular() && provenance.IsTemp(e.Name()) })
	if len(ents) == 0 {
		return nil
	}
	rec, err := provenance.Read(final)
	if errors.Is(err, provenance.ErrNone) {
		return fmt.Errorf("results folder %s is a folder holding %s and no %s, so it is not a results folder of this toolkit; it is left as it is: choose a new or empty folder (nothing was run)",
			final, listNames(ents), provenance.FileName)
	}
	if err != nil {
		return fmt.Errorf("results folder %s: %w; it is left as it is: choose a new or empty folder (nothing was run)", final, err)
	}
	if !replace {
		return nil
	}
	if foreign := foreignNames(ents, rec); len(foreign) > 0 {
		return fmt.Errorf("results folder %s holds results of %s, but also %s, which it did not write: replacing the folder would delete them; move them out of it, or choose another folder (nothing was run)",
			final, rec.Tool, listNames(foreign))
	}
	return nil
}

// foreignNames returns the entries of a results folder that its record
// does not list.
func foreignNames(ents []fs.DirEntry, rec *provenance.Record) []fs.DirEntry {
	var foreign []fs.DirEntry
	for _, e := range ents {
		if e.Name() != provenance.FileName && !slices.Contains(rec.Files, e.Name()) {
			foreign = append(foreign, e)
		}
	}
	return foreign
}

// listNames names up to three entries and counts the rest.
func listNames(ents []fs.DirEntry) string {
	var names []string
	for i, e := range ents {
		if i == 3 {
			names = append(names, "and "+strconv.Itoa(len(ents)-3)+" more")
			break
		}
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

// writable checks that the folder that will hold final (its nearest
// existing ancestor, when it is to be made) is a folder this process can
// write, by making and removing a hidden temporary folder there.
func writable(final string) error {
	dir := filepath.Dir(filepath.Clean(final))
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("results folder %s: %s is a file, not a folder: choose another place (nothing was run)", final, dir)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("results folder %s: %w", final, err)
		}
		up := filepath.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	probe, err := mkdirTemp(dir, tmpPrefix(final)+probeInfix)
	if err != nil {
		return fmt.Errorf("results folder %s: cannot write in %s: %w (nothing was run)", final, dir, err)
	}
	// Another process's Tidy (a sweep's other shard) may have removed the
	// empty probe already: the folder was writable all the same.
	if err := os.Remove(probe); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("results folder %s: %w", final, err)
	}
	return nil
}

// Tidy removes what killed runs into final left: temporary folders
// (recognised by their name and their provenance.json) of processes of this
// host that are no longer running — or all of them when owner is set (a
// sweep shard owns its configs) — and restores the results that an
// interrupted replace had set aside (removing them when the replace
// completed). Folders without a readable provenance.json are not ours and
// are left alone.
func Tidy(final string, owner bool) error {
	final = filepath.Clean(final)
	parent := filepath.Dir(final)
	ents, err := os.ReadDir(parent)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("results folder %s: %w", final, err)
	}
	host, _ := os.Hostname()
	prefix := tmpPrefix(final)
	for _, e := range ents {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		path := filepath.Join(parent, e.Name())
		if strings.HasPrefix(e.Name(), prefix+probeInfix) {
			os.Remove(path) // a writability probe of a killed run: removed only when empty
			continue
		}
		rec, err := provenance.Read(path)
		if err != nil {
			// Killed inside Begin before the record was in place, or inside
			// removeOurs after it removed the record of a set-aside .old.
			removeUnmarked(path)
			continue
		}
		switch {
		case strings.HasSuffix(e.Name(), oldSuffix):
			if _, err := os.Lstat(final); errors.Is(err, fs.ErrNotExist) {
				if err := os.Rename(path, final); err != nil {
					return fmt.Errorf("restoring %s from an interrupted replace: %w", final, err)
				}
				continue
			}
			err = removeOurs(path)
		case owner || rec.Host == host && !running(rec.PID):
			err = removeOurs(path)
		}
		if err != nil {
			return fmt.Errorf("removing what a killed run left: %w", err)
		}
	}
	return nil
}

// removeUnmarked removes a temporary folder of ours that a killed run left
// without its record — inside Begin before the record was in place, or
// inside removeOurs between removing the record and the folder: one that
// holds nothing but, at most, the record's own temporary file. Anything else in it is
// left alone, since nothing says whose it is.
func removeUnmarked(path string) {
	ents, err := os.ReadDir(path)
	if err != nil {
		return
	}
	for _, e := range ents {
		n := e.Name()
		if !e.Type().IsRegular() || !provenance.IsTemp(n) {
			return
		}
	}
	for _, e := range ents {
		os.Remove(filepath.Join(path, e.Name()))
	}
	os.Remove(path)
}

// running reports whether a process with this id runs on this host.
func running(pid int) bool {
	if pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// removeOurs removes a folder of ours, its provenance.json last, so that a
// removal cut short leaves a folder still recognisable as ours.
func removeOurs(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.Name() != provenance.FileName {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	if err := os.Remove(filepath.Join(dir, provenance.FileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Remove(dir)
}

// mkdirTemp makes a new folder dir/<prefix><n> with the permissions the
// umask allows (os.MkdirTemp's are 0700).
func mkdirTemp(dir, prefix string) (string, error) {
	for range 100 {
		path := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 10))
		err := os.Mkdir(path, 0o777)
		if err == nil {
			return path, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: no unused temporary name", dir)
}

// CreateTemp creates a new file dir/<prefix><n> for writing, with the
// permissions the umask allows (os.CreateTemp's are 0600).
func CreateTemp(dir, prefix string) (*os.File, error) {
	for range 100 {
		path := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%s: no unused temporary name", dir)
}

// Begin starts writing the folder final, made by what rec records; final
// should have passed Ready before the computation. The temporary folder
// holds rec from the start, so that it is recognisably ours.
func Begin(final string, rec *provenance.Record) (*Dir, error) {
	if rec == nil {
		return nil, fmt.Errorf("results %s: no provenance record", final)
	}
	final = filepath.Clean(final)
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o777); err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	tmp, err := mkdirTemp(parent, tmpPrefix(final))
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	if err := rec.Write(tmp); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("results: %w", err)
	}
	return &Dir{Final: final, tmp: tmp, rec: rec}, nil
}

// Path returns the path a file called name is written to before Commit.
func (d *Dir) Path(name string) string { return filepath.Join(d.tmp, name) }

// Commit records the files written and the end time in provenance.json
// and moves the finished folder into place, replacing an older results
// folder of ours. Should something else have appeared at Final since Ready,
// nothing is replaced and the error says where the new results are.
func (d *Dir) Commit() error {
	ents, err := os.ReadDir(d.tmp)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	d.rec.Files = d.rec.Files[:0]
	for _, e := range ents {
		if e.Name() != provenance.FileName {
			d.rec.Files = append(d.rec.Files, e.Name())
		}
	}
	d.rec.End = time.Now().UTC()
	if err := d.rec.Write(d.tmp); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if _, err := os.Lstat(d.Final); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(d.tmp, d.Final); err != nil {
			return fmt.Errorf("results: %w", err)
		}
		return nil
	}
	if err := refuse(d.Final, true); err != nil {
		return fmt.Errorf("%w; the new results are in %s: move them before the next run into %s, which removes them", err, d.tmp, filepath.Dir(d.Final))
	}
	old := d.tmp + oldSuffix
	if err := os.Rename(d.Final, old); err != nil {
		return fmt.Errorf("results: replacing %s: %w", d.Final, err)
	}
	if err := os.Rename(d.tmp, d.Final); err != nil {
		os.Rename(old, d.Final) // put the old results back
		return fmt.Errorf("results: %w", err)
	}
	return removeOurs(old)
}

// Abort removes what was written.
func (d *Dir) Abort() { removeOurs(d.tmp) }

// CheckName returns an error when s, a value of a config or spec, cannot
// name a results folder on its own: empty, hidden (leading "."), "..", or
// holding a slash, a backslash or a control character — any of which
// would let a config steer where results are written.
func CheckName(s string) error {
	bad := s == "" || strings.HasPrefix(s, ".") || strings.ContainsAny(s, `/\`) ||
		strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f })
	if bad {
		return fmt.Errorf("%q: want a plain folder name (not empty, no slash or backslash, no leading dot, no control characters)", s)
	}
	return nil
}

// Replaceable returns an error unless path is missing or a regular file
// that a tool of ours wrote, which says so with mark in its first
// kilobyte (a generated config's or script's comment): a single file a
// command writes never replaces one of a user's.
func Replaceable(path, mark string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is a %s, not a file this command wrote: choose another name (nothing was written)", path, describe(fi.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 1024)
	n, _ := io.ReadFull(f, head)
	if !bytes.Contains(head[:n], []byte(mark)) {
		return fmt.Errorf("%s exists and was not written by this command (it lacks %q): move it away or choose another name (nothing was written)", path, mark)
	}
	return nil
}

func describe(m fs.FileMode) string {
	if m.IsDir() {
		return "folder"
	}
	if m&fs.ModeSymlink != 0 {
		return "symbolic link"
	}
	return kind(m)
}
