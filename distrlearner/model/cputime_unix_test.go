//go:build unix

package model

import (
	"syscall"
	"time"
)

// cpuTime returns the process's CPU time, so that benchmarks can report
// the CPU cost of a trial beside the wall time, which a busy machine
// inflates.
func cpuTime() time.Duration {
	var r syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &r) != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}
