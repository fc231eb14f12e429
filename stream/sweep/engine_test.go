package sweep

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/internal/toymodel"
	"github.com/fastslow/stream/provenance"
)

// toySweep returns a sweep of n configs s_1 … s_n of the toy model, the
// learning rate varied, built in Go as a caller of the package would.
func toySweep(n int) *Sweep {
	sw := &Sweep{Name: "s", Model: toymodel.Model(), Source: "toySweep", Keys: []string{"lr"}}
	for i := 1; i <= n; i++ {
		c := toymodel.Default()
		c.LR = 0.1 * float64(i)
		c.ConfigVersion = "s_" + strconv.Itoa(i)
		sw.Configs = append(sw.Configs, Config{Number: i, Name: c.ConfigVersion, Value: c, Grid: []Value{{Key: "lr", Value: c.LR}}})
	}
	return sw
}

func TestMixedRevisions(t *testing.T) {
	const a, b = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	for _, c := range []struct {
		name      string
		cur       string
		made      map[string][]string
		warn, err string
	}{
		{"none finished", a, nil, "", ""},
		{"same revision", a, map[string][]string{a: {"s_1"}}, "", ""},
		{"another clean revision", b, map[string][]string{a: {"s_1", "s_2"}}, "", "2 finished configs (s_1…) were made by revision " + a + " and this binary is revision " + b + ": finishing the sweep would mix"},
		{"this one dirty", b + "+dirty", map[string][]string{a: {"s_1"}}, "they are kept as they are", ""},
		{"this one unverified", b + provenance.Unverified, map[string][]string{a: {"s_1"}}, "they are kept as they are", ""},
		{"theirs unverified", b, map[string][]string{a + provenance.Unverified: {"s_1"}}, "made by revision " + a + provenance.Unverified, ""},
		{"theirs unknown", a, map[string][]string{provenance.Unknown: {"s_1"}}, "made by revision unknown", ""},
		{"this one unknown", provenance.Unknown, map[string][]string{a: {"s_1"}}, "this binary is revision unknown", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			warn, err := mixedRevisions(c.cur, c.made, "out")
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				assert.Contains(t, err.Error(), "nothing was run")
				return
			}
			require.NoError(t, err)
			if c.warn == "" {
				assert.Empty(t, warn)
			} else {
				assert.Contains(t, warn, c.warn)
			}
		})
	}
}

// TestClaims: a config another sweep is running into the same folder is
// left to it and counted; once released, the next run does it.
func TestClaims(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	sw := toySweep(4)
	// The first sweep marks the folder as a sweep's, then claims.
	if err := MarkRoot(out, provenance.New("sweep")); err != nil {
		t.Fatal(err)
	}
	held, _, err := claimConfig(out, "s_1")
	if err != nil || held == nil {
		t.Fatalf("claim: %v", err)
	}
	var log bytes.Buffer
	sum, err := Run(context.Background(), sw, RunOptions{Out: out, Workers: 2, Log: &log})
	require.NoError(t, err)
	if len(sum.Claimed) != 1 || sum.Claimed[0] != "s_1" || sum.Done != 3 || !sum.Unfinished() {
		t.Errorf("summary %+v; want s_1 left to the holder", sum)
	}
	if !strings.Contains(log.String(), "s_1: left to another sweep (process ") {
		t.Errorf("log:\n%s", log.String())
	}
	if _, err := os.Stat(filepath.Join(out, "s_1")); err == nil {
		t.Error("s_1 was written while claimed")
	}
	held.release()
	sum, err = Run(context.Background(), sw, RunOptions{Out: out, Workers: 2})
	require.NoError(t, err)
	if sum.Done != 1 || sum.Skipped != 3 || sum.Unfinished() {
		t.Errorf("after the release: %+v", sum)
	}
	if locks, _ := filepath.Glob(filepath.Join(out, ".*.lock")); len(locks) != 0 {
		t.Errorf("claims left behind: %v", locks)
	}
}

// TestBadNames: a config whose name cannot name its folder, or names
// another config's, is refused before anything runs.
func TestBadNames(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"../up", `config name "../up"`},
		{"configs", `config name "configs"`},
		{"s_1", `two configs are called "s_1"`},
	} {
		sw := toySweep(2)
		sw.Configs[1].Name = c.name
		out := filepath.Join(t.TempDir(), "out")
		_, err := Run(context.Background(), sw, RunOptions{Out: out})
		assert.ErrorContains(t, err, c.want)
		_, statErr := os.Stat(out)
		assert.True(t, os.IsNotExist(statErr), "nothing is written")
	}
}

// TestReadTarget: a target curve is block,value rows or values alone,
// after an optional header; blank lines are skipped and errors name the
// line the row is on.
func TestReadTarget(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name, text string
		want       []float64
		err        string
	}{
		{"blocks and a header", "block,value\n0,0.5\n2,0.25\n", []float64{0.5, nan, 0.25}, ""},
		{"values alone", "0.5\n0.4\n", []float64{0.5, 0.4}, ""},
		{"blank lines", "\nblock,value\n\n0,0.5\n\n1,0.4\n", []float64{0.5, 0.4}, ""},
		{"a bad value past blank lines", "block,value\n\n0,0.5\n\n1,x\n", nil, "t.csv: line 5: strconv.ParseFloat"},
		{"a bad block", "0.5\n-1,0.4\n", nil, "t.csv: line 2: block \"-1\": want an integer from 0"},
		{"three columns", "0,1,2\n", nil, "t.csv: line 1: want block,value or value"},
		{"a header alone", "block,value\n", nil, "t.csv: no values"},
		{"empty", "", nil, "t.csv: empty file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.csv")
			require.NoError(t, os.WriteFile(path, []byte(c.text), 0o644))
			got, err := readTarget(path)
			if c.err != "" {
				require.ErrorContains(t, err, c.err)
				require.ErrorContains(t, err, path)
				return
			}
			require.NoError(t, err)
			require.Len(t, got, len(c.want))
			for i := range got {
				assert.Equal(t, math.Float64bits(c.want[i]), math.Float64bits(got[i]), "block %d", i)
			}
		})
	}
}
