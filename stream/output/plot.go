package output

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PNGMagic starts every PNG file: a command that writes a plot to a path a
// user names replaces a PNG there, never another file (Replaceable).
const PNGMagic = "\x89PNG\r\n\x1a\n"

// Series is one curve of a plot; X values are block numbers.
type Series struct {
	Name   string
	X, Y   []float64
	Dashed bool // drawn dashed with points (human data, say)
	Group  int  // series of the same group share a colour
}

// palette is a colour-blind-safe set (Okabe & Ito).
var palette = []color.Color{
	color.RGBA{0, 114, 178, 255}, color.RGBA{213, 94, 0, 255}, color.RGBA{0, 158, 115, 255},
	color.RGBA{204, 121, 167, 255}, color.RGBA{230, 159, 0, 255}, color.RGBA{86, 180, 233, 255},
	color.RGBA{0, 0, 0, 255}, color.RGBA{240, 228, 66, 255},
}

// PlotCurves draws learning curves (probability of error against block)
// into a PNG file.
func PlotCurves(path, title string, series []Series) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "block"
	p.Y.Label.Text = "probability of error"
	p.Y.Min, p.Y.Max = 0, 0.6
	p.Add(plotter.NewGrid())
	for _, s := range series {
		if len(s.X) != len(s.Y) || len(s.X) == 0 {
			return fmt.Errorf("%s: series %q has %d x and %d y values", path, s.Name, len(s.X), len(s.Y))
		}
		for _, y := range s.Y {
			p.Y.Max = max(p.Y.Max, y*1.05)
		}
		pts := make(plotter.XYs, len(s.X))
		for i := range s.X {
			pts[i] = plotter.XY{X: s.X[i], Y: s.Y[i]}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		c := palette[s.Group%len(palette)]
		l.Color = c
		l.Width = vg.Points(1.5)
		p.Add(l)
		if s.Dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			l.Width = vg.Points(1)
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return err
			}
			sc.Color = c
			sc.Shape = draw.CircleGlyph{}
			sc.Radius = vg.Points(2)
			p.Add(sc)
			p.Legend.Add(s.Name, l, sc)
		} else {
			p.Legend.Add(s.Name, l)
		}
	}
	// Leave room above the curves for the legend.
	p.Y.Max *= 1.45
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	p.Legend.ThumbnailWidth = vg.Points(20)
	if err := p.Save(8*vg.Inch, 5*vg.Inch, path); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
