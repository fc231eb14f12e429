package explorer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/fastslow/stream/output"
	"github.com/fastslow/stream/sweep"
)

// Loopback checks that addr (host:port) listens on the loopback address
// only: the page shows a user's results to no one else.
func Loopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("report: -addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("report: -addr %q: want a loopback address (127.0.0.1:PORT, [::1]:PORT or localhost:PORT)", addr)
	}
	return nil
}

// Handler serves the live page of dirs: "/" the page, "/data.json" the
// folders' data, which the page polls, and "/curves.json" the curves of a
// folder inside one of them at full precision (Curves). The folders are
// read again only when they have changed (a config finished: a folder or a
// marker with a new time), so a page left open costs a running sweep
// almost nothing. It serves GET requests only and writes nothing.
func Handler(dirs []string) http.Handler {
	var mu sync.Mutex
	var last struct {
		print, title string
		data         []byte
	}
	data := func() (string, []byte, error) {
		mu.Lock()
		defer mu.Unlock()
		print := fingerprint(dirs)
		if last.data != nil && print == last.print {
			return last.title, last.data, nil
		}
		r, err := LoadAll(dirs)
		if err != nil {
			return "", nil, err
		}
		r.Live = true
		b, err := json.Marshal(r)
		if err != nil {
			return "", nil, err
		}
		last.print, last.title, last.data = print, r.Title, b
		return r.Title, b, nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, req *http.Request) {
		title, b, err := data()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var page bytes.Buffer
		writePage(&page, title, b)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page.Bytes())
	})
	mux.HandleFunc("GET /data.json", func(w http.ResponseWriter, req *http.Request) {
		_, b, err := data()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	})
	mux.HandleFunc("GET /curves.json", func(w http.ResponseWriter, req *http.Request) {
		q := req.URL.Query()
		fi, err := strconv.Atoi(q.Get("folder"))
		if err != nil || fi < 0 || fi >= len(dirs) {
			http.Error(w, fmt.Sprintf("folder %q: want the index of a served folder, 0 to %d", q.Get("folder"), len(dirs)-1), http.StatusBadRequest)
			return
		}
		c, err := ReadFull(dirs[fi], q.Get("path"))
		switch {
		case errors.Is(err, errOutside):
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		case errors.Is(err, fs.ErrNotExist):
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		case err != nil: // a link out of the folder, a file we may not read
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		b, err := json.Marshal(c)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	return mux
}

// Full is a results folder's learning curves at full precision, as its
// lc.csv holds them: the page shows a sweep's curves quantised to 16 bits
// and, served, asks for a config's own when the user selects it.
type Full struct {
	Path    string      `json:"path"`    // relative to the served folder
	Columns []string    `json:"columns"` // lc.csv's columns after "block"
	Curves  [][]float64 `json:"curves"`  // [column][block]
}

var errOutside = errors.New("want the path of a folder inside the served folder")

// ReadFull reads the curves of the folder rel inside dir (a config of a
// sweep: "demo_7"). rel must be a local path, neither absolute nor
// climbing out with "..", and the file is opened through an os.Root of
// dir, so that a link cannot lead out of it either.
func ReadFull(dir, rel string) (*Full, error) {
	if !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("path %q: %w", rel, errOutside)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	name := filepath.Join(rel, "lc.csv")
	f, err := root.Open(name)
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", rel, err)
	}
	f.Close()
	cols, ys, err := output.ReadBlocks(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	return &Full{Path: filepath.ToSlash(rel), Columns: cols, Curves: ys}, nil
}

// fingerprint names the state of dirs: the modification times of each
// folder, of its sub-folders and of their sweep markers.
func fingerprint(dirs []string) string {
	var b strings.Builder
	stamp := func(path string) {
		if st, err := os.Stat(path); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", path, st.ModTime().UnixNano(), st.Size())
		}
	}
	for _, d := range dirs {
		stamp(d)
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if e.IsDir() {
				stamp(filepath.Join(d, e.Name()))
				stamp(filepath.Join(d, e.Name(), sweep.MarkerName))
			}
		}
	}
	return b.String()
}
