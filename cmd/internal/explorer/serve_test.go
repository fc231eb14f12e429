package explorer_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/cmd/internal/explorer"
	"github.com/fastslow/stream/output"
)

// TestFullCurves: the server gives a config's curves at full precision,
// and refuses any path that is not inside the served folder: climbing
// out, absolute, or through a link.
func TestFullCurves(t *testing.T) {
	fs := makeFolders(t)
	// A folder outside the served one, and a link to it inside.
	outside := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.Mkdir(outside, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "lc.csv"), []byte("block,total\n0,0.5\n"), 0o644))
	served := filepath.Join(t.TempDir(), "sweep")
	require.NoError(t, os.CopyFS(served, os.DirFS(fs.sweep)))
	require.NoError(t, os.Symlink(outside, filepath.Join(served, "link")))
	srv := httptest.NewServer(explorer.Handler([]string{served}))
	defer srv.Close()
	get := func(folder, path string) (int, string) {
		res, err := http.Get(srv.URL + "/curves.json?folder=" + folder + "&path=" + url.QueryEscape(path))
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, string(b)
	}

	code, body := get("0", "demo_2")
	require.Equal(t, http.StatusOK, code, body)
	var full explorer.Full
	require.NoError(t, json.Unmarshal([]byte(body), &full))
	assert.Equal(t, "demo_2", full.Path)
	require.Equal(t, []string{"fast", "slow", "total"}, full.Columns)
	total, err := output.ReadNPYRows(filepath.Join(fs.sweep, "demo_2", "lc_total.npy"))
	require.NoError(t, err)
	assert.Equal(t, total[0], full.Curves[2], "every bit of the total's curve, as its .npy holds it")

	for _, c := range []struct {
		folder, path string
		code         int
		want         string
	}{
		{"0", "../sweep/demo_2", http.StatusBadRequest, "want the path of a folder inside the served folder"},
		{"0", "demo_2/../../sweep/demo_2", http.StatusBadRequest, "want the path of a folder inside"},
		{"0", "..", http.StatusBadRequest, "want the path of a folder inside"},
		{"0", outside, http.StatusBadRequest, "want the path of a folder inside"},
		{"0", "/etc", http.StatusBadRequest, "want the path of a folder inside"},
		{"0", "", http.StatusBadRequest, "want the path of a folder inside"},
		{"0", "link", http.StatusForbidden, "escapes"},
		{"0", "demo_99", http.StatusNotFound, "no such file"},
		{"1", "demo_2", http.StatusBadRequest, "want the index of a served folder, 0 to 0"},
		{"x", "demo_2", http.StatusBadRequest, "want the index of a served folder"},
	} {
		code, body := get(c.folder, c.path)
		assert.Equal(t, c.code, code, "folder %s path %q: %s", c.folder, c.path, body)
		assert.Contains(t, body, c.want, "folder %s path %q", c.folder, c.path)
		assert.NotContains(t, body, "0.5\n", "nothing of the outside folder")
	}
	res, err := http.Post(srv.URL+"/curves.json?folder=0&path=demo_2", "text/plain", nil)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode, "read-only")
}
