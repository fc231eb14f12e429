//go:build unix

package train

import (
	"syscall"
	"time"
)

// cpuTime returns the process's CPU time (user and system), so that a
// benchmark can report the CPU cost of a trial beside its wall time,
// which a busy machine inflates.
func cpuTime() time.Duration {
	var r syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &r) != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}
