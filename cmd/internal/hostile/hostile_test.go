package hostile

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/dualstream/models"
	"github.com/fastslow/stream/cli"
	"github.com/fastslow/stream/fixture"
	"github.com/fastslow/stream/fixture/npzraw"
)

// commands are the binaries the suite builds, by name. The model
// commands (every */cmd/fit and the dual stream's main is
// cli.Main(<model>)) are this test binary itself, started with
// modelEnv naming the model, which saves linking seven binaries.
var commands = map[string]string{
	"sweep":   "github.com/fastslow/cmd/sweep",
	"configs": "github.com/fastslow/cmd/configs",
	"bench":   "github.com/fastslow/cmd/bench",
	"fitdata": "github.com/fastslow/cmd/fitdata",
}

// modelEnv names the model whose command the test binary runs.
const modelEnv = "HOSTILE_MODEL_COMMAND"

// maxRSS is the memory a refusal may take (kilobytes, as rusage counts).
const maxRSS = 100 << 10

// repo is the repository's root, relative to this package.
const repo = "../../.."

func shipped(path string) string { return filepath.Join(repo, "configs", path) }

// bins are the built commands by name (TestMain builds them once).
var bins = map[string]string{}

func TestMain(m *testing.M) {
	if name := os.Getenv(modelEnv); name != "" {
		model, err := models.Get(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		cli.Main(model) // exits
	}
	dir, err := os.MkdirTemp("", "hostile-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := 1
	if err := build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// build compiles every command once into dir.
func build(dir string) error {
	if runtime.GOOS != "linux" {
		return nil // the tests skip themselves
	}
	for name, pkg := range commands {
		bin := filepath.Join(dir, name)
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
		bins[name] = bin
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	for _, name := range models.Names() {
		bins[name] = self
	}
	return nil
}

// hostileCase is one bad input: the command, its arguments (in a folder
// holding the files that files writes), the exit status (0: any non-zero)
// and the fragments its output must hold.
type hostileCase struct {
	name  string
	cmd   string
	args  []string
	files func(t *testing.T, dir string) // writes the inputs into dir
	env   []string
	code  int
	want  []string
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

// edited writes the shipped config at src, with key's line replaced by
// repl, to dir/name.
func edited(src, key, repl, name string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		write(t, filepath.Join(dir, name), fixture.EditKey(t, shipped(src), key, repl))
	}
}

// npzFile writes an archive of the members to dir/name.
func npzFile(name string, members ...npzraw.Member) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		data, err := npzraw.Archive(members...)
		require.NoError(t, err)
		write(t, filepath.Join(dir, name), data)
	}
}

// fitSpec writes the shipped clustering_nosof94 fit spec to dir/f.toml
// with its runs line replaced by runs and its config named by an absolute
// path.
func fitSpec(runs string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		cfg, err := filepath.Abs(shipped("clustering/config1.toml"))
		require.NoError(t, err)
		spec := strings.Replace(string(fixture.EditKey(t, shipped("fits/clustering_nosof94.toml"), "runs", runs)),
			`config = "../clustering/config1.toml"`, fmt.Sprintf("config = %q", cfg), 1)
		write(t, filepath.Join(dir, "f.toml"), []byte(spec))
	}
}

// originalYAML is the head of the original's clustering_model config1.
const originalYAML = `config_version: config1
num_runs: 50
num_blocks: 32
random_seed: 999
max_num_clusters: 8
in_features: 3
loss_fn: bcelogits
`

var cases = []hostileCase{
	// §2 sizes no machine holds, named by key or flag with the estimate.
	{name: "runs flag", cmd: "clustering", args: []string{"-runs", "1000000000000"},
		want: []string{"-runs 1000000000000", "the run would hold about", "memory limit", "-memory or FASTSLOW_MEMORY"}},
	{name: "num_runs key", cmd: "clustering", args: []string{"-config", "c.toml"},
		files: edited("clustering/config1.toml", "num_runs", "num_runs = 1000000000000", "c.toml"),
		want:  []string{"c.toml", "num_runs = 1000000000000", "memory limit"}},
	{name: "blocks flag", cmd: "clustering", args: []string{"-blocks", "1000000000"},
		want: []string{"-blocks 1000000000", "memory limit"}},
	{name: "passes flag", cmd: "clustering", args: []string{"-passes", "1000000000"},
		want: []string{"-passes 1000000000", "memory limit"}},
	{name: "dnn n_units 1e5", cmd: "dnn", args: []string{"-config", "d.toml"},
		files: edited("dnn/config1.toml", "n_units", "n_units = 100000", "d.toml"),
		want:  []string{"d.toml", "n_units = 100000", "per model", "memory limit"}},
	{name: "dnn n_units 1e9", cmd: "dnn", args: []string{"-config", "d.toml"},
		files: edited("dnn/config1.toml", "n_units", "n_units = 1000000000", "d.toml"),
		want:  []string{"n_units = 1000000000", "more than 8 EiB"}},
	{name: "multi-unit n_units 1e8", cmd: "multiunit", args: []string{"-config", "m.toml"},
		files: edited("multiunit/config1.toml", "n_units", "n_units = 100000000", "m.toml"),
		want:  []string{"m.toml", "n_units = 100000000", "memory limit"}},
	{name: "max_nunits 1e9", cmd: "distrlearner", args: []string{"-config", "l.toml"},
		files: edited("distrlearner/config1.toml", "max_nunits", "max_nunits = 1000000000", "l.toml"),
		want:  []string{"l.toml", "max_nunits = 1000000000", "memory limit"}},
	{name: "SUSTAIN passes 1e8", cmd: "sustain", args: []string{"-config", "s.toml"},
		files: edited("sustain/config1.toml", "passes", "passes = 100000000", "s.toml"),
		want:  []string{"s.toml", "passes = 100000000", "memory limit"}},
	{name: "dual stream slow n_units 1e9", cmd: "dualstream", args: []string{"-config", "ds.toml"},
		files: edited("dualstream/config_dlMU_dnn_1.toml", "n_units", "n_units = 1000000000", "ds.toml"),
		want:  []string{"ds.toml", "slow_config.n_units = 1000000000", "memory limit"}},
	{name: "bench runs", cmd: "bench", args: []string{"-models", "clustering", "-runs", "1000000000000"},
		want: []string{"bench: clustering", "-runs 1000000000000", "memory limit"}},
	{name: "fitdata runs", cmd: "fitdata", args: []string{"-spec", "f.toml", "-check"},
		files: fitSpec("runs = 1000000000000"),
		want:  []string{"fitdata: f.toml: runs = 1000000000000 (the fit spec), blocks = 16 (the fit spec)", "(max_num_clusters = 8)", "memory limit"}},
	{name: "fitdata seeds", cmd: "fitdata", args: []string{"-spec", "f.toml", "-at", "specificity=0.5", "-seeds", "1000000000", "-out", "fd"},
		files: fitSpec("runs = 2"),
		want:  []string{"-seeds 1000000000", "memory limit"}},
	{name: "a small limit by the environment", cmd: "multiunit", args: []string{"-runs", "2"}, env: []string{"FASTSLOW_MEMORY=1MB"},
		want: []string{"-runs 2", "n_units = 10000", "memory limit of 1 MiB (FASTSLOW_MEMORY=1MB)"}},
	{name: "a tiny limit on the new stimuli", cmd: "distrlearner", env: []string{"FASTSLOW_MEMORY=1KB"},
		want: []string{"max_nunits = 500", "memory limit of 1 KiB (FASTSLOW_MEMORY=1KB)"}},
	{name: "bad FASTSLOW_MEMORY", cmd: "clustering", env: []string{"FASTSLOW_MEMORY=lots"},
		want: []string{`FASTSLOW_MEMORY: "lots" is not a memory size`}},
	{name: "bad -memory", cmd: "clustering", args: []string{"-memory", "lots"}, code: 2,
		want: []string{`-memory: "lots" is not a memory size`}},
	{name: "label of 1e9 classes", cmd: "clustering", args: []string{"-task", "big.csv"},
		files: func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "big.csv"), []byte("a,b,label\n0,1,0\n1,0,1000000000\n"))
		},
		want: []string{"big.csv", "line 3", "column label", "want a class index below 65536"}},
	{name: "huge stimuli CSV", cmd: "clustering", args: []string{"-task", "huge.csv"},
		files: func(t *testing.T, dir string) {
			f, err := os.Create(filepath.Join(dir, "huge.csv"))
			require.NoError(t, err)
			defer f.Close()
			f.WriteString("a,b,label\n")
			rows := bytes.Repeat([]byte("0.5,0.25,1\n"), 1<<10)
			for range 17 << 20 / len(rows) {
				_, err := f.Write(rows)
				require.NoError(t, err)
			}
		},
		want: []string{"huge.csv", "larger than 16 MiB"}},
	{name: "config /dev/zero", cmd: "clustering", args: []string{"-config", "/dev/zero"},
		want: []string{"config", "/dev/zero", "1 MiB"}},
	{name: "order /dev/zero", cmd: "clustering", args: []string{"-order", "/dev/zero"},
		want: []string{"order table", "/dev/zero", "a line longer than 1 MiB"}},
	{name: "npz header shape beyond the bytes", cmd: "dnn", args: []string{"-task", "shj1", "-runs", "1", "-init", "i.npz"},
		files: npzFile("i.npz", npzraw.Member{Name: "layers.0.weight.npy", Data: npzraw.NPY("(100000, 100000)", make([]float64, 1600)...)}),
		want:  []string{"i.npz", `array "layers.0.weight"`, "shape [100000 100000]"}},
	{name: "sweep grid of 1e12 configs", cmd: "sweep", args: []string{"run", "-spec", "spec.toml", "-out", "out"},
		files: func(t *testing.T, dir string) {
			tp, err := filepath.Abs(shipped("dualstream/config_dlMU_dnn_1.toml"))
			require.NoError(t, err)
			vals := make([]string, 1000)
			for i := range vals {
				vals[i] = fmt.Sprint(0.001 * float64(i+1))
			}
			list := "[" + strings.Join(vals, ", ") + "]"
			write(t, filepath.Join(dir, "spec.toml"), []byte(fmt.Sprintf("name = \"g\"\ntemplate = %q\n[grid]\nfast_config.lr_nn = %s\nfast_config.lr_attn = %s\nfast_config.lr_units = %s\nslow_config.lr_dnn = %s\n",
				tp, list, list, list, list)))
		},
		want: []string{"spec.toml", "the grid makes 1000000000000 configs", "memory limit"}},

	// §3 bad data is never padded or ignored.
	{name: "npz member shorter than its header", cmd: "dnn", args: []string{"-task", "shj1", "-runs", "1", "-init", "i.npz"},
		files: npzFile("i.npz", npzraw.Member{Name: "layers.0.weight.npy", Data: npzraw.NPY("(75,)", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)}),
		want:  []string{"i.npz", `array "layers.0.weight"`, "declares 75 values", "holds 80 bytes", "(10 values)"}},
	{name: "npz member without data", cmd: "dnn", args: []string{"-task", "shj1", "-runs", "1", "-init", "i.npz"},
		files: npzFile("i.npz", npzraw.Member{Name: "layers.0.weight.npy", Data: npzraw.NPY("(25, 3)")}),
		want:  []string{"i.npz", `array "layers.0.weight"`, "declares 75 values", "holds 0 bytes"}},
	{name: "npz name stored twice", cmd: "dnn", args: []string{"-task", "shj1", "-runs", "1", "-init", "i.npz"},
		files: npzFile("i.npz", npzraw.Member{Name: "layers.0.bias.npy", Data: npzraw.NPY("(1,)", 1)},
			npzraw.Member{Name: "layers.0.bias.npy", Data: npzraw.NPY("(1,)", 2)}),
		want: []string{"i.npz", `array "layers.0.bias" is stored twice`}},
	{name: "multi-unit attn_type", cmd: "multiunit", args: []string{"-config", "m.toml"},
		files: edited("multiunit/config1.toml", "attn_type", `attn_type = "foo"`, "m.toml"),
		want:  []string{"m.toml", `attn_type = "foo"`, `want "dimensional_local"`}},
	{name: "clustering high_attn_constraint", cmd: "clustering", args: []string{"-config", "c.toml"},
		files: edited("clustering/config1.toml", "high_attn_constraint", `high_attn_constraint = "foo"`, "c.toml"),
		want:  []string{"c.toml", `high_attn_constraint = "foo"`, `want "sumtoone"`}},
	{name: "clustering temp_competition", cmd: "clustering", args: []string{"-config", "c.toml"},
		files: edited("clustering/config1.toml", "temp_competition", `temp_competition = "foo"`, "c.toml"),
		want:  []string{"c.toml", `temp_competition = "foo"`, `want "equivalent" or a number`}},
	{name: "dnn act_func", cmd: "dnn", args: []string{"-config", "d.toml"},
		files: edited("dnn/config1.toml", "act_func", `act_func = "tanh"`, "d.toml"),
		want:  []string{"d.toml", `act_func = "tanh"`, `want "relu"`}},
	{name: "distribution learner unit_recruit_type", cmd: "distrlearner", args: []string{"-config", "l.toml"},
		files: edited("distrlearner/config1.toml", "unit_recruit_type", `unit_recruit_type = "foo"`, "l.toml"),
		want:  []string{"l.toml", `unit_recruit_type = "foo"`, `want "feedback"`}},
	{name: "SUSTAIN ties", cmd: "sustain", args: []string{"-config", "s.toml"},
		files: edited("sustain/config1.toml", "ties", `ties = "last"`, "s.toml"),
		want:  []string{"s.toml", `ties = "last"`, `want "first" or "random"`}},
	{name: "ALCOVE dec", cmd: "alcove", args: []string{"-config", "a.toml"},
		files: edited("alcove/config1.toml", "dec", `dec = "XX"`, "a.toml"),
		want:  []string{"a.toml", `dec = "XX"`, `want "ER"`}},
	{name: "loss_fn", cmd: "clustering", args: []string{"-config", "c.toml"},
		files: edited("clustering/config1.toml", "loss_fn", `loss_fn = "mse"`, "c.toml"),
		want:  []string{"c.toml", `loss_fn = "mse"`, `want "bcelogits" or "crossentropy"`}},
	{name: "dual stream fast kind", cmd: "dualstream", args: []string{"-config", "ds.toml"},
		files: edited("dualstream/config_dlMU_dnn_1.toml", "fast", `fast = "foo"`, "ds.toml"),
		want:  []string{"ds.toml", `"foo"`, "distr_learner_mu"}},
	{name: "original YAML config", cmd: "clustering", args: []string{"-config", "config1.yaml"},
		files: func(t *testing.T, dir string) { write(t, filepath.Join(dir, "config1.yaml"), []byte(originalYAML)) },
		want:  []string{"config1.yaml: this is a YAML config of the original; convert it with `configs import`"}},
	{name: "original YAML under a .toml name", cmd: "clustering", args: []string{"-config", "config1.toml"},
		files: func(t *testing.T, dir string) { write(t, filepath.Join(dir, "config1.toml"), []byte(originalYAML)) },
		want:  []string{"config1.toml: this is a YAML config of the original"}},
	{name: "configs import keeps an existing file", cmd: "configs", args: []string{"import", "-out", "out", "config1.yaml"},
		files: func(t *testing.T, dir string) {
			yaml := "config_version: config1\nnum_runs: 2\nnum_blocks: 2\nrandom_seed: 999\nmax_num_clusters: 8\nin_features: 3\n" +
				"r: 2\nq: 1\nspecificity: 0.25\nhigh_attn_constraint: sumtoone\nbeta: 3\ntemp_competition: equivalent\ntemp_softwta: 0.012\n" +
				"Phi: 10\nthr: -0.4\nlr_clustering: 0.1\ncenter_lr_multiplier: 1\nhigh_attn_lr_multiplier: 1\nasso_lr_multiplier: 1\n" +
				"loss_fn: bcelogits\noptim: sgd\n"
			write(t, filepath.Join(dir, "config1.yaml"), []byte(yaml))
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "out", "clustering"), 0o755))
			write(t, filepath.Join(dir, "out", "clustering", "config1.toml"), []byte("# my commented config\n"))
		},
		want: []string{"out/clustering/config1.toml exists and differs from the conversion; -force overwrites it", "0 converted, 0 refused, 1 kept"}},
	{name: "configs import exits 1 on a refusal", cmd: "configs", args: []string{"import", "-n", "bad.yaml"},
		files: func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "bad.yaml"), []byte("fast: distr_learner_mu\nslow: dnn\nfast_config:\n  max_nunits: [1, 2]\n"))
		},
		want: []string{"bad.yaml", "0 converted, 1 refused"}},

	// §4 sweeps.
	{name: "sweep -shard 0/0", cmd: "sweep", args: []string{"run", "-spec", "spec.toml", "-shard", "0/0"}, code: 2,
		want: []string{`-shard "0/0": want i/n with n ≥ 1 shards and 0 ≤ i < n`}},
}

