package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/output"
)

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// tinyRun writes the files of a one-task run that the page reads.
func tinyRun(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "tiny")
	require.NoError(t, os.Mkdir(dir, 0o755))
	cols := []output.Column{{Name: "value", Values: []float64{0.5, 0.25}}}
	require.NoError(t, output.WriteBlocks(filepath.Join(dir, "lc.csv"), cols))
	require.NoError(t, output.WriteBlocks(filepath.Join(dir, "loss.csv"), cols))
	require.NoError(t, output.WriteJSON(filepath.Join(dir, "summary.json"), map[string]any{"model": "toy", "tasks": []map[string]any{{"task": "mine", "items": 4}}}))
	return dir
}

func TestWritesOnePage(t *testing.T) {
	dir := tinyRun(t)
	code, out, errs := runCmd(dir)
	require.Equal(t, 0, code, errs)
	page := dir + ".html"
	assert.Equal(t, "wrote "+page+"\n", out)
	data, err := os.ReadFile(page)
	require.NoError(t, err)
	html := string(data)
	assert.True(t, strings.HasPrefix(html, "<!DOCTYPE html>\n<!-- written by fastslow's cmd/report"))
	assert.Contains(t, html, "Apache ECharts 6.1.0")
	for _, remote := range []string{"http://", "https://", "//cdn"} {
		// The page loads nothing: no src or href to another place.
		assert.NotContains(t, html, `src="`+remote)
		assert.NotContains(t, html, `href="`+remote)
	}
	code, _, errs = runCmd(dir)
	require.Equal(t, 0, code, "its own page is replaced: %s", errs)
	other := filepath.Join(t.TempDir(), "two.html")
	code, _, errs = runCmd("-o", other, dir, dir)
	require.Equal(t, 0, code, errs)
	assert.FileExists(t, other)
}

func TestKeepsUsersFiles(t *testing.T) {
	dir := tinyRun(t)
	mine := filepath.Join(t.TempDir(), "notes.html")
	require.NoError(t, os.WriteFile(mine, []byte("<p>my notes</p>"), 0o644))
	code, _, errs := runCmd("-o", mine, dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "was not written by this command")
	got, _ := os.ReadFile(mine)
	assert.Equal(t, "<p>my notes</p>", string(got))
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		assert.NotEqual(t, ".html", filepath.Ext(e.Name()), "nothing written into the results folder")
	}
}

func TestRefusals(t *testing.T) {
	dir := tinyRun(t)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage: report"},
		{[]string{filepath.Join(dir, "nope")}, 1, "nope: no such file"},
		{[]string{"-serve", "-addr", "0.0.0.0:8077", dir}, 1, "want a loopback address"},
		{[]string{"-serve", "-addr", "127.0.0.1:0", filepath.Join(dir, "nope")}, 1, "no such file"},
	} {
		code, _, errs := runCmd(c.args...)
		assert.Equal(t, c.code, code, "%v", c.args)
		assert.Contains(t, errs, c.want, "%v", c.args)
	}
}
