package run

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestTimeLeft(t *testing.T) {
	for _, c := range []struct {
		done, total int64
		elapsed     time.Duration
		want        string
	}{
		{0, 100, time.Second, "?"},
		{10, 100, 0, "?"},
		{10, 100, time.Second, "9s"},
		{50, 100, 2 * time.Minute, "2m0s"},
		{1, 3601, time.Second, "1h0m0s"},
		{100, 100, time.Hour, "0s"},
	} {
		assert.Equal(t, c.want, timeLeft(c.done, c.total, c.elapsed), "%d of %d in %s", c.done, c.total, c.elapsed)
	}
}
