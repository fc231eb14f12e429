package train

import (
	"bytes"
	"os"
	"testing"
)

// FuzzLoad: any input either loads into a config the model can run with
// or is refused with an error; it never panics.
func FuzzLoad(f *testing.F) {
	data, err := os.ReadFile(config1Path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("n_units = 10\nk = 0.5"))
	f.Add([]byte("init_seed = -1"))
	f.Add(bytes.Replace(data, []byte(`attn_type = "dimensional_local"`), []byte(`attn_type = "foo"`), 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, _, err := Load("fuzz.toml", data)
		if err != nil {
			return
		}
		if _, err := c.Params(); err != nil {
			t.Fatalf("loaded a config the model refuses: %v", err)
		}
	})
}
