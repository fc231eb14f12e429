package sweep

import (
	"fmt"
	"image/color"
	"os"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// sheetColours colour the curves of a panel (Okabe & Ito, as lc.png):
// fast, slow and total for a dual stream, or the tasks of a single one.
var sheetColours = []color.Color{
	color.RGBA{0, 114, 178, 255}, color.RGBA{213, 94, 0, 255}, color.RGBA{0, 0, 0, 255},
	color.RGBA{0, 158, 115, 255}, color.RGBA{204, 121, 167, 255}, color.RGBA{230, 159, 0, 255},
}

// Sheet draws the learning curves (every lc.csv column: fast, slow and
// total for a dual stream) of the n best configs into one PNG, a panel
// per config titled with its rank, name, score and grid values.
func (rk *Ranking) Sheet(file string, n int) error {
	rows := rk.Rows[:min(n, len(rk.Rows))]
	if len(rows) == 0 {
		return fmt.Errorf("%s: no finished configs to draw", file)
	}
	cols := min(3, len(rows))
	nr := (len(rows) + cols - 1) / cols
	plots := make([][]*plot.Plot, nr)
	for i := range plots {
		plots[i] = make([]*plot.Plot, cols)
	}
	for i, r := range rows {
		p := plot.New()
		p.Title.Text = fmt.Sprintf("%d. %s: %s %.4g", r.Rank, r.Marker.Config, rk.Metric.Name, r.Score)
		p.Title.TextStyle.Font.Size = vg.Points(9)
		var grid []string
		for _, k := range rk.Keys {
			if v := value(r.Marker.Grid, k); v != "" {
				grid = append(grid, k[strings.LastIndex(k, ".")+1:]+"="+v)
			}
		}
		p.X.Label.Text = "block   " + strings.Join(grid, " ")
		p.X.Label.TextStyle.Font.Size = vg.Points(7)
		p.Y.Label.Text = "probability of error"
		p.Y.Label.TextStyle.Font.Size = vg.Points(8)
		p.Y.Min, p.Y.Max = 0, 0.6
		p.Add(plotter.NewGrid())
		for c, y := range r.Curves {
			pts := make(plotter.XYs, len(y))
			for b, v := range y {
				pts[b] = plotter.XY{X: float64(b + 1), Y: v}
				p.Y.Max = max(p.Y.Max, v*1.05)
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return fmt.Errorf("%s: %s: %w", file, r.Marker.Config, err)
			}
			l.Color = sheetColours[c%len(sheetColours)]
			l.Width = vg.Points(1.2)
			p.Add(l)
			p.Legend.Add(r.Columns[c], l)
		}
		p.Legend.Top = true
		p.Legend.TextStyle.Font.Size = vg.Points(7)
		p.Legend.ThumbnailWidth = vg.Points(14)
		plots[i/cols][i%cols] = p
	}
	w, h := vg.Length(cols)*4*vg.Inch, vg.Length(nr)*3*vg.Inch
	img := vgimg.New(w, h)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: nr, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j, p := range plots[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", file, err)
	}
	return f.Close()
}
