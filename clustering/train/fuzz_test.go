package train

import (
	"os"
	"testing"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/loss"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/task"
)

// FuzzLoad feeds arbitrary bytes to the config reader: it must return a
// config or an error, never panic, and a config it accepts must build a
// model that runs a block of a task without panicking.
func FuzzLoad(f *testing.F) {
	for _, p := range []string{config1Path, "../../configs/clustering/new_stimuli.toml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("temp_competition = 0.5\nr = 1\n"))
	f.Add([]byte("max_num_clusters = -3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := Load("fuzz.toml", data)
		if err != nil {
			return
		}
		var tk *task.Task
		if c.InFeatures == 2 {
			tk = task.NewStimuli()
		} else {
			tk, _ = task.SHJ(1)
		}
		m, err := c.Keys.New(tk, seed.Source{})
		if err != nil {
			return
		}
		dz := make([]float64, 2)
		for i, it := range tk.Items {
			tr := &stream.Trial{Index: i, Signature: it.Signature, X: it.X, Target: it.Target, Label: it.Label}
			loss.BCELogits{}.Eval(m.Forward(tr), it.Target, dz)
			m.Learn(tr, dz)
		}
	})
}
