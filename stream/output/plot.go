package output

import (
	"fmt"
	"image"
	"image/color"
	xdraw "image/draw"
	"math"
	"os"

	"git.sr.ht/~sbinet/gg"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// PNGMagic starts every PNG file: a command that writes a plot to a path a
// user names replaces a PNG there, never another file (Replaceable).
const PNGMagic = "\x89PNG\r\n\x1a\n"

// Series is one curve of a plot; X values are block numbers.
type Series struct {
	Name   string
	X, Y   []float64
	Dashed bool   // drawn dashed with points (human data, say)
	Group  int    // series of the same group share a colour
	Part   string // "fast", "slow" or "total": a dual stream's part, drawn in the part's style
	Points bool   // points only, no line (a metric against a grid value)
}

// Panel is one plot of a sheet.
type Panel struct {
	Title, XLabel, YLabel string
	Series                []Series
	// LogX draws the x axis on a log scale: the early blocks of a long
	// run get most of the width instead of the flat end.
	LogX bool
	// XTicks names the x values 0, 1, 2, … (a grid key whose values are
	// not numbers).
	XTicks []string
}

// palette is a colour-blind-safe set (Okabe & Ito).
var palette = []color.Color{
	color.RGBA{0, 114, 178, 255}, color.RGBA{213, 94, 0, 255}, color.RGBA{0, 158, 115, 255},
	color.RGBA{204, 121, 167, 255}, color.RGBA{230, 159, 0, 255}, color.RGBA{86, 180, 233, 255},
	color.RGBA{0, 0, 0, 255}, color.RGBA{240, 228, 66, 255},
}

// colour returns colour i of the palette.
func colour(i int) color.Color { return palette[i%len(palette)] }

// partStyle draws a dual stream's parts so that curves that coincide stay
// visible: the fast stream a wide pale line, the slow one dashed, the
// total a thin black line with diamonds over them.
var partStyle = map[string]struct {
	colour color.Color
	width  float64
	dashes []vg.Length
	glyph  draw.GlyphDrawer
}{
	"fast":  {color.RGBA{86, 180, 233, 255}, 4.5, nil, nil},
	"slow":  {color.RGBA{213, 94, 0, 255}, 1.5, []vg.Length{vg.Points(5), vg.Points(3)}, nil},
	"total": {color.RGBA{0, 0, 0, 255}, 1, nil, draw.PyramidGlyph{}},
}

// LongRun is the number of blocks from which a curve's block axis is
// logarithmic in lc.png.
const LongRun = 64

// PlotCurves draws learning curves (probability of error against block)
// into a PNG file, one panel.
func PlotCurves(path, title string, series []Series) error {
	return PlotSheet(path, title, [][]*Panel{{{XLabel: "block", YLabel: "probability of error", Series: series}}}, 8*vg.Inch, 5*vg.Inch)
}

// PlotSheet draws rows of panels (a nil panel leaves its cell empty) into
// a PNG file, each cell w × h, under a title.
func PlotSheet(path, title string, rows [][]*Panel, w, h vg.Length) error {
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return fmt.Errorf("%s: no panels to draw", path)
	}
	plots := make([][]*plot.Plot, len(rows))
	for i, r := range rows {
		plots[i] = make([]*plot.Plot, cols)
		for j, pn := range r {
			if pn == nil {
				continue
			}
			p, err := pn.plot(len(rows)*cols > 1)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			plots[i][j] = p
		}
	}
	return SavePlots(path, title, plots, w, h)
}

