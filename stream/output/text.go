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

// measure makes the text styles of plots that use gonum's plain handler
// (plot.New's) measure through one measured handler per font cache, for
// one drawing; the returned function restores their handlers.
func measure(plots [][]*plot.Plot) (restore func()) {
	wrap := map[*font.Cache]*measured{}
	var styles []*text.Style
	var was []text.Handler
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
		}
	}
	return func() {
		for i, s := range styles {
			s.Handler = was[i]
		}
	}
}
