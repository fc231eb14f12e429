package run_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/fastslow/stream/schedule"
)

func fmtSscan(s string, v *float64) (int, error) { return fmt.Sscan(s, v) }

func scheduleTable(csv string) (*schedule.Table, error) {
	dir, err := os.MkdirTemp("", "order")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "order.csv")
	if err := os.WriteFile(p, []byte(csv), 0o644); err != nil {
		return nil, err
	}
	return schedule.ReadTable(p)
}
