package output

import (
	"image"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// glyphs keeps the glyphs a sheet's text rasterised and the kerning
// between them: a face rasterises a glyph alike at every whole pixel, so
// the labels a sheet repeats (the same titles and ticks in every column,
// columns a whole number of pixels apart) are rasterised once.
type glyphs struct {
	masks map[glyphKey]glyphMask
	kerns map[kernKey]fixed.Int26_6
}

// glyphKey names a glyph of a face, rasterised with the dot at a position
// within a pixel.
type glyphKey struct {
	face   *opentype.Font
	size   vg.Length
	r      rune
	fx, fy fixed.Int26_6 // the dot's position within its pixel, 0–63
}

type kernKey struct {
	face    *opentype.Font
	size    vg.Length
	prev, r rune
}

// glyphMask is what a face's Glyph returned, its rectangle relative to the
// dot's pixel and its mask a copy.
type glyphMask struct {
	dr      image.Rectangle
	mask    *image.Alpha
	mp      image.Point
	advance fixed.Int26_6
	ok      bool
}

func newGlyphs() *glyphs {
	return &glyphs{masks: map[glyphKey]glyphMask{}, kerns: map[kernKey]fixed.Int26_6{}}
}

// of returns the glyphs of font f at dpi, for one string.
func (g *glyphs) of(f font.Face, dpi float64) *faceGlyphs {
	return &faceGlyphs{glyphs: g, f: f, dpi: dpi}
}

// faceGlyphs gives a face's glyphs and kerning from the sheet's, or from
// the face itself (made at the first that is not kept).
type faceGlyphs struct {
	*glyphs
	f    font.Face
	dpi  float64
	face xfont.Face
}

func (g *faceGlyphs) xface() xfont.Face {
	if g.face == nil {
		g.face = g.f.FontFace(g.dpi)
	}
	return g.face
}

// close closes the face, if one was made.
func (g *faceGlyphs) close() {
	if g.face != nil {
		g.face.Close()
	}
}

// kern returns the face's kerning between prev and r.
func (g *faceGlyphs) kern(prev, r rune) fixed.Int26_6 {
	k := kernKey{g.f.Face, g.f.Font.Size, prev, r}
	v, ok := g.kerns[k]
	if !ok {
		v = g.xface().Kern(prev, r)
		g.kerns[k] = v
	}
	return v
}

// glyph returns what the face's Glyph(dot, r) returns, the mask kept by
// the sheet when the face gives an *image.Alpha (opentype's faces do).
func (g *faceGlyphs) glyph(dot fixed.Point26_6, r rune) (image.Rectangle, image.Image, image.Point, fixed.Int26_6, bool) {
	px := image.Point{X: int(dot.X >> 6), Y: int(dot.Y >> 6)} // the dot's pixel (a floor)
	k := glyphKey{g.f.Face, g.f.Font.Size, r, dot.X & 63, dot.Y & 63}
	if m, ok := g.masks[k]; ok {
		if m.mask == nil {
			return m.dr.Add(px), nil, m.mp, m.advance, m.ok
		}
		return m.dr.Add(px), m.mask, m.mp, m.advance, m.ok
	}
	dr, mask, mp, advance, ok := g.xface().Glyph(dot, r)
	a, alpha := mask.(*image.Alpha)
	if !alpha && ok {
		return dr, mask, mp, advance, ok
	}
	m := glyphMask{dr: dr.Sub(px), mp: mp, advance: advance, ok: ok}
	if alpha {
		m.mask = &image.Alpha{Pix: append([]uint8(nil), a.Pix...), Stride: a.Stride, Rect: a.Rect}
	}
	g.masks[k] = m
	if m.mask == nil {
		return dr, nil, mp, advance, ok
	}
	return dr, m.mask, mp, advance, ok
}
