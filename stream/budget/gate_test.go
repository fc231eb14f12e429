package budget

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// enterAsync starts unit k's entry and returns a channel that yields
// its error once it is inside (or gave up).
func enterAsync(ctx context.Context, g *Gate, k int) <-chan error {
	done := make(chan error, 1)
	go func() { done <- g.Enter(ctx, k) }()
	return done
}

// TestGate: units enter in order and only when their memory fits
// beside the units inside; a small unit does not overtake a large one
// before it; leaving lets the waiting ones in.
func TestGate(t *testing.T) {
	ctx := context.Background()
	g := NewGate(10, []Bytes{6, 6, 3})
	waiting := make(chan int, 3)
	g.onWait = func(k int) { waiting <- k }
	require.NoError(t, g.Enter(ctx, 0))
	require.NoError(t, g.Enter(ctx, 0), "a second run of a unit inside passes")

	small := enterAsync(ctx, g, 2) // fits beside unit 0, but unit 1 comes first
	assert.Equal(t, 2, <-waiting)
	large := enterAsync(ctx, g, 1) // does not fit beside unit 0
	assert.Equal(t, 1, <-waiting)
	g.mu.Lock()
	assert.Equal(t, []gateState{inside, outside, outside}, g.state)
	assert.Equal(t, Bytes(6), g.held)
	g.mu.Unlock()

	g.Leave(0)
	require.NoError(t, <-large)
	require.NoError(t, <-small)
	g.Leave(1)
	g.Leave(2)
	assert.Equal(t, 2, g.Peak(), "units 1 and 2 fit together")
	assert.Equal(t, 2, g.waits)
	assert.Zero(t, g.held)
}

// TestGateSkipsAndCancels: a unit that leaves without entering
// (its jobs failed their checks) holds up nobody, and a cancelled context
// ends a wait with its error.
func TestGateSkipsAndCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g := NewGate(10, []Bytes{5, 8, 8})
	waiting := make(chan int, 3)
	g.onWait = func(k int) { waiting <- k }
	g.Leave(0)
	require.NoError(t, g.Enter(ctx, 1))
	assert.Empty(t, waiting, "unit 1 entered without waiting")
	blocked := enterAsync(ctx, g, 2)
	assert.Equal(t, 2, <-waiting)
	cancel()
	assert.ErrorIs(t, <-blocked, context.Canceled)
}

func TestFewest(t *testing.T) {
	for _, c := range []struct {
		name    string
		limit   Bytes
		need    []Bytes
		n       int
		largest Bytes
	}{
		{"all fit", 100, []Bytes{10, 20, 30}, 3, 30},
		{"one at a time", 10, []Bytes{6, 6, 6}, 1, 6},
		{"two at a time", 13, []Bytes{6, 6, 6, 6}, 2, 6},
		{"a large one in the middle", 10, []Bytes{2, 2, 9, 2, 2}, 1, 9},
		{"the end does not count", 10, []Bytes{6, 2, 2}, 3, 6},
		{"the limit stops the first window only", 10, []Bytes{5, 5, 1, 1}, 2, 5},
		{"none", 10, nil, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, largest := Fewest(c.limit, c.need)
			assert.Equal(t, c.n, n)
			assert.Equal(t, c.largest, largest)
		})
	}
}