// SavePlots draws rows of plots (a nil plot leaves its cell empty),
// aligned, each cell w × h, under a title, into a PNG file. While it
// draws, the plots' text handlers, tickers and white backgrounds are
// swapped for the drawing's (see measure), then restored: a plot must not
// be drawn elsewhere at the same time.
func SavePlots(path, title string, plots [][]*plot.Plot, w, h vg.Length) error {
	cols := 0
	for _, r := range plots {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return fmt.Errorf("%s: no panels to draw", path)
	}
	for i := range plots {
		plots[i] = append(plots[i], make([]*plot.Plot, cols-len(plots[i]))...)
	}
	img, dc, free := newSheet(sheetSize(title, plots, w, h))
	defer free()
	drawSheet(dc, title, plots)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := encodePNG(f, img); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// titleTop is the height a sheet's title takes above its plots, in
// points (vg.Length's unit).
const titleTop vg.Length = 22

// sheetSize returns the size of a sheet of plots (all rows padded to one
// length) with cells w × h under a title.
func sheetSize(title string, plots [][]*plot.Plot, w, h vg.Length) (vg.Length, vg.Length) {
	top := vg.Length(0)
	if title != "" {
		top = titleTop
	}
	return vg.Length(len(plots[0])) * w, vg.Length(len(plots))*h + top
}

// drawSheet draws the title and the plots (rows of one length) aligned
// on dc.
func drawSheet(dc draw.Canvas, title string, plots [][]*plot.Plot) {
	if title != "" {
		ts := draw.TextStyle{Color: color.Black, Font: plot.DefaultFont, Handler: plot.DefaultTextHandler, XAlign: draw.XCenter, YAlign: draw.YTop}
		ts.Font.Size = vg.Points(12)
		dc.FillText(ts, vg.Point{X: dc.Center().X, Y: dc.Max.Y - vg.Points(4)}, title)
		dc.Max.Y -= titleTop
	}
	tiles := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter * 3, PadY: vg.Millimeter * 3,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 3}
	defer measure(plots)()
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j, p := range plots[i] {
			if p == nil {
				continue
			}
			if bg := p.BackgroundColor; white(bg) {
				// The sheet is white already: filling the plot's
				// rectangle with white again changes no pixel.
				p.BackgroundColor = nil
				p.Draw(canvases[i][j])
				p.BackgroundColor = bg
				continue
			}
			p.Draw(canvases[i][j])
		}
	}
}

// white reports whether c is opaque white, a sheet's background.
func white(c color.Color) bool {
	if c == nil {
		return false
	}
	r, g, b, a := c.RGBA()
	return r == 0xffff && g == 0xffff && b == 0xffff && a == 0xffff
}

// newSheet returns a white w × h image, a canvas drawing into it at
// gonum's default resolution, the pixels vgimg.New(w, h) draws, and the
// function that frees the image's pixels (see pixels), after which
// neither may be used: vgimg.New would draw into a copy of its image
// (gg.NewContextForImage copies), twice the memory to map and clear, a
// tenth of a small command's CPU.
func newSheet(w, h vg.Length) (*image.RGBA, draw.Canvas, func()) {
	dpi := vg.Length(vgimg.DefaultDPI)
	r := image.Rect(0, 0, int(w/vg.Inch*dpi+0.5), int(h/vg.Inch*dpi+0.5))
	pix, free := pixels(4 * r.Dx() * r.Dy())
	img := &image.RGBA{Pix: pix, Stride: 4 * r.Dx(), Rect: r}
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	c := vgimg.NewWith(vgimg.UseImageWithContext(img, ctx)) // white: vgimg's default background
	colors := []color.Color{color.Black}                    // vg.Initialize's, which vgimg.NewWith called
	return img, draw.NewCanvas(sheetCanvas{Canvas: c, ctx: ctx, img: img, h: h, colors: &colors, glyphs: newGlyphs()}, w, h), free
}

// sheetCanvas is a vgimg.Canvas made with UseImageWithContext whose
// text is placed as on a canvas of height h (vgimg takes the height from
// the image's whole pixels, a fraction of a pixel off h) and drawn
// straight onto the image when nothing rotates or scales it.
type sheetCanvas struct {
	*vgimg.Canvas
	ctx    *gg.Context
	img    *image.RGBA
	h      vg.Length
	colors *[]color.Color // the colour gg's context paints with, and those its Push saved
	glyphs *glyphs
}

