package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fastslow/stream/cli"
)

// driver is the Python script that times the original's own trials
// (original.py: it imports the original's modules and calls them).
//
//go:embed original.py
var driver []byte

// original says where one of our models lives in a checkout of the
// original (don-tpanic/thinking_fast_and_slow) and how its trials are fed.
type original struct {
	dir    string // the folder holding its models.py, train.py and utils.py ("." the checkout itself)
	config string // its config_version, read from dir/configs/<config>.yaml
	class  string // the model's class in dir/models.py
	task   string // "shj" (the six types, one per run in turn) or "new_stimuli"
}

// originals lists the models the original has, with the config each of
// ours runs by default.
var originals = map[string]original{
	"clustering":   {"clustering_model", "config1", "ClusteringModel", "shj"},
	"dnn":          {"dnn_model", "config1", "NeuralNetwork", "shj"},
	"multiunit":    {"multiunit_clustering", "config1", "MultiUnitCluster", "shj"},
	"distrlearner": {"dl_model", "config_dlMU_1", "DistrLearnerMU", "new_stimuli"},
	"dualstream":   {".", "config_dlMU_dnn_1", "FastSlow", "new_stimuli"},
}

// check returns an error naming the first file of the original's model
// that the checkout at root lacks.
func (o original) check(root string) error {
	need := []string{"models.py", "train.py", "utils.py", filepath.Join("configs", o.config+".yaml")}
	if o.task == "new_stimuli" {
		need = append(need, "new_stimuli.npy")
	}
	for _, f := range need {
		p := filepath.Join(root, o.dir, f)
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("-original %s: no %s: want a checkout of the original (github.com/don-tpanic/thinking_fast_and_slow)", root, filepath.Join(o.dir, f))
		}
	}
	return nil
}

// slice returns the runs and blocks per run of one round of the original:
// at least trials trials, as whole blocks of items trials, no more blocks
// per run than the config's.
func slice(trials, items, blocks int) (runs, perRun int) {
	perRun = min(blocks, (trials+items-1)/items)
	perRun = max(perRun, 1)
	runs = max((trials+perRun*items-1)/(perRun*items), 1)
	return runs, perRun
}

// driverArgs returns the arguments of the driver script at script for one
// slice of runs × blocks of the original's model o.
func driverArgs(script string, o original, runs, blocks int, seed uint64) []string {
	return []string{script, "--config", o.config, "--model", o.class, "--task", o.task,
		"--runs", strconv.Itoa(runs), "--blocks", strconv.Itoa(blocks), "--seed", strconv.FormatUint(seed, 10)}
}

// ready is the driver's first line: the versions it runs.
type ready struct {
	Ready   bool   `json:"ready"`
	Torch   string `json:"torch"`
	Python  string `json:"python"`
	Threads int    `json:"threads"`
}

// round is the driver's reply to one round: its trials, the CPU and wall
// seconds of the trial loops, and the CPU seconds building the models.
type round struct {
	Trials   int     `json:"trials"`
	CPU      float64 `json:"cpu"`
	Wall     float64 `json:"wall"`
	BuildCPU float64 `json:"build_cpu"`
	Runs     int     `json:"runs"`
	Anomaly  bool    `json:"anomaly"`
}

// perTrial returns the round's CPU time per trial.
func (r round) perTrial() time.Duration {
	return time.Duration(r.CPU / float64(r.Trials) * 1e9)
}

// parseRound decodes one reply of the driver.
func parseRound(line []byte) (round, error) {
	var r round
	d := json.NewDecoder(bytes.NewReader(line))
	d.DisallowUnknownFields()
	if err := d.Decode(&r); err != nil {
		return r, fmt.Errorf("reply %q: %w", line, err)
	}
	if r.Trials <= 0 || r.Runs <= 0 || r.CPU <= 0 || r.BuildCPU < 0 {
		return r, fmt.Errorf("reply %q: want trials and runs > 0, cpu > 0, build_cpu ≥ 0", line)
	}
	return r, nil
}

// session is one Python process running the driver for one model.
type session struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Scanner
	stderr *bytes.Buffer
	ready  ready
}

// errNoPython says what -original needs.
var errNoPython = errors.New("-original needs Python 3 with PyTorch, numpy, PyYAML (and SciPy, matplotlib for the dual stream's utils); give its interpreter with -python")

// startOriginal starts the driver at script under python for model o of
// the checkout at root and waits for its first line.
func startOriginal(python, script, root string, o original, runs, blocks int, seed uint64) (*session, error) {
	path, err := exec.LookPath(python)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errNoPython, err)
	}
	s := &session{cmd: exec.Command(path, driverArgs(script, o, runs, blocks, seed)...), stderr: new(bytes.Buffer)}
	s.cmd.Dir = filepath.Join(root, o.dir)
	s.cmd.Stderr = s.stderr
	s.cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=1", "MKL_NUM_THREADS=1", "PYTHONDONTWRITEBYTECODE=1")
	if s.in, err = s.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s.out = bufio.NewScanner(stdout)
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: %v", errNoPython, err)
	}
	line, err := s.next()
	if err == nil {
		err = json.Unmarshal(line, &s.ready)
	}
	if err != nil || !s.ready.Ready {
		s.close()
		return nil, fmt.Errorf("%s, the original's %s: the driver stopped before it was ready (%v): %s\n%w",
			path, o.class, err, s.tail(), errNoPython)
	}
	return s, nil
}

