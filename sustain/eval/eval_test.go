package eval

import (
	"bytes"
	"testing"

	"github.com/fastslow/stream/human"
	"github.com/fastslow/stream/run"
	"github.com/fastslow/stream/task"
	"github.com/stretchr/testify/require"
)

// results returns fake finished jobs: the SHJ types listed, with items
// per block, each curve the human curve shifted by off.
func results(types []int, items int, off float64) []run.Result {
	var res []run.Result
	for _, typ := range types {
		shj, _ := task.SHJ(typ)
		tk := task.Repeat(shj, items/8)
		y := append([]float64(nil), human.Nosofsky1994(typ)...)
		for b := range y {
			y[b] += off
		}
		res = append(res, run.Result{Job: &run.Job{Task: tk}, Parts: []string{"total"}, PError: [][]float64{y}})
	}
	return res
}

func TestSSE(t *testing.T) {
	all := []int{1, 2, 3, 4, 5, 6}
	cases := []struct {
		name string
		res  []run.Result
		ok   bool
		want float64
	}{
		{"the human curves", results(all, 16, 0), true, 0},
		{"off by 0.01", results(all, 16, 0.01), true, 96 * 1e-4},
		{"8-trial blocks do not compare", results(all, 8, 0), false, 0},
		{"five types", results(all[:5], 16, 0), false, 0},
		{"a non-SHJ task", []run.Result{{Job: &run.Job{Task: task.NewStimuli()}, PError: [][]float64{{0.5}}}}, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, ok := SSE(c.res)
			require.Equal(t, c.ok, ok)
			if ok {
				require.InDelta(t, c.want, f.SSE, 1e-15)
				require.Equal(t, 16, f.Blocks)
			}
		})
	}
}

func TestReport(t *testing.T) {
	var buf bytes.Buffer
	Report(&buf, results([]int{1, 2, 3, 4, 5, 6}, 16, 0.01))
	require.Equal(t, "SSE against Nosofsky et al. (1994), 6 types × 16 blocks: 0.009600 (catlearn's nosof94sustain: 0.062693)\n", buf.String())
	buf.Reset()
	Report(&buf, results([]int{1}, 16, 0))
	require.Empty(t, buf.String())
}
