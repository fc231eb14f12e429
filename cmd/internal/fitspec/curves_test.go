package fitspec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadCurves reads curves.csv files as a fit writes them and refuses
// what it does not write, naming the file and the line.
func TestReadCurves(t *testing.T) {
	good := "condition,block,data,model\n1,1,0.5,0.4\n2,1,0.6,0.61\n1,2,0.25,0.3\n"
	got, err := ReadCurves(writeTemp(t, good))
	require.NoError(t, err)
	require.Equal(t, []Curve{
		{Condition: "1", Data: []float64{0.5, 0.25}, Model: []float64{0.4, 0.3}},
		{Condition: "2", Data: []float64{0.6}, Model: []float64{0.61}},
	}, got)

	for _, c := range []struct{ name, text, want string }{
		{"empty", "", "empty file"},
		{"header", "condition,block,data\n1,1,0.5\n", "want the header condition,block,data,model"},
		{"no rows", "condition,block,data,model\n", "no rows"},
		{"not a number", "condition,block,data,model\n1,1,0.5,0.4\n\n1,2,x,0.3\n", "line 4: data and model: want numbers"},
		{"short row", "condition,block,data,model\n1,1,0.5\n", "line 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeTemp(t, c.text)
			_, err := ReadCurves(path)
			require.Error(t, err)
			require.Contains(t, err.Error(), path)
			require.True(t, strings.Contains(err.Error(), c.want), "%v: want %q", err, c.want)
		})
	}
}

func writeTemp(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "curves.csv")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}