// SetColor sets the colour as vgimg.Canvas.SetColor does, and keeps it.
func (c sheetCanvas) SetColor(clr color.Color) {
	if clr == nil {
		clr = color.Black // vgimg's
	}
	c.Canvas.SetColor(clr)
	(*c.colors)[len(*c.colors)-1] = clr
}

// Push saves the state as vgimg.Canvas.Push does, the colour with it.
func (c sheetCanvas) Push() {
	c.Canvas.Push()
	*c.colors = append(*c.colors, (*c.colors)[len(*c.colors)-1])
}

// Pop restores the state as vgimg.Canvas.Pop does, the colour with it.
func (c sheetCanvas) Pop() {
	c.Canvas.Pop()
	*c.colors = (*c.colors)[:len(*c.colors)-1]
}

// FillString draws str at pt as vgimg.Canvas.FillString does, from the
// height h. gg draws each glyph through an interpolating transform, pixel
// by pixel through the image's interfaces; when the transform is the
// identity (text that is not rotated), each glyph's mask lands on whole
// pixels and image/draw's DrawMask composites it with the same integer
// arithmetic, several times faster, the masks from the sheet's glyphs.
func (c sheetCanvas) FillString(f font.Face, pt vg.Point, str string) {
	if f.Font.Size == 0 {
		return
	}
	c.ctx.Push()
	defer c.ctx.Pop()
	x, y, h := pt.X.Dots(c.DPI()), pt.Y.Dots(c.DPI()), c.h.Dots(c.DPI())
	c.ctx.InvertY()
	if !identity(c.ctx) {
		face := f.FontFace(c.DPI())
		defer face.Close()
		c.ctx.SetFontFace(face)
		c.ctx.DrawString(str, x, h-y)
		return
	}
	// gg's drawString, each glyph composited directly.
	src := image.NewUniform((*c.colors)[len(*c.colors)-1])
	dot := fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round((h - y) * 64))}
	g := c.glyphs.of(f, c.DPI())
	defer g.close()
	prev := rune(-1)
	for _, r := range str {
		if prev >= 0 {
			dot.X += g.kern(prev, r)
		}
		dr, mask, mp, advance, ok := g.glyph(dot, r)
		if !ok {
			continue
		}
		xdraw.DrawMask(c.img, dr, src, image.Point{}, mask, mp, xdraw.Over)
		dot.X += advance
		prev = r
	}
}

// identity reports whether ctx's transform is the identity, exactly.
func identity(ctx *gg.Context) bool {
	x0, y0 := ctx.TransformPoint(0, 0)
	x1, y1 := ctx.TransformPoint(1, 0)
	x2, y2 := ctx.TransformPoint(0, 1)
	return x0 == 0 && y0 == 0 && x1 == 1 && y1 == 0 && x2 == 0 && y2 == 1
}

