package plot

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ScatterOptions label a [Scatter] figure.
type ScatterOptions struct {
	Title, XLabel, YLabel string
	// ValueLabel names the colour value, e.g. "validation accuracy (%)".
	ValueLabel string
}

// unknownColor marks points whose value is unknown (NaN).
var unknownColor = color.NRGBA{R: 170, G: 170, B: 170, A: 160}

// Scatter draws points (x[i], y[i]) coloured by value[i] on a viridis
// scale, with a colour bar at the right. The scale runs from the 10th
// percentile of the values to their maximum, so that a few outliers (cells
// that do not train) do not flatten it; lower values take its lowest
// colour. Points with a NaN value are drawn
// first, in light grey, so that known values stay visible; points with a
// non-finite coordinate are left out. It returns an error if the slices
// differ in length or no point can be drawn.
func Scatter(x, y, value []float64, opts ScatterOptions) (*Figure, error) {
	if len(x) != len(y) || len(x) != len(value) {
		return nil, fmt.Errorf("plot: scatter: %d x, %d y and %d values", len(x), len(y), len(value))
	}
	var unknown, known plotter.XYs
	var vals []float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range x {
		if !finite(x[i], y[i]) {
			continue
		}
		pt := plotter.XY{X: x[i], Y: y[i]}
		if !finite(value[i]) {
			unknown = append(unknown, pt)
			continue
		}
		known = append(known, pt)
		vals = append(vals, value[i])
		lo, hi = min(lo, value[i]), max(hi, value[i])
	}
	if len(known)+len(unknown) == 0 {
		return nil, fmt.Errorf("plot: scatter %q: no finite points", opts.Title)
	}
	p := plot.New()
	f := newFigure(p)
	p.Title.Text = opts.Title
	p.X.Label.Text = opts.XLabel
	p.Y.Label.Text = opts.YLabel
	radius := markerRadius(len(known) + len(unknown))
	if len(unknown) > 0 {
		s, err := plotter.NewScatter(unknown)
		if err != nil {
			return nil, fmt.Errorf("plot: scatter: %w", err)
		}
		s.GlyphStyle = draw.GlyphStyle{Color: unknownColor, Radius: radius, Shape: draw.CircleGlyph{}}
		f.add(s)
	}
	if len(known) == 0 {
		return f, nil
	}
	lo = quantile(vals, colorLowQuantile)
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	cmap := viridis()
	cmap.SetMin(lo)
	cmap.SetMax(hi)
	s, err := plotter.NewScatter(known)
	if err != nil {
		return nil, fmt.Errorf("plot: scatter: %w", err)
	}
	s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		c, err := cmap.At(min(max(vals[i], lo), hi))
		if err != nil { // only for values outside [lo, hi], which cannot happen
			c = unknownColor
		}
		return draw.GlyphStyle{Color: c, Radius: radius, Shape: draw.CircleGlyph{}}
	}
	f.add(s)

	bar := plot.New()
	bar.HideX()
	bar.Y.Label.Text = opts.ValueLabel
	bar.Add(&plotter.ColorBar{ColorMap: cmap, Vertical: true, Colors: 64})
	f.ColorBar = bar
	f.cmap = cmap
	f.Width += colorBarWidth
	return f, nil
}

// colorLowQuantile is the quantile of the values where the colour scale
// starts.
const colorLowQuantile = 0.1

// quantile returns the q-quantile of xs (lower nearest rank), not
// modifying xs.
func quantile(xs []float64, q float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}

// viridisControls are control colours of matplotlib's viridis map, whose
// luminance increases monotonically.
var viridisControls = []color.Color{
	color.NRGBA{0x44, 0x01, 0x54, 0xff}, color.NRGBA{0x3b, 0x52, 0x8b, 0xff}, color.NRGBA{0x21, 0x91, 0x8c, 0xff},
	color.NRGBA{0x5e, 0xc9, 0x62, 0xff}, color.NRGBA{0xfd, 0xe7, 0x25, 0xff},
}

// viridis returns a viridis-like colour map.
func viridis() palette.ColorMap {
	m, err := moreland.NewLuminance(viridisControls)
	if err != nil {
		panic("plot: viridis control colours: " + err.Error()) // fixed, monotonic controls
	}
	return m
}

// markerRadius shrinks the markers as the points get denser.
func markerRadius(n int) vg.Length {
	switch {
	case n > 20000:
		return vg.Points(1)
	case n > 2000:
		return vg.Points(1.5)
	case n > 200:
		return vg.Points(2.5)
	}
	return vg.Points(3.5)
}
