package explorer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/cmd/internal/explorer"
	"github.com/fastslow/stream/output"
)

// shared is the Chromium the package's tests share (started by the first
// test that needs it, stopped by TestMain); each test gets its own tab.
var shared struct {
	ctx    context.Context
	cancel func()
	err    error
}

// browser opens a tab of headless Chromium for a test, or skips the test
// where Chromium is absent. What the page logs as an error or a warning,
// and the exceptions it throws, are collected in the returned console.
func browser(t *testing.T) (context.Context, *console) {
	t.Helper()
	if os.Getenv("FASTSLOW_CHROMIUM") == "0" {
		t.Skip("FASTSLOW_CHROMIUM=0: the pages are not tested in a browser")
	}
	if shared.ctx == nil {
		var path string
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
		if path == "" {
			t.Skip("no Chromium on this machine (Debian: apt-get install chromium): the pages are not tested in a browser")
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
			chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true), chromedp.WindowSize(1400, 1000),
		}
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancelB := chromedp.NewContext(actx)
		shared.ctx, shared.cancel = bctx, func() { cancelB(); cancelA() }
		shared.err = chromedp.Do(bctx) // starts the browser
	}
	require.NoError(t, shared.err, "starting Chromium")
	ctx, cancel := chromedp.NewContext(shared.ctx) // a new tab
	cons := &console{}
	msgs := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.Type == chromedp.ConsoleException {
				cons.add(string(m.Type) + ": " + m.Text)
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return ctx, cons
}

// console holds the messages a page wrote that a user must not see.
type console struct {
	mu   sync.Mutex
	msgs []string
}

func (c *console) add(m string) { c.mu.Lock(); c.msgs = append(c.msgs, m); c.mu.Unlock() }

func (c *console) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.msgs...)
}

// do runs steps, each step of a test within 30 s.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(tctx, steps...))
}

// eval returns the value of the JavaScript expression js.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](js))
	require.NoError(t, err, js)
	return v
}

// artifacts returns the folder a test keeps its pages and screenshots in:
// $FASTSLOW_ARTIFACTS/<test name> when that is set (CI keeps them; go test
// -artifacts needs Go 1.26), a temporary folder otherwise.
func artifacts(t *testing.T) string {
	t.Helper()
	root := os.Getenv("FASTSLOW_ARTIFACTS")
	if root == "" {
		return t.TempDir()
	}
	dir := filepath.Join(root, strings.ReplaceAll(t.Name(), "/", "_"))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// page writes the page of dirs into the test's artifact folder and
// returns its file URL.
func page(t *testing.T, name string, dirs ...string) string {
	t.Helper()
	r, err := explorer.LoadAll(dirs)
	require.NoError(t, err)
	path := filepath.Join(artifacts(t), name+".html")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, explorer.Write(f, r))
	require.NoError(t, f.Close())
	return "file://" + path
}

// seriesJS returns, per chart id, the names of the curves a user sees
// (the shaded bands' helper series left out).
const seriesJS = `(() => { const out = {};
  for (const [id, c] of Object.entries(window.explorer.charts)) {
    out[id] = (c.getOption().series || []).filter(s => !String(s.id || '').startsWith('band:')).map(s => s.name || s.type);
  } return out; })()`

// ready is true once the page has drawn its first screen; complete once
// it has drawn every chart (after opening, and after each click).
const (
	ready    = `window.explorer && window.explorer.ready`
	complete = `window.explorer && window.explorer.complete`
)

func open(t *testing.T, ctx context.Context, url string) map[string][]string {
	t.Helper()
	start := time.Now()
	do(t, ctx, chromedp.Navigate(url), chromedp.Poll[chromedp.Void](complete, chromedp.WithPollingTimeout(20*time.Second)))
	t.Logf("%s: drawn %.0f ms after the navigation started (%v with the test's round trips)", filepath.Base(url),
		eval[float64](t, ctx, `window.explorer.drawnAt`), time.Since(start).Round(time.Millisecond))
	return eval[map[string][]string](t, ctx, seriesJS)
}

// waitComplete waits until the page has drawn every chart.
var waitComplete = chromedp.Poll[chromedp.Void](complete, chromedp.WithPollingTimeout(20*time.Second))

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(artifacts(t), name+".png"), png, 0o644))
}

func countPrefix(series map[string][]string, prefix string) int {
	n := 0
	for id := range series {
		if strings.HasPrefix(id, prefix) {
			n++
		}
	}
	return n
}