// plot builds the panel's plot; small panels get smaller text.
func (pn *Panel) plot(small bool) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = pn.Title
	p.X.Label.Text = pn.XLabel
	p.Y.Label.Text = pn.YLabel
	font := vg.Points(8)
	if small {
		p.Title.TextStyle.Font.Size = vg.Points(10)
		p.X.Label.TextStyle.Font.Size, p.Y.Label.TextStyle.Font.Size = vg.Points(8), vg.Points(8)
		p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = vg.Points(7), vg.Points(7)
		font = vg.Points(7)
	}
	p.Add(plotter.NewGrid())
	ymax, ymin, points, entries := 0.0, math.Inf(1), false, 0
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, s := range pn.Series {
		if len(s.X) != len(s.Y) || len(s.X) == 0 {
			return nil, fmt.Errorf("series %q has %d x and %d y values", s.Name, len(s.X), len(s.Y))
		}
		pts := make(plotter.XYs, len(s.X))
		for i := range s.X {
			pts[i] = plotter.XY{X: s.X[i], Y: s.Y[i]}
			ymax, ymin = max(ymax, s.Y[i]), min(ymin, s.Y[i])
			xmin, xmax = min(xmin, s.X[i]), max(xmax, s.X[i])
		}
		points = points || s.Points
		if s.Name != "" && !s.Points {
			entries++
		}
		if err := addSeries(p, s, pts, pn.LogX); err != nil {
			return nil, err
		}
	}
	if points { // a metric: its own range, not from 0
		pad := (ymax - ymin) * 0.08
		p.Y.Min, p.Y.Max = ymin-pad, ymax+pad+1e-12
		pad = max((xmax-xmin)*0.06, 0.5*float64(min(len(pn.XTicks), 1)))
		if !pn.LogX {
			p.X.Min, p.X.Max = xmin-pad, xmax+pad
		}
	} else {
		// From 0 to just above the curves, with room for the legend.
		p.Y.Min, p.Y.Max = 0, niceMax(ymax*(1+0.07*float64(entries)))
	}
	if pn.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		if points {
			p.X.Min, p.X.Max = xmin/1.5, xmax*1.5
		}
	}
	if len(pn.XTicks) > 0 {
		ticks := make(plot.ConstantTicks, len(pn.XTicks))
		for i, t := range pn.XTicks {
			ticks[i] = plot.Tick{Value: float64(i), Label: t}
		}
		p.X.Tick.Marker = ticks
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = font
	p.Legend.ThumbnailWidth = vg.Points(22)
	return p, nil
}

// niceMax returns a round upper limit a little above y.
func niceMax(y float64) float64 {
	if y <= 0 || math.IsNaN(y) {
		return 1
	}
	y *= 1.05
	step := math.Pow(10, math.Floor(math.Log10(y)))
	for _, m := range []float64{1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if m*step >= y {
			return m * step
		}
	}
	return 10 * step
}

// addSeries draws s: a dual stream's part in its style, human data dashed
// with points, a metric as points, other curves as lines of their group's
// colour. Markers are spread evenly along the x axis, logarithmic or not.
func addSeries(p *plot.Plot, s Series, pts plotter.XYs, logX bool) error {
	c := colour(s.Group)
	if s.Points {
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.Color, sc.Shape, sc.Radius = c, draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(sc)
		return nil
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	l.Color, l.Width = c, vg.Points(1.5)
	thumbs := []plot.Thumbnailer{l}
	switch st, ok := partStyle[s.Part]; {
	case ok:
		l.Color, l.Width, l.Dashes = st.colour, vg.Points(st.width), st.dashes
		if st.glyph != nil {
			// Markers at a dozen places, so the line under them shows.
			var mk plotter.XYs
			last := -1
			for k := 0; k < 12; k++ {
				f := float64(k) / 11
				i := int(math.Round(f * float64(len(pts)-1)))
				if logX {
					i = int(math.Round(math.Pow(float64(len(pts)), f))) - 1
				}
				if i > last && i < len(pts) {
					mk, last = append(mk, pts[i]), i
				}
			}
			sc, err := plotter.NewScatter(mk)
			if err != nil {
				return err
			}
			sc.Color, sc.Shape, sc.Radius = st.colour, st.glyph, vg.Points(2.2)
			p.Add(l, sc)
			p.Legend.Add(s.Name, l, sc)
			return nil
		}
	case s.Dashed:
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		l.Width = vg.Points(1)
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.Color, sc.Shape, sc.Radius = c, draw.CircleGlyph{}, vg.Points(2)
		p.Add(l, sc)
		p.Legend.Add(s.Name, l, sc)
		return nil
	}
	p.Add(l)
	if s.Name != "" {
		p.Legend.Add(s.Name, thumbs...)
	}
	return nil
}
