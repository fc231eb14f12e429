package explorer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

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
// folders' data, which the page polls. The folders are read again only
// when they have changed (a config finished: a folder or a marker with a
// new time), so a page left open costs a running sweep almost nothing.
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
	return mux
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
