package train

import (
	"testing"

	"github.com/fastslow/stream/task"
)

func mustSHJ(t testing.TB, typ int) *task.Task {
	tk, err := task.SHJ(typ)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}
