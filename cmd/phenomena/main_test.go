package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastslow/cmd/internal/keypath"
	"github.com/fastslow/stream"
	"github.com/fastslow/stream/cirp"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/triallist"
	"github.com/stretchr/testify/require"
)

// TestFrozenTrialsChangeNothing runs every toolkit learner (its built-in
// config, adapted to the task) through one subject's training on nosof88,
// then a block of test trials (every stimulus, learning frozen): its state
// after the test block must equal its state after the training alone.
func TestFrozenTrialsChangeNothing(t *testing.T) {
	c := cirp.Nosof88().Conditions[1]
	train := c.List.Head(1)
	test := *train
	test.Trials = append([]triallist.Trial(nil), train.Trials...)
	for k, s := range c.Stimuli {
		test.Trials = append(test.Trials, triallist.Trial{Ctrl: triallist.Frozen, Block: 4, Stim: s.Name, Item: k, X: s.X, T: s.T, Label: s.Label})
	}
	require.NoError(t, test.Check())
	for _, name := range strings.Split(allModels, ",")[1:] { // the toolkit's, after catlearn
		t.Run(name, func(t *testing.T) {
			m, err := modelsGet(name)
			require.NoError(t, err)
			tree, source, err := readTree(m, "")
			require.NoError(t, err)
			setup, err := configure(m, source, tree, c, true)
			require.NoError(t, err)
			tk := c.Task("nosof88")
			final := func(list *triallist.List) []stream.Array {
				var last stream.Stream
				_, err := runList(context.Background(), list, name, 1, uint64(setup.Loop.RandomSeed), nil,
					func(s int, src seed.Source) (stream.Stream, error) {
						var err error
						last, err = setup.New(tk, s, src)
						return last, err
					})
				require.NoError(t, err)
				return last.State()
			}
			require.Empty(t, diffStates(final(train), final(&test)))
		})
	}
}

// diffStates lists the arrays of b that differ from a's, with the first
// differing value.
func diffStates(a, b []stream.Array) []string {
	var out []string
	if len(a) != len(b) {
		return []string{fmt.Sprintf("%d arrays, then %d", len(a), len(b))}
	}
	for i := range a {
		if a[i].Name != b[i].Name || len(a[i].Data) != len(b[i].Data) {
			out = append(out, fmt.Sprintf("array %d: %s[%d], then %s[%d]", i, a[i].Name, len(a[i].Data), b[i].Name, len(b[i].Data)))
			continue
		}
		for j, v := range a[i].Data {
			if math.Float64bits(v) != math.Float64bits(b[i].Data[j]) {
				out = append(out, fmt.Sprintf("%s[%d]: %v, then %v", a[i].Name, j, v, b[i].Data[j]))
				break
			}
		}
	}
	return out
}