func TestPagesInBrowser(t *testing.T) {
	fs := makeFolders(t)
	ctx, cons := browser(t)

	t.Run("run", func(t *testing.T) {
		s := open(t, ctx, page(t, "run", fs.run))
		assert.Len(t, s["f0-lc-all"], 6, "the six types in one panel")
		assert.Equal(t, 6, countPrefix(s, "f0-lc-")-1, "a learning-curve panel per type")
		assert.Equal(t, 6, countPrefix(s, "f0-loss-"), "a loss panel per type")
		assert.Equal(t, []string{"model", "humans"}, s["f0-lc-3"], "type IV: model and humans")
		assert.Contains(t, s, "f0-units")
		assert.Equal(t, 6, countPrefix(s, "f0-unitsblocks-"), "recruited units over blocks, a panel per type")
		assert.Contains(t, s, "f0-attention")
		assert.Equal(t, 6, countPrefix(s, "f0-observed-"), "attention over blocks, a panel per type")
		assert.Equal(t, []string{"dim 1", "dim 2", "dim 3"}, s["f0-observed-0"], "a curve per dimension")
		obsBands := eval[int](t, ctx, `window.explorer.charts['f0-observed-0'].getOption().series.filter(s => String(s.id).startsWith('band:')).length`)
		assert.Equal(t, 6, obsBands, "a band over the runs around each dimension's mean")
		bands := eval[int](t, ctx, `window.explorer.charts['f0-lc-0'].getOption().series.filter(s => String(s.id).startsWith('band:')).length`)
		assert.Equal(t, 2, bands, "a band over the runs around the mean")
		screenshot(t, ctx, "run")
	})
	t.Run("dual", func(t *testing.T) {
		s := open(t, ctx, page(t, "dual", fs.dual))
		assert.Equal(t, 6, countPrefix(s, "f0-lc-"), "small multiples: a panel per type, no overlay of all")
		for i := 0; i < 6; i++ {
			assert.Equal(t, []string{"fast", "slow", "total", "humans"}, s[fmt.Sprintf("f0-lc-%d", i)])
			assert.Equal(t, []string{"fast", "slow", "total"}, s[fmt.Sprintf("f0-loss-%d", i)])
			assert.Equal(t, []string{"dim 1", "dim 2", "dim 3"}, s[fmt.Sprintf("f0-observed-%d", i)], "the fast stream's attention over blocks")
		}
		screenshot(t, ctx, "dual")
	})
	t.Run("sweep", func(t *testing.T) {
		s := open(t, ctx, page(t, "sweep", fs.sweep))
		assert.Equal(t, 9, eval[int](t, ctx, rowsJS))
		assert.Equal(t, 3, eval[int](t, ctx, `document.querySelectorAll('#f0-table tbody tr.diverged').length`))
		assert.Len(t, s["f0-overlay-0"], 5, "the best five overlaid by default")
		assert.Equal(t, 2, countPrefix(s, "f0-key-"), "the metric against each of the two grid keys")
		lines := eval[int](t, ctx, `window.explorer.charts['f0-parallel'].getOption().series[0].data.length`)
		assert.Equal(t, 6, lines, "a line per finished config in parallel coordinates")

		// Sorting: a click on "final" sorts ascending, a second descending;
		// diverged configs stay last.
		column := func(col int) []string {
			return eval[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll('#f0-table tbody tr')].map(r => r.children[%d].textContent)`, col))
		}
		for _, dir := range []string{"asc", "desc"} {
			do(t, ctx, chromedp.Click(chromedp.CSS(`#f0-table th[data-col="final"]`)), waitComplete)
			vals := column(4)
			nums := parse(t, vals[:6])
			if dir == "asc" {
				assert.True(t, sort.Float64sAreSorted(nums), "ascending: %v", vals)
			} else {
				assert.True(t, sort.SliceIsSorted(nums, func(a, b int) bool { return nums[a] > nums[b] }), "descending: %v", vals)
			}
			assert.Equal(t, []string{"", "", ""}, vals[6:], "diverged last")
		}
		// Selecting two configs overlays exactly their curves.
		do(t, ctx, chromedp.Click(chromedp.ID("f0-clear")),
			chromedp.Click(chromedp.CSS(`#f0-table tr[data-config="demo_2"]`)),
			chromedp.Click(chromedp.CSS(`#f0-table tr[data-config="demo_7"]`)), waitComplete)
		s = eval[map[string][]string](t, ctx, seriesJS)
		assert.Equal(t, []string{"demo_2", "demo_7"}, s["f0-overlay-0"])
		// Filtering keeps the rows that mention the text.
		do(t, ctx, chromedp.SendKeys(chromedp.ID("f0-filter"), "diverged"), waitComplete)
		assert.Equal(t, 3, eval[int](t, ctx, rowsJS))
		screenshot(t, ctx, "sweep")
	})
	t.Run("fit", func(t *testing.T) {
		s := open(t, ctx, page(t, "fit", fs.fit))
		assert.Equal(t, 6, countPrefix(s, "f0-cond-"), "a panel per condition")
		assert.Equal(t, []string{"data", "model"}, s["f0-cond-0"])
		bands := eval[int](t, ctx, `window.explorer.charts['f0-cond-0'].getOption().series.filter(s => String(s.id).startsWith('band:')).length`)
		assert.Equal(t, 2, bands, "a band over the best parameters' runs")
		assert.Equal(t, 2, countPrefix(s, "f0-param-"), "a path per free parameter")
		assert.Contains(t, s["f0-loss"], "grid")
		// The OAT result, as fit.json has it, beside the humans'.
		var sum struct {
			Best struct {
				OAT struct {
					Pass      bool       `json:"pass"`
					MeanError [6]float64 `json:"mean_error"`
				} `json:"oat"`
			} `json:"best"`
			Noise struct {
				Seeds []int64 `json:"seeds"`
			} `json:"noise"`
		}
		data, err := os.ReadFile(filepath.Join(fs.fit, "fit.json"))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &sum))
		assert.Equal(t, []string{"model", "human"}, s["f0-oat"])
		verdict := map[bool]string{true: "passes", false: "fails"}[sum.Best.OAT.Pass]
		assert.Equal(t, "ordinal adequacy: model "+verdict, eval[string](t, ctx, `window.explorer.charts['f0-oat'].getOption().title[0].text`))
		assert.Equal(t, sum.Best.OAT.MeanError[:], eval[[]float64](t, ctx, `window.explorer.charts['f0-oat'].getOption().series[0].data`))
		// The noise at other seeds (noise_seeds = 2 in testdata/fit.toml;
		// fit.json's seeds are those and the fit's own).
		require.Len(t, sum.Noise.Seeds, 3)
		noise := eval[string](t, ctx, `document.getElementById('f0-noise').textContent`)
		assert.Regexp(t, `^Noise: at 3 seeds \(the fit's and 2 others\) the best parameters give loss \S+ ± \S+ \(min \S+, max \S+\)$`, noise)
		screenshot(t, ctx, "fit")
	})
	t.Run("comparison", func(t *testing.T) {
		s := open(t, ctx, page(t, "comparison", fs.run, fs.fit))
		assert.Equal(t, 6, countPrefix(s, "compare-"), "a panel per SHJ type")
		assert.Equal(t, []string{"clustering", "fit (model)", "fit (data)"}, s["compare-0"])
		assert.Contains(t, s, "f0-lc-all", "each folder's own section follows")
		assert.Contains(t, s, "f1-cond-0")
		screenshot(t, ctx, "comparison")
	})
	assert.Empty(t, cons.all(), "console errors and exceptions")
}

