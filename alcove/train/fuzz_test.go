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
// model (or refuse the task) and run a block without panicking.
func FuzzLoad(f *testing.F) {
	for _, p := range []string{config1Path, exalcovePath} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("alpha = [1, 2]\nh = [[0, 1], [1, 0]]\n"))
	f.Add([]byte("h = 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := Load("fuzz.toml", data)
		if err != nil {
			return
		}
		tk, _ := task.SHJ(3)
		if c.H.Rows != nil && len(c.H.Rows[0]) == 2 {
			tk = task.NewStimuli()
		}
		m, err := c.Keys.New(tk, seed.Source{})
		if err != nil {
			return
		}
		for i, it := range tk.Items {
			tr := &stream.Trial{Index: i, Signature: it.Signature, X: it.X, Target: it.Target, Label: it.Label}
			m.Forward(tr)
			m.Learn(tr, nil)
		}
	})
}
