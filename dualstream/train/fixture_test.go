package train_test

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/run"
)

// The fixtures are the original's FastSlow run in float64 from given
// initial states and trial orders (reference fixtures README §5–7): every
// probability of error and loss must agree within 1e-9 — a float64 port
// differs from them only by round-off, ~1e-15 per operation, which these
// runs amplify to at most ~1e-10 — and every recruitment and active-unit
// count exactly. The exceptions are measured, not chosen:
//
//   - run 0 of fastslow_dlmu_dnn amplifies a 1e-12 perturbation to 1.7e-6
//     (huge logits, probabilities of 1e-47; fixtures README), so it is held
//     to 1e-5;
//   - run 1 of fastslow_dlmu_dnn: the original itself (Debian's torch
//     1.13.1, one thread, float64, the fixture's init and orders) re-run on
//     this machine kind reproduces the fixture only to 2.64e-9, so no port
//     can be held closer than that to it; it is held to 3e-9, and the
//     original's re-run (testdata/fastslow_dlmu_dnn_trace_rerun.csv.gz:
//     the six values of that re-run, recruitments and counts as the
//     fixture's) is the tight reference: both runs within 1e-12 of it (we
//     compute every intermediate as torch does; measured max 2.2e-16).
type fixture struct {
	name     string
	config   string // a config of configs/dualstream
	task     string
	runs     int
	blocks   int
	init     string // -init pattern under testdata
	order    string
	trace    string // gzipped trace under testdata
	tolerant map[int]float64
	// rerun, if set, is the original re-run here, compared within 1e-12.
	rerun string
	// digest is the SHA-256 of our trace, every value printed exactly:
	// the vector kernels and the pure-Go code (.ci/run tests both, the
	// latter with -tags purego) must both give it, bit for bit, on amd64.
	digest string
}

var fixtures = []fixture{
	{name: "fastslow_dlmu_dnn", config: "../../configs/dualstream/config_dlMU_dnn_1.toml", task: "new-stimuli",
		runs: 2, blocks: 20, init: "testdata/fastslow_dlmu_dnn_run{r}_init.npz", order: "testdata/fastslow_dlmu_dnn_order.csv",
		trace: "testdata/fastslow_dlmu_dnn_trace.csv.gz", tolerant: map[int]float64{0: 1e-5, 1: 3e-9},
		rerun: "testdata/fastslow_dlmu_dnn_trace_rerun.csv.gz", digest: "c69bd29c1cc61a08281eb7b4df0dee7f97074c0083cf8f0668e5d386dffcbc30"},
	{name: "fastslow_clu_dnn", config: "../../configs/dualstream/config_n1.toml", task: "new-stimuli",
		runs: 2, blocks: 10, init: "testdata/fastslow_clu_dnn_run{r}_init.npz", order: "testdata/fastslow_clu_dnn_order.csv",
		trace: "testdata/fastslow_clu_dnn_trace.csv.gz", digest: "73e6d3037f0f3b6c070eb1515cb1f1431d320a7e9c7146156b6acfcc8c9894da"},
	// Both runs of the original start from the same state (the multi-unit
	// constructor re-seeds torch before the network is built), so one
	// init file serves both.
	{name: "fastslow_muc_dnn_type1", config: "../../configs/dualstream/config1_multi.toml", task: "shj1",
		runs: 2, blocks: 32, init: "testdata/fastslow_muc_dnn_type1_init.npz", order: "testdata/fastslow_muc_dnn_type1_order.csv",
		trace: "testdata/fastslow_muc_dnn_type1_trace.csv.gz", digest: "384796d20b3b40469babf43dc075a602c6580d92194269b65a9c052de41face9"},
}

func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			p, err := cli.Prepare(models.Dual(), cli.Options{Config: fx.config, Task: fx.task, Runs: fx.runs, Blocks: fx.blocks,
				Init: fx.init, Order: fx.order, Trace: true})
			require.NoError(t, err)
			res := run.Do(context.Background(), p.Jobs, run.Options{})
			require.NoError(t, res[0].Err)
			var got strings.Builder
			got.WriteString(run.TraceHeader(res[0].Runs[0].Model, 2) + "\n")
			for _, rr := range res[0].Runs {
				got.Write(rr.Trace)
			}
			want := readGz(t, fx.trace)
			compareTraces(t, want, got.String(), 1e-9, fx.tolerant)
			if fx.rerun != "" {
				compareTraces(t, readGz(t, fx.rerun), got.String(), 1e-12, nil)
			}
			if runtime.GOARCH == "amd64" { // elsewhere the compiler may fuse a product and a sum
				require.Equal(t, fx.digest, fmt.Sprintf("%x", sha256.Sum256([]byte(got.String()))), "digest of the trace")
			}
		})
	}
}

func readGz(t *testing.T, path string) string {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	z, err := gzip.NewReader(f)
	require.NoError(t, err)
	b, err := io.ReadAll(z)
	require.NoError(t, err)
	return string(b)
}

// compareTraces checks every row: integer columns exactly, float columns
// within tolerance (or the run's entry in tolerant).
func compareTraces(t *testing.T, want, got string, tolerance float64, tolerant map[int]float64) {
	t.Helper()
	w, err := csv.NewReader(strings.NewReader(want)).ReadAll()
	require.NoError(t, err)
	g, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, w[0], g[0], "header")
	require.Len(t, g, len(w))
	exact := map[string]bool{"run": true, "block": true, "trial": true, "signature": true, "label": true, "recruited": true, "n_active": true}
	maxDiff := map[string]float64{}
	for i := 1; i < len(w); i++ {
		r, _ := strconv.Atoi(w[i][0])
		tol := tolerance
		if v, ok := tolerant[r]; ok {
			tol = v
		}
		for j, col := range w[0] {
			if exact[col] {
				if w[i][j] != g[i][j] {
					t.Fatalf("row %d (%v): %s = %s, want %s", i, w[i][:5], col, g[i][j], w[i][j])
				}
				continue
			}
			a, _ := strconv.ParseFloat(w[i][j], 64)
			b, _ := strconv.ParseFloat(g[i][j], 64)
			d := math.Abs(a - b)
			key := col + " run " + w[i][0]
			maxDiff[key] = math.Max(maxDiff[key], d)
			if d > tol {
				t.Errorf("row %d (run %s block %s trial %s): %s = %v, want %v (diff %.3g > %g)", i, w[i][0], w[i][1], w[i][2], col, b, a, d, tol)
			}
		}
	}
	t.Logf("max differences: %v", maxDiff)
}
