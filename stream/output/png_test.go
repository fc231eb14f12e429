package output

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestEncodePNG: what encodePNG writes decodes to the image's pixels, for
// opaque images of any size and origin (a sub-image too); an image with
// transparency is image/png's encoding.
func TestEncodePNG(t *testing.T) {
	fill := func(r image.Rectangle, alpha func(x, y int) uint8) *image.RGBA {
		img := image.NewRGBA(r)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				a := alpha(x, y)
				v := func(k int) uint8 { return uint8((x*7+y*13+k*29)%256) * a / 255 }
				img.SetRGBA(x, y, color.RGBA{v(0), v(1), v(2), a})
			}
		}
		return img
	}
	opaque := func(int, int) uint8 { return 255 }
	big := fill(image.Rect(0, 0, 300, 40), opaque)
	for _, img := range []*image.RGBA{
		fill(image.Rect(0, 0, 1, 1), opaque),
		fill(image.Rect(0, 0, 7, 3), opaque),
		fill(image.Rect(-5, 2, 60, 9), opaque),
		big,
		big.SubImage(image.Rect(10, 5, 200, 30)).(*image.RGBA),
	} {
		var buf bytes.Buffer
		require.NoError(t, encodePNG(&buf, img))
		got, err := png.Decode(&buf)
		require.NoError(t, err, img.Bounds())
		b := img.Bounds()
		require.Equal(t, b.Size(), got.Bounds().Size())
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				p := got.Bounds().Min.Add(image.Pt(x, y).Sub(b.Min))
				require.Equal(t, color.RGBAModel.Convert(img.At(x, y)), color.RGBAModel.Convert(got.At(p.X, p.Y)), "%v: pixel (%d, %d)", b, x, y)
			}
		}
	}
	clear := fill(image.Rect(0, 0, 9, 4), func(x, y int) uint8 { return uint8(x * 30) })
	var got, want bytes.Buffer
	require.NoError(t, encodePNG(&got, clear))
	require.NoError(t, (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&want, clear))
	require.Equal(t, want.Bytes(), got.Bytes())
}

// TestNewSheet: a sheet drawn by drawSheet on newSheet's canvas (which
// measures text through measured and leaves the white plots' background
// unfilled) has the pixels of the same sheet drawn by gonum alone on
// vgimg.New's canvas (drawPlain), at sizes of whole and of fractional
// pixels, with and without a title.
func TestNewSheet(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	for _, tc := range []struct {
		title      string
		rows, cols int
		w, h       vg.Length
	}{
		{"multiunit config1: 50 runs; humans: Nosofsky et al. (1994)", 2, 6, 3 * vg.Inch, 2.7 * vg.Inch},
		{"a title", 1, 2, 5 * vg.Inch, 3.6 * vg.Inch},
		{"", 1, 1, 3.33 * vg.Inch, 2.17 * vg.Inch},
	} {
		sheet := func() [][]*plot.Plot {
			plots := make([][]*plot.Plot, tc.rows)
			for i := range plots {
				for j := range tc.cols {
					pn := &Panel{Title: "type", XLabel: "block", YLabel: "probability of error", LogX: j == 1,
						Series: []Series{{Name: "model", X: x, Y: []float64{0.5, 0.3, 0.2, 0.1}, Group: j},
							{Name: "humans", X: x, Y: []float64{0.4, 0.2, 0.1, 0}, Dashed: true, Group: j}}}
					if j == 2 { // a metric against named grid values
						pn.XTicks = []string{"lo", "mid", "hi", "top"}
						pn.Series = []Series{{Name: "auc", X: []float64{0, 1, 2, 3}, Y: []float64{3.5, 2.25, 2.5, 1}, Points: true}}
					}
					p, err := pn.plot(tc.rows*tc.cols > 1)
					require.NoError(t, err)
					plots[i] = append(plots[i], p)
				}
			}
			return plots
		}
		w, h := sheetSize(tc.title, sheet(), tc.w, tc.h)
		want := vgimg.New(w, h)
		drawPlain(draw.New(want), tc.title, sheet())
		got, dc, free := newSheet(w, h)
		drawSheet(dc, tc.title, sheet())
		require.Equal(t, want.Image().Bounds(), got.Bounds())
		require.Equal(t, want.Image().(*image.RGBA).Pix, got.Pix, "%q: the pixels differ", tc.title)
		free()
	}
}

