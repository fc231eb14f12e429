package sweep

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A claim is a config that this process runs: an exclusive lock on the
// hidden file <out>/.<config>.lock, held until the config is written or
// left unfinished. Two sweeps into one results folder (two shells, or
// overlapping Slurm tasks) thus never run the same config: the second
// skips the configs the first holds, says so, and leaves them to it. The
// operating system releases the lock when its process ends, however it
// ends, so a killed sweep leaves no claim behind (its lock file stays
// until the next sweep claims and releases the config). A released claim
// removes its file; a claimant checks that the file it locked is still
// the one at the path, so that removal cannot let two sweeps in.
type claim struct {
	f    *os.File
	path string
}

// claimConfig takes the claim of config name in out, or returns nil and
// the process id that the holder recorded (0 if unknown).
func claimConfig(out, name string) (*claim, int, error) {
	path := filepath.Join(out, "."+name+".lock")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, 0, err
	}
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, 0, err
		}
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, 0, fmt.Errorf("%s: %w", path, err)
		}
		if !ok {
			data := make([]byte, 32)
			n, _ := f.ReadAt(data, 0)
			f.Close()
			pid, _ := strconv.Atoi(strings.TrimSpace(string(data[:n])))
			return nil, pid, nil
		}
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(held, now) {
			// Its holder released and removed it between our open and
			// our lock: try again with the file now at the path.
			unlock(f)
			f.Close()
			continue
		}
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
		return &claim{f: f, path: path}, 0, nil
	}
}

// release gives the claim up.
func (c *claim) release() {
	if c != nil && c.f != nil {
		os.Remove(c.path)
		unlock(c.f)
		c.f.Close()
		c.f = nil
	}
}
