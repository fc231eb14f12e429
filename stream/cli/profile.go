package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/pprof"
)

// StartProfile starts writing the process's CPU profile (pprof's format,
// for `go tool pprof`) to path, a new file: an existing file is refused,
// never replaced. The returned stop ends the profile and closes the file.
func StartProfile(path string) (stop func() error, err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("-cpuprofile %s: the file exists: choose a new name or move it away (nothing was run)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("-cpuprofile %s: %w", path, err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("-cpuprofile %s: %w", path, err)
		}
		return nil
	}, nil
}
