package triallist_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/fastslow/stream"
	"github.com/fastslow/stream/internal/toy"
	"github.com/fastslow/stream/seed"
	"github.com/fastslow/stream/triallist"
)

// A list of two simulated subjects, each learning two stimuli for two
// blocks and then tested on both with learning frozen; the learner is a
// small linear one. The test trials' mean response per stimulus is the
// kind of dependent measure the benchmark phenomena use.
func ExampleRun() {
	const csv = `ctrl,blk,stim,x1,x2,t1,t2
1,1,a,1,0,1,-1
0,1,b,0,1,-1,1
0,2,b,0,1,-1,1
0,2,a,1,0,1,-1
2,3,a,1,0,1,-1
2,3,b,0,1,-1,1
1,1,b,0,1,-1,1
0,1,a,1,0,1,-1
0,2,a,1,0,1,-1
0,2,b,0,1,-1,1
2,3,a,1,0,1,-1
2,3,b,0,1,-1,1
`
	l, err := triallist.Read(strings.NewReader(csv), "example.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := triallist.Run(context.Background(), l, triallist.Options{
		New: func(_ int, src seed.Source) (stream.Stream, error) { return toy.New(2, 2, 1, src), nil },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(l.Subjects, "subjects,", l.Items, "stimuli")
	test := func(t *triallist.Trial) bool { return t.Ctrl == triallist.Frozen }
	for _, g := range res.Aggregate(test, func(t *triallist.Trial) string { return t.Stim }) {
		fmt.Printf("%s: P(category 1) %.2f, P(error) %.2f over %d test trials\n", g.Key, g.Mean[0], g.Error, g.N)
	}
	// Output:
	// 2 subjects, 2 stimuli
	// a: P(category 1) 0.91, P(error) 0.09 over 2 test trials
	// b: P(category 1) 0.09, P(error) 0.09 over 2 test trials
}
