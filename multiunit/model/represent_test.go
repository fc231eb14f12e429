package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/schedule"
	"github.com/fastslow/stream/task"
)

// TestRepresentatives: after every trial of a run of config1 on each SHJ
// type, and after loading that run's final state with one unit moved off
// its group's position (the groups then out of date), the
// representatives' positions are exactly the active units' distinct
// positions (bit for bit); and a run that asks for them after every
// trial predicts the same bits as one that never does.
func TestRepresentatives(t *testing.T) {
	tab, err := schedule.ReadTable("../testdata/muc_shj_order_50runs.csv")
	require.NoError(t, err)
	p := config1
	key := func(m *Model, k int32) [3]uint64 {
		var u [3]uint64
		for j, v := range m.pos[int(k)*p.Dims : int(k+1)*p.Dims] {
			u[j] = math.Float64bits(v)
		}
		return u
	}
	check := func(m *Model, what string) {
		want := map[[3]uint64]bool{}
		for _, k := range m.ActiveUnits() {
			want[key(m, k)] = true
		}
		got := map[[3]uint64]bool{}
		for _, k := range m.Representatives() {
			require.True(t, m.isActive[k], "%s: representative %d is not active", what, k)
			got[key(m, k)] = true
		}
		require.Equal(t, want, got, what)
	}
	for typ := 1; typ <= 6; typ++ {
		tk, err := task.SHJ(typ)
		require.NoError(t, err)
		run := func(ask bool) ([]row, *Model) {
			m, err := New(p, rand.NewPCG(uint64(typ), 3))
			require.NoError(t, err)
			var rows []row
			runWith(func() *Model { return m }, tk, tab, 1, 32, func(m *Model, r row) {
				rows = append(rows, r)
				if ask {
					check(m, fmt.Sprintf("type %d trial %d", typ, len(rows)-1))
				}
			})
			return rows, m
		}
		plain, m := run(false)
		asked, _ := run(true)
		require.Equal(t, len(plain), len(asked))
		for i := range plain {
			require.Equal(t, math.Float64bits(plain[i].p0), math.Float64bits(asked[i].p0), "type %d trial %d", typ, i)
			require.Equal(t, math.Float64bits(plain[i].loss), math.Float64bits(asked[i].loss), "type %d trial %d", typ, i)
			require.Equal(t, plain[i].nActive, asked[i].nActive, "type %d trial %d", typ, i)
		}
		st := stream.StateMap(m.State())
		k := int(m.ActiveUnits()[0])
		pos := st[NamePositions].Data
		pos[k*p.Dims] = math.Nextafter(pos[k*p.Dims], 2)
		require.NoError(t, m.SetState(st))
		require.True(t, m.regrow)
		check(m, fmt.Sprintf("type %d after SetState", typ))
	}
}
