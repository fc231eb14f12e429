package models_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/npz"
	"github.com/fastslow/stream/output"
)

// TestAttentionOverBlocks runs every model with attention for a few blocks
// and checks its record of the attention at every block's end: named in
// summary.json, runs × blocks × dimensions, the last block's equal to
// the checkpoint's attention bit for bit, the mean over runs beside it.
func TestAttentionOverBlocks(t *testing.T) {
	for _, c := range []struct {
		model, name, state string
		args               []string
	}{
		{"clustering", "attention", "DimensionWiseAttnLayer.weight", nil},
		{"multiunit", "attention", "DimensionWiseAttnLayer.weight", nil},
		{"alcove", "attention", "attention", nil},
		{"sustain", "attention", "lambda", nil},
		{"dualstream", "attention_fast", "FastModel.DimensionWiseAttnLayer.weight",
			[]string{"-config", "../../configs/dualstream/config1_multi.toml"}},
		// The distribution learner's attention is its units' scales; a
		// checkpoint holds each unit's, the summary their mean (below).
		{"distrlearner", "scale", "", nil},
		{"dnn", "", "", nil},
	} {
		t.Run(c.model, func(t *testing.T) {
			m, err := models.Get(c.model)
			require.NoError(t, err)
			out := filepath.Join(t.TempDir(), "out")
			task, sfx := "shj2", "_type2"
			if c.model == "distrlearner" { // its configs have two dimensions: the new stimuli
				task, sfx = "new-stimuli", ""
			}
			args := append([]string{"-out", out, "-task", task, "-runs", "2", "-blocks", "3", "-quiet"}, c.args...)
			var msg bytes.Buffer
			code := cli.Run(context.Background(), m, args, &msg, &msg)
			require.Equal(t, 0, code, msg.String())
			data, err := os.ReadFile(filepath.Join(out, "summary.json"))
			require.NoError(t, err)
			var sum struct {
				Observed []string `json:"observed"`
			}
			require.NoError(t, json.Unmarshal(data, &sum))
			if c.name == "" {
				assert.Empty(t, sum.Observed, "the deep network has no attention")
				return
			}
			require.Equal(t, []string{c.name}, sum.Observed)
			shape, all, err := output.ReadNPY(filepath.Join(out, c.name+sfx+"_runs.npy"))
			require.NoError(t, err)
			require.Len(t, shape, 3)
			require.Equal(t, []int{2, 3}, shape[:2], "runs × blocks × dimensions")
			d := shape[2]
			mean, err := output.ReadNPYRows(filepath.Join(out, c.name+sfx+".npy"))
			require.NoError(t, err)
			require.Len(t, mean, 3)
			if c.state == "" {
				var an struct {
					Analyses struct {
						Tasks []struct {
							MeanScale []float64 `json:"mean_final_scale"`
						} `json:"distribution_learner"`
					} `json:"analyses"`
				}
				require.NoError(t, json.Unmarshal(data, &an))
				require.Len(t, an.Analyses.Tasks, 1)
				assert.Equal(t, an.Analyses.Tasks[0].MeanScale, mean[2], "the last block's mean over runs is the summary's mean final scale")
				return
			}
			for r := 0; r < 2; r++ {
				st, err := npz.Read(filepath.Join(out, "type2_run"+strconv.Itoa(r)+".npz"))
				require.NoError(t, err)
				last := all[(r*3+2)*d : (r*3+3)*d]
				want := st[c.state].Data
				if c.model == "clustering" {
					// The attention its next trial uses: the stored one clipped
					// at 1e-6 and normalised (config1's sum-to-one constraint).
					want = normalised(want)
				}
				assert.Equal(t, want, last, "run %d: the last block's record is the final state", r)
			}
			for j := 0; j < d; j++ {
				// The mean of two values: one addition and a halving, exact
				// to the last bit whatever the order.
				assert.Equal(t, (all[(0*3+1)*d+j]+all[(1*3+1)*d+j])/2, mean[1][j], "block 2, dimension %d", j)
			}
		})
	}
}

// normalised returns a clipped at 1e-6 and divided by its sum.
func normalised(a []float64) []float64 {
	out := make([]float64, len(a))
	var s float64
	for j, v := range a {
		out[j] = max(v, 1e-6)
		s += out[j]
	}
	for j := range out {
		out[j] /= s
	}
	return out
}
