package output

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// measured is a text.Handler that keeps what the handler it wraps
// measured: a sheet measures its tick labels, titles and legends several
// times (aligning the plots, then drawing each), and gonum's plain handler
// looks every glyph up in the font afresh each time. The values are the
// wrapped handler's own, so the drawing does not change.
type measured struct {
	text.Handler
	boxes   map[boxKey][3]vg.Length
	extents map[font.Font]font.Extents
}

type boxKey struct {
	txt string
	fnt font.Font
}

// Extents returns the wrapped handler's extents of fnt.
func (m *measured) Extents(fnt font.Font) font.Extents {
	e, ok := m.extents[fnt]
	if !ok {
		e = m.Handler.Extents(fnt)
		m.extents[fnt] = e
	}
	return e
}

// Box returns the wrapped handler's box of txt in fnt.
func (m *measured) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	k := boxKey{txt, fnt}
	b, ok := m.boxes[k]
	if !ok {
		b[0], b[1], b[2] = m.Handler.Box(txt, fnt)
		m.boxes[k] = b
	}
	return b[0], b[1], b[2]
}

// ticks is a plot.Ticker that keeps the marks gonum's tickers returned:
// an axis asks for its marks about seven times in a drawing (its size,
// its labels' widths and heights, its lines), each time formatting every
// label again. The marks are the wrapped ticker's, so the drawing does
// not change.
type ticks struct {
	plot.Ticker
	min, max float64
	marks    []plot.Tick
}

// Ticks returns the wrapped ticker's marks between min and max.
func (t *ticks) Ticks(min, max float64) []plot.Tick {
	if t.marks == nil || min != t.min || max != t.max {
		t.min, t.max, t.marks = min, max, t.Ticker.Ticks(min, max)
	}
	return t.marks
}

// measure makes the plots' text styles that use gonum's plain handler
// (plot.New's) measure through one measured handler per font cache, and
// their axes that use gonum's own tickers keep their marks (ticks), for
// one drawing; the returned function restores their handlers and tickers.
func measure(plots [][]*plot.Plot) (restore func()) {
	wrap := map[*font.Cache]*measured{}
	var styles []*text.Style
	var was []text.Handler
	var axes []*plot.Axis
	var markers []plot.Ticker
	for _, r := range plots {
		for _, p := range r {
			if p == nil {
				continue
			}
			for _, s := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
				&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
				h, ok := s.Handler.(text.Plain)
				if !ok {
					continue
				}
				m := wrap[h.Fonts]
				if m == nil {
					m = &measured{Handler: h, boxes: map[boxKey][3]vg.Length{}, extents: map[font.Font]font.Extents{}}
					wrap[h.Fonts] = m
				}
				styles, was = append(styles, s), append(was, s.Handler)
				s.Handler = m
			}
			for _, a := range []*plot.Axis{&p.X, &p.Y} {
				switch a.Tick.Marker.(type) {
				case plot.DefaultTicks, plot.LogTicks, plot.ConstantTicks:
					axes, markers = append(axes, a), append(markers, a.Tick.Marker)
					a.Tick.Marker = &ticks{Ticker: a.Tick.Marker}
				}
			}
		}
	}
	return func() {
		for i, s := range styles {
			s.Handler = was[i]
		}
		for i, a := range axes {
			a.Tick.Marker = markers[i]
		}
	}
}
