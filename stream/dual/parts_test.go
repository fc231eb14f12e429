package dual

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream"
)

// failing is a fixed stream that is a stream.Failer and a
// stream.Finisher.
type failing struct {
	fixed
	err      error
	finished bool
}

func (f *failing) Err() error { return f.err }
func (f *failing) Finish()    { f.finished = true }

func TestParts(t *testing.T) {
	for _, c := range []struct {
		name       string
		fast, slow stream.Stream
		want       string
	}{
		{"no failer", &fixed{}, &fixed{}, ""},
		{"learning", &failing{}, &fixed{}, ""},
		{"fast fails", &failing{err: errors.New("attention collapsed")}, &fixed{}, "fast stream: attention collapsed"},
		{"slow fails", &fixed{}, &failing{err: errors.New("no")}, "slow stream: no"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := New(c.fast, c.slow)
			if c.want == "" {
				assert.NoError(t, d.Err())
			} else {
				assert.EqualError(t, d.Err(), c.want)
			}
			d.Finish()
			if f, ok := c.fast.(*failing); ok {
				assert.True(t, f.finished, "the fast part finished")
			}
		})
	}
	fast := &fixed{state: []stream.Array{stream.NewArray("w", []float64{1}, 1)}}
	slow := &fixed{state: []stream.Array{stream.NewArray("b", []float64{2}, 1)}}
	d := New(fast, slow)
	require.Equal(t, d.State(), d.View(), "the view names the arrays as State does")
}
