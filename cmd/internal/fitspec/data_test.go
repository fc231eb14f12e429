package fitspec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fastslow/stream/task"
)

func TestParseData(t *testing.T) {
	d, err := ParseData("d.csv", strings.NewReader("# a comment\ncondition,block,p_error\nA,2,0.25\nA,1,0.5\nB,1,1\n"))
	require.NoError(t, err)
	assert.Equal(t, []Condition{{Name: "A", PError: []float64{0.5, 0.25}}, {Name: "B", PError: []float64{1}}}, d.Conditions)
	assert.Equal(t, 3, d.Cells())
	assert.Equal(t, 2, d.MaxBlocks())

	d, err = ParseData("d.csv", strings.NewReader("type,block,p_error\n1,1,0.2\n"))
	require.NoError(t, err, "the shipped Nosofsky et al. file names its first column type")
	assert.Equal(t, "1", d.Conditions[0].Name)
}

func TestBadData(t *testing.T) {
	cases := []struct{ name, csv, want string }{
		{"empty", "", "empty file"},
		{"header only", "condition,block,p_error\n", "no rows"},
		{"bad header", "cond,block,error\n1,1,0.1\n", `header "cond,block,error"`},
		{"block zero", "condition,block,p_error\n1,0,0.1\n", `line 2: block "0"`},
		{"block text", "condition,block,p_error\n1,one,0.1\n", `line 2: block "one"`},
		{"probability above 1", "condition,block,p_error\n1,1,1.5\n", `line 2: p_error "1.5"`},
		{"probability NaN", "condition,block,p_error\n1,1,NaN\n", `p_error "NaN"`},
		{"duplicate", "condition,block,p_error\n1,1,0.1\n1,1,0.2\n", "line 3: condition 1 block 1 appears twice"},
		{"gap", "condition,block,p_error\n1,1,0.1\n1,3,0.2\n", "condition 1 has 2 blocks but numbers one 3"},
		{"empty condition", "condition,block,p_error\n,1,0.1\n", "line 2: empty condition"},
		{"short row", "condition,block,p_error\n1,1\n", "wrong number of fields"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseData("my.csv", strings.NewReader(c.csv))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "my.csv")
		})
	}
}

func TestMatchConditions(t *testing.T) {
	six, err := task.Parse("shj")
	require.NoError(t, err)
	d := NosofskyData()
	idx, err := d.match(six)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5}, idx)

	named := &Data{Source: "n.csv", Conditions: []Condition{{Name: "shj2"}, {Name: "shj1"}}}
	two := six[:2]
	idx, err = named.match(two)
	require.NoError(t, err, "a condition may be the task's name")
	assert.Equal(t, []int{1, 0}, idx)

	one, _ := task.Parse("shj3")
	_, err = d.match(one)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no task for condition 1, 2, 4, 5, 6")
	_, err = (&Data{Source: "x.csv", Conditions: []Condition{{Name: "1"}, {Name: "7"}}}).match(six[:2])
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x.csv: the conditions do not match the task (no data for 2; no task for condition 7): want conditions 1, 2")
}
