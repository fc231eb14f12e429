package fitspec

import (
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/fastslow/stream/estimate"
	"github.com/fastslow/stream/output"
)

// Panel is one fit's curves for a figure that sets fits side by side.
type Panel struct {
	Title      string
	Conditions []string
	Data       [][]float64 // [condition][block]
	Model      [][]float64
}

// ReadPanel reads the curves of a fit's results folder (curves.csv), and
// titles them with its model, loss and ordinal adequacy (fit.json).
func ReadPanel(dir string) (*Panel, error) {
	curves, err := ReadCurves(filepath.Join(dir, "curves.csv"))
	if err != nil {
		return nil, err
	}
	p := &Panel{Title: filepath.Base(dir)}
	for _, c := range curves {
		p.Conditions = append(p.Conditions, c.Condition)
		p.Data = append(p.Data, c.Data)
		p.Model = append(p.Model, c.Model)
	}
	var sum struct {
		Model string `json:"model"`
		Loss  string `json:"loss"`
		Best  struct {
			Loss float64       `json:"loss"`
			OAT  *estimate.OAT `json:"oat"`
		} `json:"best"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "fit.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "fit.json"), err)
	}
	p.Title = fmt.Sprintf("%s: %s %.3g", sum.Model, sum.Loss, sum.Best.Loss)
	if sum.Best.OAT != nil {
		p.Title += map[bool]string{true: ", OAT pass", false: ", OAT fail"}[sum.Best.OAT.Pass]
	}
	return p, nil
}

// label names a condition in a legend: SHJ types by their numeral.
func label(cond string) string {
	roman := map[string]string{"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V", "6": "VI"}
	if r, ok := roman[cond]; ok {
		return "type " + r
	}
	return cond
}

// okabeIto is a colour-blind-safe palette (Okabe & Ito), one colour per
// condition.
var okabeIto = []color.Color{
	color.RGBA{0, 114, 178, 255}, color.RGBA{213, 94, 0, 255}, color.RGBA{0, 158, 115, 255},
	color.RGBA{204, 121, 167, 255}, color.RGBA{230, 159, 0, 255}, color.RGBA{86, 180, 233, 255},
	color.RGBA{0, 0, 0, 255}, color.RGBA{240, 228, 66, 255},
}

// PlotPanels draws fits side by side into a PNG file, each panel its
// model's curves (solid) over the data (dashed, with points), the same
// colour per condition in every panel.
func PlotPanels(path string, panels []*Panel) error {
	if len(panels) == 0 {
		return fmt.Errorf("%s: no fits to plot", path)
	}
	cols := len(panels)
	if cols > 3 {
		cols = int(math.Ceil(math.Sqrt(float64(cols))))
	}
	rows := (len(panels) + cols - 1) / cols
	ymax := 0.0
	for _, pn := range panels {
		for c := range pn.Conditions {
			for b := range pn.Data[c] {
				ymax = max(ymax, pn.Data[c][b], pn.Model[c][b])
			}
		}
	}
	plots := make([][]*plot.Plot, rows)
	for r := range plots {
		plots[r] = make([]*plot.Plot, cols)
	}
	for i, pn := range panels {
		p := plot.New()
		p.Title.Text = pn.Title
		p.Title.TextStyle.Font.Size = vg.Points(9)
		p.X.Label.Text = "block"
		p.Y.Label.Text = "probability of error"
		p.Y.Min, p.Y.Max = 0, ymax*1.3 // room for the legend
		p.Add(plotter.NewGrid())
		for c, name := range pn.Conditions {
			col := okabeIto[c%len(okabeIto)]
			for k, ys := range [][]float64{pn.Data[c], pn.Model[c]} {
				pts := make(plotter.XYs, len(ys))
				for b, y := range ys {
					pts[b] = plotter.XY{X: float64(b + 1), Y: y}
				}
				l, err := plotter.NewLine(pts)
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				l.Color = col
				if k == 0 {
					l.Width = vg.Points(0.8)
					l.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
					sc, err := plotter.NewScatter(pts)
					if err != nil {
						return fmt.Errorf("%s: %w", path, err)
					}
					sc.Color, sc.Shape, sc.Radius = col, draw.CircleGlyph{}, vg.Points(1.5)
					p.Add(l, sc)
				} else {
					l.Width = vg.Points(1.5)
					p.Add(l)
					if i == 0 {
						p.Legend.Add(label(name), l)
					}
				}
			}
		}
		if i == 0 {
			// One entry for the data's style, in grey.
			l, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}})
			l.Color, l.Width, l.Dashes = color.Gray{Y: 100}, vg.Points(0.8), []vg.Length{vg.Points(3), vg.Points(2)}
			sc, _ := plotter.NewScatter(plotter.XYs{{X: 0, Y: 0}})
			sc.Color, sc.Shape, sc.Radius = color.Gray{Y: 100}, draw.CircleGlyph{}, vg.Points(1.5)
			p.Legend.Add("data", l, sc)
		}
		p.Legend.Top = true
		p.Legend.TextStyle.Font.Size = vg.Points(7)
		p.Legend.ThumbnailWidth = vg.Points(16)
		plots[i/cols][i%cols] = p
	}
	return output.SavePlots(path, "", plots, 3.6*vg.Inch, 3*vg.Inch)
}