// run runs bin in dir and returns its exit status, output and peak memory
// in kilobytes. Linux counts in a child's peak the memory of the test
// process that started it (they share it until the exec), so the figure
// is an upper bound; the test frees what it can first (and hashes files
// rather than holding them: fixture.Tree).
func run(t *testing.T, dir, bin string, args, env []string) (int, string, int64) {
	t.Helper()
	debug.FreeOSMemory()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return code, out.String(), rss
}

// TestHostileInputs runs every case through its real command: a
// non-zero exit, a message with every wanted fragment, no runtime dump,
// under 100 MB, and the user's files byte-identical afterwards.
func TestHostileInputs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the cases use /dev/zero and Linux's rusage")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.files != nil {
				c.files(t, dir)
			}
			before := fixture.Tree(t, dir)
			env := c.env
			if _, built := commands[c.cmd]; !built {
				env = append([]string{modelEnv + "=" + c.cmd}, env...)
			}
			code, out, rss := run(t, dir, bins[c.cmd], append(c.args, "-quiet")[:len(c.args)+quietFlag(c.cmd)], env)
			if c.code != 0 {
				assert.Equal(t, c.code, code, out)
			} else {
				assert.NotEqual(t, 0, code, out)
			}
			for _, w := range c.want {
				assert.Contains(t, out, w)
			}
			fixture.NoRuntimeDump(t, out)
			assert.Less(t, rss, int64(maxRSS), "peak memory of a refusal (KB)")
			assert.Equal(t, before, fixture.Tree(t, dir), "the user's files changed")
			t.Logf("exit %d, %d KB: %s", code, rss, strings.TrimSpace(out))
		})
	}
}

