package train

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
	"github.com/stretchr/testify/require"
)

// TestFitCommand runs the fit command with its default task (the inverse
// base-rate design, built in) from a folder that is not the repository's,
// into its default results folder there, and checks that EXIT learns it:
// the error falls from chance (3/4) to below 0.1 in 15 blocks.
func TestFitCommand(t *testing.T) {
	t.Chdir(t.TempDir())
	out := filepath.Join("results", "exit", "config1")
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), Model(), []string{"-runs", "8", "-quiet", "-nostate"}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	require.NoError(t, err)
	var sum map[string]any
	require.NoError(t, json.Unmarshal(data, &sum))
	require.Contains(t, stdout.String(), "krus96-training")
	col, rows := fixture.ReadCSV(t, filepath.Join(out, "lc.csv"))
	require.Len(t, rows, 15)
	first := fixture.Num(t, rows[0][1])
	last := fixture.Num(t, rows[14][1])
	require.Greater(t, first, 0.5, "block 1 (columns %v)", col)
	require.Less(t, last, 0.1)
	fixture.FitFails(t, Model(), "sigma has 7 saliences, but task new-stimuli has 2 cues", "-task", "new-stimuli")
}
