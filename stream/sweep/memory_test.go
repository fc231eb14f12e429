package sweep

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/budget"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/internal/toymodel"
	"github.com/fastslow/stream/provenance"
)

// TestMemoryLimitInFlight: under a limit that holds one config but not
// two, a sweep on four workers still finishes every config, never holds
// two at once, says why, and writes the same files as without the limit.
func TestMemoryLimitInFlight(t *testing.T) {
	dir := t.TempDir()
	sw := toySweep(4)
	free := budget.Limit{Bytes: 1 << 40, Source: "test"}
	ref := filepath.Join(dir, "ref")
	sum, err := Run(context.Background(), sw, RunOptions{Out: ref, Workers: 4, Limit: &free})
	require.NoError(t, err)
	require.Equal(t, 4, sum.Done)

	plan, err := cli.Prepare(toymodel.Model(), cli.Options{Config: filepath.Join(ref, "configs", "s_1.toml"), Workers: 4, Quiet: true})
	require.NoError(t, err)
	one := cli.Estimate(plan.Setup, plan.Options, plan.Tasks)
	tight := budget.Limit{Bytes: one * 3 / 2, Source: "-memory test"}

	out := filepath.Join(dir, "out")
	var log bytes.Buffer
	sum, err = Run(context.Background(), sw, RunOptions{Out: out, Workers: 4, Limit: &tight, Log: &log})
	require.NoError(t, err)
	assert.Equal(t, 4, sum.Done)
	assert.Equal(t, 1, sum.InFlight, "configs in flight together")
	assert.Contains(t, log.String(), "holds as few as 1 of these configs at once")
	assert.Contains(t, log.String(), "(-memory test)")

	skip := func(rel string) bool { return filepath.Base(rel) == provenance.FileName }
	assert.Equal(t, fixture.Results(t, ref, skip), fixture.Results(t, out, skip))
}