// quietFlag is 1 for the commands that take -quiet (the fits), 0 else.
func quietFlag(cmd string) int {
	switch cmd {
	case "sweep", "configs", "bench", "fitdata":
		return 0
	}
	return 1
}

// TestHostileSweep damages a finished sweep as a user or a full disk
// would: a deleted result is redone by the next run, and a truncated
// lc.csv is left out of the report, named, with exit status 1.
func TestHostileSweep(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux's rusage")
	}
	dir := t.TempDir()
	tp, err := filepath.Abs(shipped("dualstream/config_dlMU_dnn_1.toml"))
	require.NoError(t, err)
	write(t, filepath.Join(dir, "spec.toml"), []byte(fmt.Sprintf(
		"name = \"h\"\ntemplate = %q\n[fixed]\nnum_runs = 1\nnum_blocks = 3\n[grid]\nfast_config.lr_nn = [0.001, 0.025]\n", tp)))
	code, out, _ := run(t, dir, bins["sweep"], []string{"run", "-spec", "spec.toml", "-out", "out", "-quiet"}, nil)
	require.Equal(t, 0, code, out)
	require.NoError(t, os.Remove(filepath.Join(dir, "out", "h_1", "lc_total.npy")))
	code, out, _ = run(t, dir, bins["sweep"], []string{"run", "-spec", "spec.toml", "-out", "out"}, nil)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "h_1: redone: lc_total.npy is missing")
	assert.Contains(t, out, "1 done, 0 diverged, 1 finished before")
	assert.FileExists(t, filepath.Join(dir, "out", "h_1", "lc_total.npy"))

	csv := filepath.Join(dir, "out", "h_2", "lc.csv")
	data, err := os.ReadFile(csv)
	require.NoError(t, err)
	write(t, csv, data[:len(data)/2])
	code, out, rss := run(t, dir, bins["sweep"], []string{"report", "-out", "out", "-metric", "last:2"}, nil)
	assert.Equal(t, 1, code, out)
	t.Logf("%s", out)
	for _, w := range []string{"1 configs ranked", "1 damaged folders left out", "h_2: lc.csv holds", "damaged folders left out of the ranking"} {
		assert.Contains(t, out, w)
	}
	fixture.NoRuntimeDump(t, out)
	assert.Less(t, rss, int64(maxRSS))
}
