package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/task"
)

// TestScanBitIdentical runs config1 (r = 1) and a Euclidean variant
// (r = 2) with and without the recruitment scan (internal/scan: vector
// lanes, or pure Go under the purego tag) on the original's initial
// positions and orders, on positions drawn anew, and on positions on a
// grid of eighths (exact ties between units in different cells, which
// nearest takes in another order than the index and so must leave to
// heapSelect): every trial's probabilities and the final states must be
// the same bits.
func TestScanBitIdentical(t *testing.T) {
	tab, err := schedule.ReadTable("../testdata/muc_shj_order_50runs.csv")
	require.NoError(t, err)
	euclid := config1
	euclid.R, euclid.C = 2, 1
	for _, tc := range []struct {
		name string
		p    Params
		typ  int
		init bool
		grid bool
	}{
		{"config1 type2", config1, 2, true, false},
		{"config1 type6", config1, 6, true, false},
		{"config1 type4 drawn", config1, 4, false, false},
		{"euclid type3 drawn", euclid, 3, false, false},
		{"config1 type5 grid", config1, 5, false, true},
		{"euclid type6 grid", euclid, 6, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk, err := task.SHJ(tc.typ)
			require.NoError(t, err)
			newModel := func(scan bool) func() *Model {
				return func() *Model {
					var m *Model
					if tc.init {
						m = newFromInit(t, tc.p)
					} else {
						m, err = New(tc.p, rand.NewPCG(3, 9))
						require.NoError(t, err)
					}
					require.NotNil(t, m.cols)
					if tc.grid {
						for i, v := range m.pos {
							m.pos[i] = math.Floor(v*8) / 8
						}
						m.syncColumns()
					}
					if !scan {
						m.cols = nil
					}
					return m
				}
			}
			var with, without []row
			var last [2]*Model
			unsure := 0
			runWith(newModel(true), tk, tab, 1, 16, func(m *Model, r row) {
				with, last[0] = append(with, r), m
				unsure = m.unsure
				if r.trial == 7 && r.block%3 == 1 {
					m.Finish() // drops the columns; the next trial rebuilds them
				}
			})
			runWith(newModel(false), tk, tab, 1, 16, func(m *Model, r row) { without, last[1] = append(without, r), m })
			states := [2][]stream.Array{last[0].State(), last[1].State()}
			recruits := 0
			for i, r := range with {
				w := without[i]
				require.Equal(t, w.recruited, r.recruited, "trial %d", i)
				require.Equal(t, w.nActive, r.nActive, "trial %d", i)
				require.Equal(t, math.Float64bits(w.p0), math.Float64bits(r.p0), "trial %d", i)
				require.Equal(t, math.Float64bits(w.loss), math.Float64bits(r.loss), "trial %d", i)
				recruits += r.recruited
			}
			require.Greater(t, recruits, 2, "too few recruitments to test the scan")
			if tc.grid {
				require.Positive(t, unsure, "no recruitment left to heapSelect")
			} else {
				require.Zero(t, unsure, "recruitments left to heapSelect")
			}
			for i, a := range states[0] {
				b := states[1][i]
				for j, v := range a.Data {
					require.Equal(t, math.Float64bits(b.Data[j]), math.Float64bits(v), "%s[%d]", a.Name, j)
				}
			}
		})
	}
}

// TestReleaseReuse trains a model on arrays another model released after
// its own run (recruited units, learned weights, viewed masks, the buffers
// grown with its groups, larger than the new run needs), or after SetState
// loaded a state with weights and a winner off its active units, and one
// on fresh memory, from the same generator: every trial and the final
// states must be the same bits. sync.Pool may drop what was released (it
// does so at random under the race detector): the test retries until New
// reuses.
func TestReleaseReuse(t *testing.T) {
	for _, loaded := range []bool{false, true} {
		t.Run(map[bool]string{false: "trained", true: "loaded"}[loaded], func(t *testing.T) { testReleaseReuse(t, loaded) })
	}
}

func testReleaseReuse(t *testing.T, loaded bool) {
	tab, err := schedule.ReadTable("../testdata/muc_shj_order_50runs.csv")
	require.NoError(t, err)
	tk, err := task.SHJ(6)
	require.NoError(t, err)
	p := config1
	p.Units = 2000
	train := func(m *Model, blocks int) ([]row, []stream.Array) {
		var rows []row
		runWith(func() *Model { return m }, tk, tab, 1, blocks, func(_ *Model, r row) { rows = append(rows, r) })
		m.Finish()
		return rows, m.State()
	}
	drawn := func(seed uint64) *Model {
		m, err := New(p, rand.NewPCG(seed, 9))
		require.NoError(t, err)
		return m
	}
	freshRows, freshState := train(drawn(3), 12)
	reused := false
	for try := 0; try < 20 && !reused; try++ {
		old := drawn(4)
		_, st := train(old, 16)
		require.NotZero(t, old.Active())
		if loaded {
			byName := make(map[string]stream.Array)
			for _, a := range st {
				byName[a.Name] = a
			}
			act, win, w := byName[NameActive].Data, byName[NameWinners].Data, byName[NameAssoc].Data
			for i := range act {
				if act[i] == 0 {
					w[2*i], w[2*i+1] = 0.25, -0.5 // weights off the active units
					win[i] = 1                    // and a winner
					break
				}
			}
			require.NoError(t, old.SetState(byName))
		}
		pos := &old.pos[0]
		old.Release()
		m := drawn(3)
		if reused = &m.pos[0] == pos; !reused {
			continue
		}
		rows, state := train(m, 12)
		require.Equal(t, len(freshRows), len(rows))
		for i, r := range rows {
			f := freshRows[i]
			require.Equal(t, f.recruited, r.recruited, "trial %d", i)
			require.Equal(t, f.nActive, r.nActive, "trial %d", i)
			require.Equal(t, math.Float64bits(f.p0), math.Float64bits(r.p0), "trial %d", i)
			require.Equal(t, math.Float64bits(f.loss), math.Float64bits(r.loss), "trial %d", i)
		}
		for i, a := range state {
			require.Equal(t, freshState[i].Name, a.Name)
			for j, v := range a.Data {
				require.Equal(t, math.Float64bits(freshState[i].Data[j]), math.Float64bits(v), "%s[%d]", a.Name, j)
			}
		}
	}
	require.True(t, reused, "New never reused a released model's arrays")
}