// drawPlain draws a sheet as drawSheet does but with gonum's own text
// handler and the plots' white background filled.
func drawPlain(dc draw.Canvas, title string, plots [][]*plot.Plot) {
	if title != "" {
		ts := draw.TextStyle{Color: color.Black, Font: plot.DefaultFont, Handler: plot.DefaultTextHandler, XAlign: draw.XCenter, YAlign: draw.YTop}
		ts.Font.Size = vg.Points(12)
		dc.FillText(ts, vg.Point{X: dc.Center().X, Y: dc.Max.Y - vg.Points(4)}, title)
		dc.Max.Y -= titleTop
	}
	tiles := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter * 3, PadY: vg.Millimeter * 3,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 3}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j, p := range plots[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
}

// BenchmarkEncodePNG encodes a sheet of the multi-unit command's size.
func BenchmarkEncodePNG(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 1728, 548))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := 0; y < 548; y += 7 {
		for x := 0; x < 1728; x += 3 {
			img.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), 0, 255})
		}
	}
	for b.Loop() {
		var buf bytes.Buffer
		if err := encodePNG(&buf, img); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSheetText: text drawn on newSheet's canvas (straight onto the
// image when not rotated) has the pixels of the same text drawn by
// vgimg.New's, in colours opaque and translucent, set inside and outside
// saved states, at fractional positions, rotated or not, and before any
// colour is set.
func TestSheetText(t *testing.T) {
	w, h := 3.3*vg.Inch, 2.1*vg.Inch
	paint := func(dc draw.Canvas) {
		ts := draw.TextStyle{Font: plot.DefaultFont, Handler: plot.DefaultTextHandler}
		ts.Font.Size = vg.Points(11)
		dc.FillString(ts.Handler.Cache().Lookup(ts.Font, ts.Font.Size), vg.Point{X: 10.3, Y: 12.7}, "no colour set")         // gg's first colour
		dc.FillString(ts.Handler.Cache().Lookup(ts.Font, ts.Font.Size), vg.Point{X: 20.1, Y: 140.2}, "AVATAR LT Ty Ly WAVE") // kerned pairs, a rune after several
		for i, c := range []color.Color{color.Black, color.RGBA{213, 94, 0, 255}, color.RGBA{0, 60, 120, 128}, color.NRGBA{0, 158, 115, 77}, nil} {
			ts.Color = c
			ts.Rotation = float64(i%2) * 0.5 * math.Pi
			ts.XAlign, ts.YAlign = draw.XAlignment(-0.5*float64(i%3)), draw.YAlignment(-0.5*float64(i%2))
			dc.Push()
			dc.FillText(ts, vg.Point{X: vg.Length(30 + 37.3*float64(i)), Y: vg.Length(40 + 21.7*float64(i))}, fmt.Sprintf("Type %d: AVWa 0.%d", i, i))
			dc.SetColor(color.RGBA{230, 159, 0, 255})
			dc.Pop()
			dc.FillString(ts.Handler.Cache().Lookup(ts.Font, ts.Font.Size), vg.Point{X: vg.Length(100 + 11.1*float64(i)), Y: vg.Length(120.5 - 9.9*float64(i))}, "after Pop")
		}
	}
	want := vgimg.New(w, h)
	paint(draw.New(want))
	got, dc, free := newSheet(w, h)
	defer free()
	paint(dc)
	require.Equal(t, want.Image().(*image.RGBA).Pix, got.Pix, "the pixels differ")
}
