// Command report turns results folders into one self-contained HTML page
// of interactive charts (a model's run, a dual stream's, a sweep's, a
// fit's; several folders side by side), or serves them live on the
// loopback address while a sweep runs. See docs/explorer.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/fastslow/cmd/internal/explorer"
	"github.com/fastslow/stream/output"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `Usage: report [-o FILE] DIR [DIR…]     (writes DIR.html, or report.html for several)
       report -serve [-addr 127.0.0.1:8077] DIR [DIR…]

Writes one HTML page (charts inline, works offline, opened from disk) for
results folders: a model's or a dual stream's run, a sweep (its configs'
table, metric against each grid key, parallel coordinates, overlaid
learning curves), a fit (model against data, the search). Several folders
are also drawn side by side. With -serve, serves the page on the loopback
address and refreshes it as the configs of a running sweep finish, and
draws the configs selected in a sweep's table at full precision (the page
alone holds them quantised to 16 bits).

Flags:
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	out := fs.String("o", "", "page `file` (default: DIR.html beside the folder DIR, report.html for several folders); an existing file is replaced only if this command wrote it")
	serve := fs.Bool("serve", false, "serve the live page instead of writing a file")
	addr := fs.String("addr", "127.0.0.1:8077", "loopback `address` to serve on (with -serve; port 0 picks a free one)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	dirs := fs.Args()
	if len(dirs) == 0 {
		fs.Usage()
		return 2
	}
	if *serve {
		if err := serveDirs(ctx, dirs, *addr, stdout); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	}
	r, err := explorer.LoadAll(dirs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	path := *out
	if path == "" {
		// Beside the folder, not in it: a results folder holds only what
		// its command wrote, so that the command may replace it.
		path = "report.html"
		if len(dirs) == 1 {
			path = filepath.Clean(dirs[0]) + ".html"
		}
	}
	if err := output.Replaceable(path, explorer.Mark); err != nil {
		fmt.Fprintln(stderr, "report:", err)
		return 1
	}
	if err := writeFile(path, r); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s\n", path)
	return 0
}

// writeFile writes the page atomically: a temporary file renamed into place.
func writeFile(path string, r *explorer.Report) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := explorer.Write(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// serveDirs serves the live page of dirs on addr until ctx ends.
func serveDirs(ctx context.Context, dirs []string, addr string, stdout io.Writer) error {
	if err := explorer.Loopback(addr); err != nil {
		return err
	}
	if _, err := explorer.LoadAll(dirs); err != nil { // bad folders fail now, not in the browser
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	srv := &http.Server{Handler: explorer.Handler(dirs)}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	fmt.Fprintf(stdout, "serving http://%s/ (Ctrl-C stops)\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
