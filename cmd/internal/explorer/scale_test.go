package explorer_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/cmd/internal/explorer"
	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/sweep"
)

// bigSweep writes a synthetic sweep as large as the original's largest:
// 214 configs of a dual stream on the six SHJ types (18 curves of 350
// blocks each), 9 of them diverged, over three grid keys.
func bigSweep(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "big")
	rng := rand.New(rand.NewPCG(1, 2))
	const configs, blocks = 214, 350
	for n := 1; n <= configs; n++ {
		name := fmt.Sprintf("big_%d", n)
		sub := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(sub, 0o755))
		grid := []sweep.Value{{Key: "fast_config.lr_nn", Value: []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5}[n%6]},
			{Key: "slow_config.lr_dnn", Value: []float64{0.01, 0.1, 1}[n%3]}, {Key: "fast_config.c", Value: float64(n%12) / 4}}
		mk := sweep.Marker{Config: name, Number: n, Model: "dualstream", Checksum: "synthetic", Status: sweep.Done, Grid: grid}
		if n%22 == 0 {
			mk.Status = sweep.Diverged
			mk.Diverged = &sweep.Divergence{Task: "shj3", Run: 1, Block: 7, Trial: 3, What: "logit is NaN"}
		} else {
			var cols []output.Column
			for _, part := range []string{"fast", "slow", "total"} {
				for typ := 1; typ <= 6; typ++ {
					y := make([]float64, blocks)
					rate := 0.02 + 0.3*rng.Float64()/float64(typ)
					for b := range y {
						y[b] = 0.5*math.Exp(-rate*float64(b)) + 0.01*rng.Float64()
					}
					cols = append(cols, output.Column{Name: fmt.Sprintf("%s_type%d", part, typ), Values: y})
				}
			}
			require.NoError(t, output.WriteBlocks(filepath.Join(sub, "lc.csv"), cols))
			require.NoError(t, output.WriteJSON(filepath.Join(sub, "summary.json"), map[string]any{"tasks": []map[string]any{{"task": "shj1", "items": 8}}}))
		}
		data, err := json.Marshal(mk)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(sub, sweep.MarkerName), data, 0o644))
	}
	return dir
}

// TestBigSweepPage checks the page of a 214-config × 350-block sweep: under
// 5 MB, and drawn in a browser in under 2 s. It holds each config's six
// ranked curves (the totals) quantised to 16 bits, not the 18 curves in
// full.
func TestBigSweepPage(t *testing.T) {
	dir := bigSweep(t)
	start := time.Now()
	r, err := explorer.LoadAll([]string{dir})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, explorer.Write(&b, r))
	t.Logf("214 configs read and written in %v: %.2f MB", time.Since(start).Round(time.Millisecond), float64(b.Len())/1e6)
	assert.Less(t, b.Len(), 5<<20, "the page stays under 5 MB")
	s := r.Folders[0].Sweep
	assert.Len(t, s.Configs, 214)
	assert.Equal(t, 9, s.Diverged)
	assert.Len(t, s.Curves, 6)

	ctx, cons := browser(t)
	path := filepath.Join(artifacts(t), "big.html")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	// The machine's other work slows a browser down in bursts: the best of
	// five openings is the page's own time. On a machine busier than its
	// cores (the whole workspace's tests at once, say) the time is logged,
	// not asserted: it would measure the neighbours.
	best := math.Inf(1)
	for range 5 {
		do(t, ctx, chromedp.Navigate("file://"+path), chromedp.Poll[chromedp.Void](ready, chromedp.WithPollingTimeout(30*time.Second)))
		ms := eval[float64](t, ctx, `window.explorer.drawnAt`)
		do(t, ctx, waitComplete)
		t.Logf("first screen drawn %.0f ms after the navigation started (the charting library and data parsed by %.0f ms), every chart by %.0f ms",
			ms, eval[float64](t, ctx, `window.explorer.startedAt`), eval[float64](t, ctx, `window.explorer.completeAt`))
		best = min(best, ms)
	}
	if load, ok := loadAverage(); ok && load > float64(runtime.NumCPU()) {
		t.Logf("best %.0f ms; not asserted: load average %.1f on %d cores", best, load, runtime.NumCPU())
	} else {
		assert.Less(t, best, 2000.0, "the page opens in under 2 s")
	}
	assert.Equal(t, 214, eval[int](t, ctx, rowsJS))
	assert.Empty(t, cons.all())
}

// loadAverage returns the one-minute load average where the system says
// it (/proc/loadavg).
func loadAverage() (float64, bool) {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, false
	}
	var l float64
	_, err = fmt.Sscan(string(data), &l)
	return l, err == nil
}
