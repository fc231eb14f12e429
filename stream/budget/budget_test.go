package budget

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArithmeticSaturates(t *testing.T) {
	cases := []struct {
		name string
		got  Bytes
		want Bytes
	}{
		{"product", Mul(3, 4, 5), 60},
		{"zero factor", Mul(3, 0, 1<<62), 0},
		{"overflowing product", Mul(1<<40, 1<<40), Inf},
		{"floats", Floats(1000, 1000), 8e6},
		{"times overflow", Bytes(1 << 62).Times(4), Inf},
		{"plus overflow", Bytes(math.MaxInt64 - 1).Plus(2), Inf},
		{"sum", Sum(1, 2, 3), 6},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.got, c.name)
	}
}

func TestParseAndString(t *testing.T) {
	cases := []struct {
		in   string
		want Bytes
	}{
		{"64GB", 64 << 30}, {"512MiB", 512 << 20}, {"2e9", 2e9}, {"8G", 8 << 30}, {"100 kb", 100 << 10},
	}
	for _, c := range cases {
		b, err := Parse(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, b, c.in)
	}
	for _, bad := range []string{"", "lots", "-3GB", "0", "NaN"} {
		_, err := Parse(bad)
		assert.ErrorContains(t, err, "is not a memory size", bad)
	}
	assert.Equal(t, "7.5 GiB", Bytes(15<<29).String())
	assert.Equal(t, "12 B", Bytes(12).String())
	assert.Equal(t, "more than 8 EiB", Inf.String())
}

func TestLimit(t *testing.T) {
	t.Setenv(EnvVar, "1GB")
	l, err := Default()
	require.NoError(t, err)
	assert.Equal(t, Bytes(1<<30), l.Bytes)
	assert.NoError(t, l.Check("num_runs", 1<<30))
	err = l.Check("num_runs = 1000000000000", Inf)
	var tl *TooLarge
	require.ErrorAs(t, err, &tl)
	assert.ErrorContains(t, err, "num_runs = 1000000000000: the run would hold more than 8 EiB, beyond the memory limit of 1 GiB (FASTSLOW_MEMORY=1GB)")
	t.Setenv(EnvVar, "plenty")
	_, err = Default()
	assert.ErrorContains(t, err, `FASTSLOW_MEMORY: "plenty" is not a memory size`)
	t.Setenv(EnvVar, "")
	l, err = Default()
	require.NoError(t, err)
	assert.Greater(t, l.Bytes, Bytes(0))
	l, err = FromFlag("-memory", "3GB")
	require.NoError(t, err)
	assert.Equal(t, Limit{3 << 30, "-memory 3GB"}, l)
}

func TestReadBounded(t *testing.T) {
	data, err := ReadAll("small", bytes.NewReader([]byte("abc")), 3)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(data))
	_, err = ReadAll("big", bytes.NewReader([]byte("abcd")), 3)
	assert.ErrorContains(t, err, "big: larger than 3 B")
	_, err = ReadAll("zeros", zeros{}, 1<<10)
	assert.ErrorContains(t, err, "zeros: larger than 1 KiB")
	_, err = ReadAll("endless", zeros{}, 64<<20)
	assert.ErrorContains(t, err, "endless: a line longer than 1 MiB")
	lines := bytes.Repeat([]byte("0,1,2\n"), 1<<18) // 1.5 MiB of short lines
	got, err := ReadAll("lines", bytes.NewReader(lines), 2<<20)
	require.NoError(t, err)
	assert.Equal(t, lines, got)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestCgroupLimit: the smallest limit of the process's memory control
// groups and their parents counts, in cgroup v1 and v2 layouts; "max" and
// v1's "unlimited" (a huge number) do not.
func TestCgroupLimit(t *testing.T) {
	for _, c := range []struct {
		name   string
		cgroup string
		files  map[string]string
		want   Bytes
	}{
		{"v2 Slurm step", "0::/slurm/job_7/step_0\n", map[string]string{
			"sys/fs/cgroup/slurm/job_7/step_0/memory.max": "max\n",
			"sys/fs/cgroup/slurm/job_7/memory.max":        "2147483648\n",
			"sys/fs/cgroup/memory.max":                    "max\n",
		}, 2 << 30},
		{"v1 container", "4:memory:/docker/abc\n3:cpu:/\n", map[string]string{
			"sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": "536870912\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes":            "9223372036854771712\n",
		}, 512 << 20},
		{"v1 unlimited", "4:memory:/\n", map[string]string{
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
		}, 0},
		{"none", "", nil, 0},
	} {
		root := t.TempDir()
		files := map[string]string{"proc/self/cgroup": c.cgroup}
		for k, v := range c.files {
			files[k] = v
		}
		for p, body := range files {
			require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(root, p), []byte(body), 0o644))
		}
		assert.Equal(t, c.want, cgroupLimit(root), c.name)
	}
}