// next returns the driver's next line of output.
func (s *session) next() ([]byte, error) {
	if s.out.Scan() {
		return s.out.Bytes(), nil
	}
	if err := s.out.Err(); err != nil {
		return nil, err
	}
	return nil, io.ErrUnexpectedEOF
}

// round times one slice of the original, with autograd's anomaly
// detection on (as the original's scripts run) or off.
func (s *session) round(anomaly bool) (round, error) {
	mode := "lean\n"
	if anomaly {
		mode = "anomaly\n"
	}
	if _, err := io.WriteString(s.in, mode); err != nil {
		return round{}, fmt.Errorf("the driver: %w: %s", err, s.tail())
	}
	line, err := s.next()
	if err != nil {
		return round{}, fmt.Errorf("the driver: %w: %s", err, s.tail())
	}
	return parseRound(line)
}

// tail returns the last lines the driver wrote to its standard error.
func (s *session) tail() string {
	lines := strings.Split(strings.TrimSpace(s.stderr.String()), "\n")
	return strings.Join(lines[max(len(lines)-6, 0):], "\n")
}

// close ends the driver: it exits at the end of its input.
func (s *session) close() error {
	s.in.Close()
	return s.cmd.Wait()
}

// loadAverage returns the one-minute load average, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

// sideBySide is one model timed in rounds: ours, then the original as it
// runs (anomaly detection on), then the original without it.
type sideBySide struct {
	name         string
	ours         []timing
	asRun, lean  []round
	ready        ready
	runs, blocks int // the original's slice per round
}

// oursPer returns the median of our rounds' CPU time per trial.
func (sb sideBySide) oursPer() time.Duration { return median(sb.ours, timing.per) }

// interleave times p's jobs (ours, with at least 200 ms of CPU a round)
// and the original's model o in rounds, A B B′ A B B′ …, each round of
// the original at least trials trials of the same task.
func interleave(p *cli.Plan, workers int, python, script, root string, o original, rounds, trials int) (sideBySide, error) {
	j := p.Jobs[0]
	sb := sideBySide{}
	sb.runs, sb.blocks = slice(trials, len(j.Task.Items), j.Blocks)
	s, err := startOriginal(python, script, root, o, sb.runs, sb.blocks, j.Seed)
	if err != nil {
		return sb, err
	}
	sb.ready = s.ready
	for range rounds {
		t, err := timeOurs(p, workers, 200*time.Millisecond)
		if err != nil {
			s.close()
			return sb, err
		}
		sb.ours = append(sb.ours, t)
		for _, anomaly := range []bool{true, false} {
			r, err := s.round(anomaly)
			if err != nil {
				s.close()
				return sb, fmt.Errorf("the original's %s: %w", o.class, err)
			}
			if anomaly {
				sb.asRun = append(sb.asRun, r)
			} else {
				sb.lean = append(sb.lean, r)
			}
		}
	}
	if err := s.close(); err != nil {
		return sb, fmt.Errorf("the original's %s: the driver: %w: %s", o.class, err, s.tail())
	}
	return sb, nil
}

// median returns the median of f over xs (the mean of the middle two for
// an even count).
func median[T any](xs []T, f func(T) time.Duration) time.Duration {
	d := make([]time.Duration, len(xs))
	for i, x := range xs {
		d[i] = f(x)
	}
	slices.Sort(d)
	n := len(d)
	if n == 0 {
		return 0
	}
	return (d[(n-1)/2] + d[n/2]) / 2
}

// ratios returns the median, least and greatest ratio of the original's
// time per trial to ours, round by round.
func ratios(ours []timing, its []round) (med, lo, hi float64) {
	r := make([]float64, len(ours))
	for i := range ours {
		r[i] = float64(its[i].perTrial()) / float64(ours[i].per())
	}
	slices.Sort(r)
	n := len(r)
	return (r[(n-1)/2] + r[n/2]) / 2, r[0], r[n-1]
}

// printSideBySide prints the original's figures measured in this run.
func printSideBySide(w io.Writer, side []sideBySide, root, load0, load1 string) {
	r := side[0].ready
	fmt.Fprintf(w, "\nThe original (%s), measured in this run: Python %s, PyTorch %s, %d thread(s).\n"+
		"Rounds: %d, each ours, then the original with autograd's anomaly detection (as its scripts run), then without.\n"+
		"CPU time per trial, medians over the rounds; load average %s at start, %s at end.\n",
		root, r.Python, r.Torch, r.Threads, len(side[0].ours), load0, load1)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\toriginal's slice\tours\toriginal\tratio (range)\twithout anomaly detection\tratio (range)\tits model built\t")
	for _, sb := range side {
		ours := sb.oursPer()
		m1, lo1, hi1 := ratios(sb.ours, sb.asRun)
		m2, lo2, hi2 := ratios(sb.ours, sb.lean)
		build := median(append(sb.asRun, sb.lean...), func(r round) time.Duration {
			return time.Duration(r.BuildCPU / float64(r.Runs) * 1e9)
		})
		fmt.Fprintf(tw, "%s\t%d × %d blocks, %d trials\t%s\t%s\t%.0f× (%.0f–%.0f)\t%s\t%.0f× (%.0f–%.0f)\t%s\t\n", sb.name,
			sb.runs, sb.blocks, sb.asRun[0].Trials, fmtDur(float64(ours)),
			fmtDur(float64(median(sb.asRun, round.perTrial))), m1, lo1, hi1,
			fmtDur(float64(median(sb.lean, round.perTrial))), m2, lo2, hi2, fmtDur(float64(build)))
	}
	tw.Flush()
}
