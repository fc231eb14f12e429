package triallist

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// WriteCSV writes every trial of the result with its response
// probabilities: subj (from 1, as catlearn numbers them), trial (within
// the subject, from 1), ctrl, cond, phase, blk, stim, then p1 … pC.
func (r *Result) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("subj,trial,ctrl,cond,phase,blk,stim")
	for k := 1; k <= r.List.Classes; k++ {
		fmt.Fprintf(bw, ",p%d", k)
	}
	bw.WriteByte('\n')
	var buf []byte
	n, subj := 0, -1
	for i := range r.List.Trials {
		t := &r.List.Trials[i]
		if t.Subject != subj {
			subj, n = t.Subject, 0
		}
		n++
		buf = buf[:0]
		buf = strconv.AppendInt(buf, int64(t.Subject+1), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(n), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(t.Ctrl), 10)
		buf = append(buf, ',')
		buf = strconv.AppendQuote(buf, t.Cond)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(t.Phase), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(t.Block), 10)
		buf = append(buf, ',')
		buf = strconv.AppendQuote(buf, t.Stim)
		for _, p := range r.Prob(i) {
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, p, 'g', -1, 64)
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}
