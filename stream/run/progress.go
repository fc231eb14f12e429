package run

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// Progress reports runs and trials done, the rate and the time left: on a
// terminal as one line redrawn in place, in a log as a plain line every
// Every. A nil *Progress is silent.
type Progress struct {
	Out   io.Writer
	Every time.Duration // plain-line period when Out is not a terminal (default 5 s)
	Label string        // printed at the start of each line

	tty         bool
	runs        int64
	trials      int64
	runsDone    atomic.Int64
	trialsDone  atomic.Int64
	began       time.Time
	quit, ended chan struct{}
	once        sync.Once
}

// NewProgress reports to out (standard error, typically).
func NewProgress(out io.Writer, label string) *Progress {
	return &Progress{Out: out, Label: label}
}

func (p *Progress) start(runs, trials int64) {
	if p == nil {
		return
	}
	if f, ok := p.Out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	p.runs, p.trials, p.began = runs, trials, time.Now()
	p.runsDone.Store(0)
	p.trialsDone.Store(0)
	p.quit, p.ended = make(chan struct{}), make(chan struct{})
	p.once = sync.Once{}
	every := p.Every
	if every <= 0 {
		every = 5 * time.Second
	}
	if p.tty {
		every = 250 * time.Millisecond
	}
	go func() {
		defer close(p.ended)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				p.print(false)
			case <-p.quit:
				p.print(true)
				return
			}
		}
	}()
}

func (p *Progress) stop() {
	if p == nil {
		return
	}
	p.once.Do(func() { close(p.quit) })
	<-p.ended
}

func (p *Progress) add(trials int64) {
	if p != nil {
		p.trialsDone.Add(trials)
	}
}

func (p *Progress) skip(trials int64) {
	if p != nil {
		p.trialsDone.Add(trials)
		p.runsDone.Add(1)
	}
}

func (p *Progress) runDone() {
	if p != nil {
		p.runsDone.Add(1)
	}
}

func (p *Progress) print(final bool) {
	done := p.trialsDone.Load()
	el := time.Since(p.began)
	rate := float64(done) / el.Seconds()
	left := timeLeft(done, p.trials, el)
	pct := 100.0
	if p.trials > 0 {
		pct = 100 * float64(done) / float64(p.trials)
	}
	line := fmt.Sprintf("%s%d/%d runs, %d/%d trials (%.0f%%), %.3g trials/s, %s left",
		label(p.Label), p.runsDone.Load(), p.runs, done, p.trials, pct, rate, left)
	if final {
		line = fmt.Sprintf("%s%d runs, %d trials in %s (%.3g trials/s)",
			label(p.Label), p.runsDone.Load(), done, el.Round(time.Millisecond), rate)
	}
	if p.tty {
		fmt.Fprintf(p.Out, "\r\033[K%s", line)
		if final {
			fmt.Fprintln(p.Out)
		}
		return
	}
	fmt.Fprintln(p.Out, line)
}

// timeLeft is the time the trials left after done of total take at the
// rate so far (elapsed for done), to the second; "?" before any is done.
func timeLeft(done, total int64, elapsed time.Duration) string {
	if done <= 0 || elapsed <= 0 {
		return "?"
	}
	left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
	return left.Round(time.Second).String()
}

func label(s string) string {
	if s == "" {
		return ""
	}
	return s + ": "
}