// rowsJS counts the rows of the sweep's table.
const rowsJS = `document.querySelectorAll('#f0-table tbody tr').length`

func parse(t *testing.T, vals []string) []float64 {
	out := make([]float64, len(vals))
	for i, v := range vals {
		_, err := fmt.Sscan(v, &out[i])
		require.NoError(t, err, "%q", v)
	}
	return out
}

// TestLivePage opens the served page of a sweep with 3 of its 9 configs
// finished, finishes the others, and checks that the page shows them
// without a reload.
func TestLivePage(t *testing.T) {
	dir := t.TempDir()
	out := runSweep(t, dir, 1, 3)
	// A running sweep has written every config it runs into configs/ at
	// its start (what the progress counts); the rest finish below.
	for _, c := range demoSweep(t, dir).Configs[3:] {
		require.NoError(t, os.WriteFile(filepath.Join(out, "configs", c.Name+".toml"), c.Data, 0o644))
	}
	ctx, cons := browser(t)
	srv := httptest.NewServer(explorer.Handler([]string{out}))
	defer srv.Close()
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	do(t, ctx, chromedp.Navigate(srv.URL+"/"), waitComplete)
	progress := eval[string](t, ctx, `document.getElementById('f0-progress').textContent`)
	assert.Equal(t, 3, eval[int](t, ctx, rowsJS))
	assert.True(t, strings.HasPrefix(progress, "3/9 configs finished"), progress)
	assert.Contains(t, progress, "time left")
	runSweep(t, dir, 4, 9)
	do(t, ctx, chromedp.Poll[chromedp.Void](rowsJS+` === 9`, chromedp.WithPollingTimeout(15*time.Second)))
	progress = eval[string](t, ctx, `document.getElementById('f0-progress').textContent`)
	assert.True(t, strings.HasPrefix(progress, "9/9 configs finished (6 done, 3 diverged)"), progress)
	assert.Greater(t, eval[int](t, ctx, `window.explorer.renders`), 1, "redrawn in place")

	// A config selected on the served page is drawn at full precision,
	// fetched from the server, where the page's own curves are quantised.
	do(t, ctx, chromedp.Click(chromedp.ID("f0-clear")), waitComplete,
		chromedp.Click(chromedp.CSS(`#f0-table tr[data-config="demo_2"]`)),
		chromedp.Poll[chromedp.Void](`window.explorer.full.f0 && window.explorer.full.f0.demo_2 && window.explorer.complete`, chromedp.WithPollingTimeout(15*time.Second)))
	total, err := output.ReadNPYRows(filepath.Join(out, "demo_2", "lc_total.npy"))
	require.NoError(t, err)
	drawn := eval[[]float64](t, ctx, `window.explorer.charts['f0-overlay-0'].getOption().series.filter(s => s.name === 'demo_2')[0].data.map(p => p[1])`)
	assert.Equal(t, total[0], drawn, "every bit of the config's total")
	screenshot(t, ctx, "live")
	assert.Empty(t, cons.all(), "console errors and exceptions")
}
