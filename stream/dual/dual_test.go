package dual

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
)

// fixed is a stream with fixed logits that records what Learn hands it.
type fixed struct {
	z, got []float64
	state  []stream.Array
	loaded map[string]stream.Array
	rec    bool
	active int
}

func (f *fixed) Forward(*stream.Trial) []float64     { return f.z }
func (f *fixed) Learn(_ *stream.Trial, dz []float64) { f.got = append([]float64(nil), dz...) }
func (f *fixed) Recruited() bool                     { return f.rec }
func (f *fixed) Active() int                         { return f.active }
func (f *fixed) State() []stream.Array               { return f.state }
func (f *fixed) SetState(st map[string]stream.Array) error {
	f.loaded = st
	return nil
}

func TestDual(t *testing.T) {
	fast := &fixed{z: []float64{1, -2}, rec: true, active: 3,
		state: []stream.Array{stream.NewArray("Distance.weight", []float64{0.5}, 1)}}
	slow := &fixed{z: []float64{0.25, 4}, state: []stream.Array{stream.NewArray("layers.0.bias", []float64{2}, 1)}}
	d := New(fast, slow)
	var _ stream.Composite = d
	tr := &stream.Trial{}
	require.Equal(t, []float64{1.25, 2}, d.Forward(tr), "the logits add up")
	require.Equal(t, []string{"fast", "slow"}, d.PartNames())
	require.Equal(t, [][]float64{{1, -2}, {0.25, 4}}, d.PartLogits())
	d.Learn(tr, []float64{0.1, -0.1})
	require.Equal(t, []float64{0.1, -0.1}, fast.got, "both learn from the total's gradient")
	require.Equal(t, []float64{0.1, -0.1}, slow.got)
	require.True(t, d.Recruited())
	require.Equal(t, 3, d.Active())

	st := d.State()
	require.Equal(t, []string{"FastModel.Distance.weight", "SlowModel.layers.0.bias"}, []string{st[0].Name, st[1].Name})
	require.NoError(t, d.SetState(stream.StateMap(st)))
	require.Contains(t, fast.loaded, "Distance.weight")
	require.Contains(t, slow.loaded, "layers.0.bias")
	err := d.SetState(map[string]stream.Array{"Distance.weight": st[0]})
	require.ErrorContains(t, err, `belong to neither "FastModel." nor "SlowModel."`)
}
