package explorer

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"
)

// The page's parts: ECharts 6.1.0 from npm, reduced to the charts the page
// draws (assets/build; Apache-2.0, with zrender's BSD-3-Clause and tslib's
// 0BSD, licences beside it), and the glue that lays out the charts.
var (
	//go:embed assets/echarts.min.js
	echartsJS string
	//go:embed assets/app.js
	appJS string
	//go:embed assets/style.css
	styleCSS string
)

// Mark is in the first line of every page: a page the command finds at
// its output path is replaced only when it has it (output.Replaceable).
const Mark = "written by fastslow's cmd/report"

// Report is what a page shows: the folders, in the order given.
type Report struct {
	Title   string    `json:"title"`
	Folders []*Folder `json:"folders"`
	// Live pages poll the server for new data (report -serve).
	Live bool `json:"live"`
}

// LoadAll loads every folder of dirs.
func LoadAll(dirs []string) (*Report, error) {
	r := &Report{}
	var names []string
	for _, d := range dirs {
		f, err := Load(d)
		if err != nil {
			return nil, err
		}
		r.Folders = append(r.Folders, f)
		names = append(names, f.Name)
	}
	r.Title = strings.Join(names, " · ")
	return r, nil
}

// Write writes the page of r to w: one HTML file with the charting
// library, the glue and the data inline, which works opened from disk.
func Write(w io.Writer, r *Report) error {
	data, err := json.Marshal(r) // escapes <, > and & so the data cannot end its script element
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var b bytes.Buffer
	writePage(&b, r.Title, data)
	_, err = w.Write(b.Bytes())
	return err
}

// writePage writes the page titled title around data, a Report as JSON.
func writePage(b *bytes.Buffer, title string, data []byte) {
	b.WriteString("<!DOCTYPE html>\n<!-- " + Mark + ": results folders as one page -->\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<link rel=\"icon\" href=\"data:,\">\n") // no favicon request: the page asks nothing of a network
	fmt.Fprintf(b, "<title>%s</title>\n<style>%s</style>\n", html.EscapeString(title), styleCSS)
	b.WriteString("<!-- Apache ECharts 6.1.0 (Apache License 2.0, https://echarts.apache.org) with zrender (BSD-3-Clause) and tslib (0BSD) -->\n<script>")
	b.WriteString(echartsJS)
	b.WriteString("</script>\n</head><body>\n<div id=\"app\"></div>\n<script type=\"application/json\" id=\"data\">")
	b.Write(data)
	b.WriteString("</script>\n<script>")
	b.WriteString(appJS)
	b.WriteString("</script>\n</body></html>\n")
}
