package main

import (
	"fmt"
	"image/color"

	"github.com/fastslow/stream/cirp"
	"github.com/fastslow/stream/output"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// plot draws phenomenon p's dependent measure: one point per cell (in the
// human data's order: conditions, then items), the human data in black,
// each learner with a result in its colour, joined within a condition.
func (b *board) plot(p *cirp.Phenomenon, path string) error {
	pl := plot.New()
	pl.Title.Text = fmt.Sprintf("%s: %s", p.Name, p.Title)
	pl.X.Label.Text = "cell (conditions, then items, in the human data's order)"
	pl.Y.Label.Text = p.Measure
	pl.Y.Min, pl.Y.Max = 0, 1
	pl.Add(plotter.NewGrid())
	index := make(map[[2]string]int, len(p.Human))
	for i, c := range p.Human {
		index[[2]string{c.Cond, c.Item}] = i
	}
	colour := 0
	for _, r := range b.Rows {
		if r.Phenomenon != p.Name || r.Cells == nil {
			continue
		}
		c := color.Color(color.Black)
		if r.Status != "human" {
			// The palette's colours but black, which the human data have.
			for c = output.Colour(colour); c == (color.RGBA{0, 0, 0, 255}); c = output.Colour(colour) {
				colour++
			}
			colour++
		}
		var thumbs []plot.Thumbnailer
		for _, pts := range segments(p, r.Cells, index) {
			l, sc, err := plotter.NewLinePoints(pts)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			l.Color, sc.Color = c, c
			sc.Shape = draw.CircleGlyph{}
			sc.Radius = vg.Points(1.8)
			if r.Status == "human" {
				l.Width = vg.Points(2)
				sc.Radius = vg.Points(2.5)
			}
			pl.Add(l, sc)
			thumbs = []plot.Thumbnailer{l, sc}
		}
		if thumbs != nil {
			pl.Legend.Add(fmt.Sprintf("%s (OAT %s)", r.Model, passFail(r.OAT)), thumbs...)
		}
	}
	pl.Legend.Top = true
	pl.Legend.Left = true
	pl.Legend.TextStyle.Font.Size = vg.Points(7)
	pl.Y.Max = 1.45
	if err := pl.Save(10*vg.Inch, 5*vg.Inch, path); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// segments returns a row's cells as points at their human cell's index,
// one segment per condition.
func segments(p *cirp.Phenomenon, cells []cirp.Cell, index map[[2]string]int) []plotter.XYs {
	byCond := make(map[string]plotter.XYs)
	var order []string
	for _, c := range cells {
		i, ok := index[[2]string{c.Cond, c.Item}]
		if !ok {
			continue
		}
		if _, seen := byCond[c.Cond]; !seen {
			order = append(order, c.Cond)
		}
		byCond[c.Cond] = append(byCond[c.Cond], plotter.XY{X: float64(i + 1), Y: c.Value})
	}
	var out []plotter.XYs
	for _, k := range order {
		pts := byCond[k]
		// Points in the human order, so that the lines do not zigzag.
		for i := 1; i < len(pts); i++ {
			for j := i; j > 0 && pts[j].X < pts[j-1].X; j-- {
				pts[j], pts[j-1] = pts[j-1], pts[j]
			}
		}
		out = append(out, pts)
	}
	return out
}
