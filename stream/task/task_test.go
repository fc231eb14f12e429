package task

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/budget"
)

func TestSHJ(t *testing.T) {
	// Class A items per type, as in the spec (§2).
	classA := map[int][]int{1: {0, 1, 2, 3}, 2: {0, 1, 6, 7}, 3: {3, 4, 6, 7}, 4: {3, 5, 6, 7}, 5: {3, 4, 5, 6}, 6: {1, 2, 4, 7}}
	for typ, as := range classA {
		tk, err := SHJ(typ)
		require.NoError(t, err)
		require.Len(t, tk.Items, 8)
		for k, it := range tk.Items {
			wantA := false
			for _, a := range as {
				wantA = wantA || a == k
			}
			assert.Equal(t, wantA, it.Label == 0, "type %d item %d", typ, k)
			assert.Equal(t, k, it.Signature)
			assert.Equal(t, float64(1-it.Label), it.Target[0])
		}
	}
	tk, _ := SHJ(1)
	assert.Equal(t, []float64{1, 0, 1}, tk.Items[5].X, "item 5 = 1,0,1")
	_, err := SHJ(7)
	assert.Error(t, err)
}

func TestNewStimuli(t *testing.T) {
	tk := NewStimuli()
	require.Len(t, tk.Items, 100)
	assert.Equal(t, 2, tk.Dims)
	assert.Equal(t, []float64{0.29, 0.76}, tk.Items[0].X)
	for i, it := range tk.Items {
		assert.Equal(t, i, it.Signature)
		assert.Equal(t, i/50, it.Label)
	}
}

func TestKrus96Training(t *testing.T) {
	tk := Krus96Training()
	require.Len(t, tk.Items, 8)
	assert.Equal(t, "krus96-training", tk.Name)
	assert.Equal(t, 7, tk.Dims)
	assert.Equal(t, 4, tk.Classes)
	counts := make([]int, 4)
	for i, it := range tk.Items {
		assert.Equal(t, i, it.Signature)
		assert.Equal(t, 1.0, it.X[6], "item %d: the context cue is always present", i)
		counts[it.Label]++
	}
	assert.Equal(t, []int{3, 1, 3, 1}, counts, "common diseases three times as often as rare ones")
	assert.Equal(t, []float64{1, 0, 1, 0, 0, 0, 1}, tk.Items[3].X, "I1+PR1 → R1")
}

func TestParse(t *testing.T) {
	for spec, n := range map[string]int{"shj": 6, "shj4": 1, "new-stimuli": 1, "krus96-training": 1} {
		ts, err := Parse(spec)
		require.NoError(t, err, spec)
		assert.Len(t, ts, n)
	}
	for _, bad := range []string{"shj0", "shj7", "shjx", "iris", "missing.csv"} {
		_, err := Parse(bad)
		assert.Error(t, err, bad)
	}
}

func TestReadCSV(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	tk, err := ReadCSV(write("ok.csv", "a,b,c,label,signature\n0,1,0.5,2,10\n1,1,1,0,11\n"))
	require.NoError(t, err)
	assert.Equal(t, "ok", tk.Name)
	assert.Equal(t, 3, tk.Classes)
	assert.Equal(t, 10, tk.Items[0].Signature)
	assert.Equal(t, []float64{0, 0, 1}, tk.Items[0].Target)

	for _, tc := range []struct{ name, body, want string }{
		{"empty.csv", "", "empty.csv: empty file"},
		{"nolabel.csv", "a,b\n1,2\n", "want feature columns, then a column named label"},
		{"ragged.csv", "a,b,label\n1,2,0\n1,0\n", "ragged.csv: line 3: 2 fields, want 3"},
		{"nan.csv", "a,b,label\n1,x,0\n", `nan.csv: line 2: column "b": "x" is not a finite number`},
		{"inf.csv", "a,b,label\n1,Inf,0\n", `column "b": "Inf" is not a finite number`},
		{"badlabel.csv", "a,label\n1,-1\n", `line 2: column label: "-1" is not a class index`},
		{"dupsig.csv", "a,label,signature\n1,0,3\n2,1,3\n", "line 3: signature 3 already used on line 2"},
		{"norows.csv", "a,label\n", "no stimuli after the header"},
		{"after.csv", "a,label,b\n1,0,2\n", `column "b" after label`},
		{"classes.csv", "a,label\n1,0\n2,1000000000\n", "line 3: column label: 1000000000: want a class index below 65536"},
	} {
		_, err := ReadCSV(write(tc.name, tc.body))
		assert.ErrorContains(t, err, tc.want, tc.name)
	}
}

// FuzzCSV: the stimuli reader returns an error or a consistent task.
func FuzzCSV(f *testing.F) {
	f.Add("x1,x2,label,signature\n0.29,0.76,0,0\n0.35,0.64,1,1\n")
	f.Add("a,label\n1,0\n2\n")
	f.Add("a,b,label\n\"1\",2,3\n")
	f.Add("a,label\n1,0\n2,1000000000\n")
	f.Add("a,label\n1,65535\n2,65535\n3,65535\n")
	lim := &budget.Limit{Bytes: 1 << 20, Source: "the fuzz test"}
	f.Fuzz(func(t *testing.T, body string) {
		tk, err := parseCSV("fuzz", "fuzz.csv", strings.NewReader(body), lim)
		if err != nil {
			return
		}
		for _, it := range tk.Items {
			if len(it.X) != tk.Dims || it.Label < 0 || it.Label >= tk.Classes || len(it.Target) != tk.Classes {
				t.Fatalf("inconsistent item %+v in task with %d dims, %d classes", it, tk.Dims, tk.Classes)
			}
		}
	})
}
