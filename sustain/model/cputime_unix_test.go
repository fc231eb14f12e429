//go:build unix

package model

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used (user and system): on a
// shared machine the wall time of a benchmark grows with the load, its
// CPU time much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
