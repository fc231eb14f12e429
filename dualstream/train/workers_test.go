package train_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/run"
)

// TestWorkersBitIdentical runs three dual streams with 1, 2 and 8 workers:
// curves, traces and final states must be the same to the bit.
func TestWorkersBitIdentical(t *testing.T) {
	for _, cfg := range []string{"config_dlMU_dnn_1", "config_n1", "config1_multi"} {
		var ref []run.Result
		for _, w := range []int{1, 2, 8} {
			p, err := cli.Prepare(models.Dual(), cli.Options{Config: "../../configs/dualstream/" + cfg + ".toml", Runs: 4, Blocks: 3, Trace: true})
			require.NoError(t, err)
			res := run.Do(context.Background(), p.Jobs, run.Options{Workers: w})
			for i := range res {
				require.NoError(t, res[i].Err)
			}
			if ref == nil {
				ref = res
				continue
			}
			for i := range res {
				assert.Equal(t, ref[i].PError, res[i].PError, "%s workers %d", cfg, w)
				assert.Equal(t, ref[i].Loss, res[i].Loss, "%s workers %d", cfg, w)
				for r := range res[i].Runs {
					assert.Equal(t, ref[i].Runs[r].Trace, res[i].Runs[r].Trace, "%s workers %d run %d", cfg, w, r)
					assert.Equal(t, ref[i].Runs[r].Model.State(), res[i].Runs[r].Model.State(), "%s workers %d run %d", cfg, w, r)
				}
			}
		}
	}
}
