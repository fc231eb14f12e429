package output

import "image/color"

// Colour returns colour i (cycling) of the colour-blind-safe palette
// (Okabe & Ito) the toolkit's plots draw series in, so that every plot
// shares it.
func Colour(i int) color.Color { return palette[((i%len(palette))+len(palette))%len(palette)] }
