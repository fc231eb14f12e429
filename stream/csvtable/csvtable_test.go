package csvtable

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRead(t *testing.T) {
	type row struct {
		Line int
		Rec  string
	}
	for _, c := range []struct {
		name   string
		text   string
		header string
		rows   []row
		err    string
	}{
		{"rows and their lines", "a,b\n1,2\n\n3,4\n\"5\n6\",7\n8,9\n", "a,b",
			[]row{{2, "1 2"}, {4, "3 4"}, {5, "5\n6 7"}, {7, "8 9"}}, ""},
		{"header only", "a,b\n", "a,b", nil, ""},
		{"empty", "", "", nil, "t.csv: empty file: want a header a,b"},
		{"bad header", "a,\"b\n", "", nil, "t.csv: parse error on line 1"},
		{"bad row", "a,b\n1,2\n3,\"4\n", "a,b", []row{{2, "1 2"}}, "t.csv: parse error on line 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cr := csv.NewReader(strings.NewReader(c.text))
			cr.ReuseRecord = true
			header, rows, err := Read(cr, "t.csv", "a header a,b")
			if rows == nil {
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			var got []row
			for line, rec := range rows.All() {
				got = append(got, row{line, strings.Join(rec, " ")})
			}
			assert.Equal(t, c.header, strings.Join(header, ","), "the header survives the reused records")
			assert.Equal(t, c.rows, got)
			if c.err == "" {
				assert.NoError(t, rows.Err())
			} else {
				assert.ErrorContains(t, rows.Err(), c.err)
			}
		})
	}
}
