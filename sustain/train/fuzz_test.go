package train

import (
	"os"
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// FuzzLoad feeds arbitrary bytes to the config reader: it must return a
// config or an error, never panic, and a config it accepts must build a
// model that runs two blocks of a task without panicking.
func FuzzLoad(f *testing.F) {
	data, err := os.ReadFile(config1Path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("lambda = [1, 2]\nties = \"random\"\n"))
	f.Add([]byte("r = -1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := Load("fuzz.toml", data)
		if err != nil {
			return
		}
		tk := task.NewStimuli()
		if len(c.Lambda) != 2 {
			tk, _ = task.SHJ(5)
		}
		m, err := c.Keys.New(tk, seed.Source{})
		if err != nil {
			return
		}
		for b := 0; b < 2; b++ {
			for i, it := range tk.Items {
				tr := &stream.Trial{Block: b, Index: i, X: it.X, Target: it.Target, Label: it.Label}
				m.Forward(tr)
				m.Learn(tr, nil)
			}
		}
	})
}