// TestCommand runs the command on two phenomena with three subjects, from
// a folder outside the repository (the toolkit's learners run with their
// built-in configs), and checks the scoreboard's rows and the files of the
// results folder.
func TestCommand(t *testing.T) {
	t.Chdir(t.TempDir())
	const out = "phen"
	args := []string{"-models", "catlearn,clustering", "-phenomena", "nosof88,krus96", "-subjects", "3", "-out", out, "-quiet", "-trials"}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, command(context.Background(), args, &stdout, &stderr), stderr.String())
	for _, f := range []string{"scoreboard.csv", "scoreboard.md", "cells.csv", "oat.csv", "nosof88.png", "krus96.png", "provenance.json",
		"trials/nosof88_alcove-nosof88exalcove_E2.csv.gz", "trials/krus96_exit-krus96exit.csv.gz"} {
		_, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err, f)
	}
	f, err := os.Open(filepath.Join(out, "trials/nosof88_alcove-nosof88exalcove_E2.csv.gz"))
	require.NoError(t, err)
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	trials, err := csv.NewReader(zr).ReadAll()
	f.Close()
	require.NoError(t, err)
	require.Len(t, trials, 1+3*192, "3 subjects of E2's 192 trials")
	require.Equal(t, []string{"subj", "trial", "ctrl", "cond", "phase", "blk", "stim", "p1", "p2"}, trials[0])
	require.Equal(t, "E2", trials[1][3])

	col, rows := fixture.ReadCSV(t, filepath.Join(out, "scoreboard.csv"))
	got := make(map[string][]string)
	for _, r := range rows {
		got[r[col["phenomenon"]]+" "+r[col["model"]]] = r
	}
	require.Equal(t, "TRUE", got["nosof88 human data"][col["oat"]])
	require.Equal(t, "TRUE", got["krus96 human data"][col["oat"]])
	require.Equal(t, "ok", got["nosof88 alcove:nosof88exalcove"][col["status"]])
	require.Equal(t, "ok", got["krus96 exit:krus96exit"][col["status"]])
	require.Contains(t, got["krus96 clustering"][col["status"]], "cannot take krus96")
	require.Contains(t, got["krus96 clustering"][col["status"]], "the clustering model answers two")
	require.Equal(t, "NA", got["krus96 clustering"][col["sse"]])
	require.Equal(t, "built-in config config1 (shape keys set per condition)", got["nosof88 clustering"][col["params"]])
	require.NotContains(t, got, "shin92 human data")
	require.Contains(t, stdout.String(), "### krus96")
}

// TestConfigFile: a -config file runs as its built-in twin does, and the
// scoreboard names the file.
func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	m, err := modelsGet("clustering")
	require.NoError(t, err)
	tree, err := keypath.Builtin(m)
	require.NoError(t, err)
	data, err := keypath.Encode(tree)
	require.NoError(t, err)
	file := filepath.Join(dir, "c.toml")
	require.NoError(t, os.WriteFile(file, data, 0o644))
	scores := map[string][]string{}
	for _, extra := range [][]string{nil, {"-config", "clustering=" + file}} {
		out := filepath.Join(dir, fmt.Sprint("phen", len(extra)))
		args := append([]string{"-models", "clustering", "-phenomena", "nosof88", "-subjects", "2", "-out", out, "-quiet"}, extra...)
		var stdout, stderr bytes.Buffer
		require.Equal(t, 0, command(context.Background(), args, &stdout, &stderr), stderr.String())
		col, rows := fixture.ReadCSV(t, filepath.Join(out, "scoreboard.csv"))
		for _, r := range rows {
			if r[col["model"]] == "clustering" {
				scores[r[col["params"]]] = []string{r[col["status"]], r[col["oat"]], r[col["sse"]]}
			}
		}
	}
	require.Len(t, scores, 2)
	require.Equal(t, scores["built-in config config1 (shape keys set per condition)"], scores[file+" (shape keys set per condition)"])
}

// TestUserFileKept: -out naming a user's file is refused before anything
// runs, and the file is left as it was.
func TestUserFileKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	require.NoError(t, os.WriteFile(path, []byte("mine"), 0o644))
	var stdout, stderr bytes.Buffer
	require.Equal(t, 1, command(context.Background(), []string{"-models", "catlearn", "-phenomena", "krus96", "-out", path, "-quiet"}, &stdout, &stderr))
	require.Contains(t, stderr.String(), path)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "mine", string(data))
}

// TestFlags checks bad command lines.
func TestFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-models", "catlearn,perceptron"}, `unknown model "perceptron"`},
		{[]string{"-models", "catlearn", "-phenomena", "homa76"}, `unknown phenomenon "homa76"`},
		{[]string{"-config", "clustering"}, "want model=path"},
		{[]string{"-models", "catlearn", "-subjects", "-1"}, "-subjects must be ≥ 0"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-models", "clustering", "-config", "clustering=nowhere.toml"}, "nowhere.toml"},
		{[]string{"-models", "clustering", "-config", "clustering=/dev/zero"}, "/dev/zero: a line longer than 1 MiB"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		require.Equal(t, 2, command(context.Background(), c.args, &stdout, &stderr), strings.Join(c.args, " "))
		require.Contains(t, stderr.String(), c.want)
	}
}
