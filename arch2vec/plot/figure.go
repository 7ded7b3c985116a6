package plot

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Default figure size: 6 × 4 inches, 576 × 384 pixels at the PNG's 96 dpi.
const (
	DefaultWidth  = 6 * vg.Inch
	DefaultHeight = 4 * vg.Inch
	// DPI is the resolution of PNG output.
	DPI = 96
)

// colorBarWidth is the width of the strip at the right of a figure that
// holds its colour bar.
const colorBarWidth = 0.9 * vg.Inch

// Figure is a drawn figure: a gonum/plot plot and, for maps coloured by a
// value, the colour bar drawn at its right. Callers may adjust the plots
// (titles, ranges) before rendering.
type Figure struct {
	// Plot is the main plot.
	Plot *plot.Plot
	// ColorBar is the colour legend drawn in a strip at the right, or nil.
	ColorBar *plot.Plot
	// Width and Height are the size of the whole figure.
	Width, Height vg.Length

	layers []plot.Plotter   // what was added to Plot, in order
	cmap   palette.ColorMap // the colour bar's map, or nil
}

// add adds plotters to the main plot and records them.
func (f *Figure) add(ps ...plot.Plotter) {
	f.Plot.Add(ps...)
	f.layers = append(f.layers, ps...)
}

// Plotters returns the plotters of the main plot in drawing order (grid
// included): the plotted data, for inspection and tests.
func (f *Figure) Plotters() []plot.Plotter { return append([]plot.Plotter(nil), f.layers...) }

// ColorMap returns the map of the colour bar, or nil for a figure without
// one. Its Min and Max are the range of the coloured values.
func (f *Figure) ColorMap() palette.ColorMap { return f.cmap }

// newFigure returns a figure of the default size around p.
func newFigure(p *plot.Plot) *Figure {
	return &Figure{Plot: p, Width: DefaultWidth, Height: DefaultHeight}
}

// draw draws the figure on a canvas of its size.
func (f *Figure) draw(c vg.CanvasSizer) {
	dc := draw.New(c)
	if f.ColorBar == nil {
		f.Plot.Draw(dc)
		return
	}
	f.Plot.Draw(draw.Crop(dc, 0, -colorBarWidth, 0, 0))
	bar := draw.Crop(dc, f.Width-colorBarWidth, 0, 0, 0)
	f.ColorBar.Draw(draw.Crop(bar, 0, 0, 0.35*vg.Inch, -0.35*vg.Inch))
}

// PNG renders the figure as a PNG image at [DPI].
func (f *Figure) PNG() ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	c := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(DPI))
	f.draw(c)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plot: png: %w", err)
	}
	return buf.Bytes(), nil
}

// SVG renders the figure as an SVG document (fonts referenced by name, not
// embedded, to keep it small).
func (f *Figure) SVG() ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	c := vgsvg.NewWith(vgsvg.UseWH(f.Width, f.Height), vgsvg.EmbedFonts(false))
	f.draw(c)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plot: svg: %w", err)
	}
	return buf.Bytes(), nil
}

// check rejects a figure that cannot be drawn.
func (f *Figure) check() error {
	switch {
	case f == nil || f.Plot == nil:
		return errors.New("plot: empty figure")
	case f.Width <= 2*colorBarWidth || f.Height <= vg.Inch:
		return fmt.Errorf("plot: figure size %v × %v is too small", f.Width, f.Height)
	}
	return nil
}

// PixelSize returns the size in pixels of the figure's PNG.
func (f *Figure) PixelSize() (w, h int) {
	return int(f.Width.Dots(DPI) + 0.5), int(f.Height.Dots(DPI) + 0.5)
}

// finite reports whether every value is a finite number.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// colorAlpha returns the colour with 16-bit components r, g, b at opacity
// a (0–255), non-premultiplied.
func colorAlpha(r, g, b uint32, a uint8) color.NRGBA {
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
