package fitspec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	clustering "github.com/fastslow/clustering/train"
)

// baseSpec is a small fit of the clustering model to Nosofsky et al.
// (1994): two free parameters, few subjects, so that tests run fast.
const baseSpec = `
name = "t"
model = "clustering"
config = "CONFIG"
data = "nosofsky1994"
passes = 2
runs = 6
seed = 11

[search]
starts = 1
max_evals = 12

[[param]]
key = "specificity"
min = 0.05
max = 5
scale = "log"

[[param]]
key = "Phi"
min = 1
max = 40
`

// writeSpec writes spec into a fresh folder, CONFIG replaced by the test
// config's path, and returns the spec's path.
func writeSpec(t testing.TB, spec string) string {
	t.Helper()
	cfg, err := filepath.Abs(filepath.Join("testdata", "clustering_config1.toml"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "spec.toml")
	require.NoError(t, os.WriteFile(path, []byte(strings.ReplaceAll(spec, "CONFIG", filepath.ToSlash(cfg))), 0o644))
	return path
}

// newProblem reads spec (see writeSpec) for the clustering model.
func newProblem(t testing.TB, spec string) (*Problem, error) {
	t.Helper()
	s, err := ReadSpec(writeSpec(t, spec))
	if err != nil {
		return nil, err
	}
	return New(s, clustering.Model())
}

func mustProblem(t testing.TB, spec string) *Problem {
	t.Helper()
	p, err := newProblem(t, spec)
	require.NoError(t, err)
	return p
}
