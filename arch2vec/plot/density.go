package plot

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Bins is the square grid of a [Density] or [BinnedMean] map: N bins of
// equal width on each axis between Min and Max. The zero value is the
// grid of arch2vec's figure 4 (plot_scripts/visdensity.py): 51 bins on
// [−1, 1.04], each 0.04 wide, so that a coordinate of exactly 1 (where
// scaled t-SNE axes end) falls inside a bin.
type Bins struct {
	N        int
	Min, Max float64
}

// Paper's grid (see [Bins]).
const (
	paperBins          = 51
	paperBinMin        = -1.0
	paperBinMax        = 1.04
	paperAccuracyLow   = 0.82 // colour range of the accuracy map
	paperAccuracyHigh  = 0.92
	densityFigureSide  = 5 * vg.Inch
	densityPaletteSize = 255
)

// withDefaults returns the grid with the paper's values for a zero grid,
// or an error if it is invalid.
func (b Bins) withDefaults() (Bins, error) {
	if b == (Bins{}) {
		return Bins{N: paperBins, Min: paperBinMin, Max: paperBinMax}, nil
	}
	if b.N < 1 || !finite(b.Min, b.Max) || b.Min >= b.Max {
		return b, fmt.Errorf("plot: %d bins on [%v, %v]", b.N, b.Min, b.Max)
	}
	return b, nil
}

// index returns the bin of v, or −1 if v is outside [Min, Max]; Max
// itself falls in the last bin, as numpy's histograms count it.
func (b Bins) index(v float64) int {
	if !(v >= b.Min && v <= b.Max) {
		return -1
	}
	return min(int(math.Floor((v-b.Min)/(b.Max-b.Min)*float64(b.N))), b.N-1)
}

// binGrid is the Z values of a map on a grid, column c (x bin) and row r
// (y bin) at Z[c·N+r]; it is the GridXYZ of the map's heat map.
type binGrid struct {
	Bins
	z []float64
}

// Dims, Z, X and Y implement plotter.GridXYZ.
func (g *binGrid) Dims() (c, r int)     { return g.N, g.N }
func (g *binGrid) Z(c, r int) float64   { return g.z[c*g.N+r] }
func (g *binGrid) X(c int) float64      { return g.centre(c) }
func (g *binGrid) Y(r int) float64      { return g.centre(r) }
func (g *binGrid) centre(i int) float64 { return g.Min + (float64(i)+0.5)*(g.Max-g.Min)/float64(g.N) }

// DensityOptions label a [Density] figure and choose its colour scale.
type DensityOptions struct {
	Title, XLabel, YLabel string
	// Bins is the grid; the zero value is the paper's 51 × 51 on [−1, 1.04].
	Bins Bins
	// Log colours log₁₀ of the counts, so that sparse regions stay
	// visible; empty bins are then left blank. On the linear scale (the
	// paper's) empty bins take the lowest colour.
	Log bool
}

// Density draws the 2-D histogram of the points (x[i], y[i]) as a heat map
// of counts on a viridis scale, with a colour bar: arch2vec's "density"
// map of the t-SNE layout. Points with a non-finite coordinate or outside
// the grid are left out. It returns an error if the slices differ in
// length, the grid is invalid, or no point falls in it.
func Density(x, y []float64, opts DensityOptions) (*Figure, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("plot: density: %d x and %d y", len(x), len(y))
	}
	bins, err := opts.Bins.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("plot: density: %w", err)
	}
	g := &binGrid{Bins: bins, z: make([]float64, bins.N*bins.N)}
	inside := 0
	for i := range x {
		if k := g.cell(x[i], y[i]); k >= 0 {
			g.z[k]++
			inside++
		}
	}
	if inside == 0 {
		return nil, fmt.Errorf("plot: density %q: none of %d points in the grid", opts.Title, len(x))
	}
	lo, hi, label := 0.0, 0.0, "count"
	for _, c := range g.z {
		hi = max(hi, c)
	}
	if opts.Log {
		for k, c := range g.z {
			g.z[k] = math.Log10(c)
			if c == 0 {
				g.z[k] = math.NaN() // drawn blank
			}
		}
		hi, label = math.Log10(hi), "log₁₀ count"
	}
	if lo == hi {
		hi = lo + 1
	}
	return binnedFigure(g, opts.Title, opts.XLabel, opts.YLabel, label, lo, hi, false), nil
}

// BinnedMeanOptions label a [BinnedMean] figure and fix its colour range.
type BinnedMeanOptions struct {
	Title, XLabel, YLabel string
	// ValueLabel names the value, e.g. "test accuracy".
	ValueLabel string
	// Bins is the grid; the zero value is the paper's 51 × 51 on [−1, 1.04].
	Bins Bins
	// Min and Max are the colour range; both 0 means the paper's 0.82 to
	// 0.92 for test accuracy (a fraction). Means below Min are drawn black
	// and above Max red, as the paper's.
	Min, Max float64
	// Smooth draws the bins as an image interpolated bilinearly, the
	// paper's "smooth" variant, instead of crisp squares.
	Smooth bool
}

// Colours of means outside a [BinnedMean] map's range (the paper's
// under and over colours).
var (
	underColor = color.NRGBA{A: 255}
	overColor  = color.NRGBA{R: 255, A: 255}
)

// BinnedMean draws the mean of value over the points (x[i], y[i]) in each
// bin of the grid, on a viridis scale over a fixed range with a colour
// bar: arch2vec's accuracy map of the t-SNE layout. Empty bins are left
// blank; points with a non-finite coordinate or value, or outside the
// grid, are left out. It returns an error if the slices differ in length,
// the grid or range is invalid, or no point can be binned.
func BinnedMean(x, y, value []float64, opts BinnedMeanOptions) (*Figure, error) {
	if len(x) != len(y) || len(x) != len(value) {
		return nil, fmt.Errorf("plot: binned mean: %d x, %d y and %d values", len(x), len(y), len(value))
	}
	bins, err := opts.Bins.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("plot: binned mean: %w", err)
	}
	lo, hi := opts.Min, opts.Max
	if lo == 0 && hi == 0 {
		lo, hi = paperAccuracyLow, paperAccuracyHigh
	}
	if !finite(lo, hi) || lo >= hi {
		return nil, fmt.Errorf("plot: binned mean: colour range [%v, %v]", lo, hi)
	}
	g := &binGrid{Bins: bins, z: make([]float64, bins.N*bins.N)}
	count := make([]float64, len(g.z))
	inside := 0
	for i := range x {
		k := g.cell(x[i], y[i])
		if k < 0 || !finite(value[i]) {
			continue
		}
		g.z[k] += value[i]
		count[k]++
		inside++
	}
	if inside == 0 {
		return nil, fmt.Errorf("plot: binned mean %q: none of %d points in the grid with a value", opts.Title, len(x))
	}
	for k, c := range count {
		if c == 0 {
			g.z[k] = math.NaN()
		} else {
			g.z[k] /= c
		}
	}
	return binnedFigure(g, opts.Title, opts.XLabel, opts.YLabel, opts.ValueLabel, lo, hi, opts.Smooth), nil
}

// cell returns the index in Z of the bin holding (x, y), or −1.
func (g *binGrid) cell(x, y float64) int {
	c, r := g.index(x), g.index(y)
	if c < 0 || r < 0 {
		return -1
	}
	return c*g.N + r
}

// binnedFigure returns a square map of g coloured over [lo, hi], with a
// colour bar labelled label; smooth draws an interpolated image.
func binnedFigure(g *binGrid, title, xlabel, ylabel, label string, lo, hi float64, smooth bool) *Figure {
	cmap := viridis()
	cmap.SetMin(lo)
	cmap.SetMax(hi)
	h := plotter.NewHeatMap(g, cmap.Palette(densityPaletteSize))
	h.Min, h.Max = lo, hi
	h.Underflow, h.Overflow = underColor, overColor
	h.NaN = nil // blank

	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Min, p.X.Max = g.Min, g.Max
	p.Y.Min, p.Y.Max = g.Min, g.Max
	f := newFigure(p)
	if smooth {
		h.Rasterized = true // one pixel per bin, scaled bilinearly
		f.add(h)
	} else {
		f.add(binMap{h})
	}
	bar := plot.New()
	bar.HideX()
	bar.Y.Label.Text = label
	bar.Add(&plotter.ColorBar{ColorMap: cmap, Vertical: true, Colors: 64})
	f.ColorBar = bar
	f.cmap = cmap
	f.Width, f.Height = densityFigureSide+colorBarWidth, densityFigureSide
	return f
}

// BinValues returns the values a [Density] or [BinnedMean] figure maps,
// bins.N × bins.N with x bin c and y bin r at [c·N+r] (counts, log₁₀
// counts or means; NaN for an empty bin), and its grid; ok is
// false for other figures. The slice is the figure's own: do not modify.
func BinValues(f *Figure) (z []float64, bins Bins, ok bool) {
	for _, p := range f.Plotters() {
		h, isHeat := p.(*plotter.HeatMap)
		if m, isMap := p.(binMap); isMap {
			h, isHeat = m.HeatMap, true
		}
		if !isHeat {
			continue
		}
		if g, isGrid := h.GridXYZ.(*binGrid); isGrid {
			return g.z, g.Bins, true
		}
	}
	return nil, Bins{}, false
}

// binMap is a heat map of a binGrid drawn as vector squares (the paper's
// raw map: no smoothing), each widened by a hairline to the right and top
// so that antialiasing leaves no seams between neighbouring bins.
type binMap struct{ *plotter.HeatMap }

// seam is how far a bin's square reaches over its right and top
// neighbours.
const seam = 0.5 * vg.Length(1)

// Plot implements plot.Plotter.
func (m binMap) Plot(c draw.Canvas, p *plot.Plot) {
	g := m.GridXYZ.(*binGrid)
	pal := m.Palette.Colors()
	scale := float64(len(pal)-1) / (m.Max - m.Min)
	trX, trY := p.Transforms(&c)
	w := (g.Max - g.Min) / float64(g.N)
	var path vg.Path
	for col := range g.N {
		x0, x1 := trX(g.Min+float64(col)*w), trX(g.Min+float64(col+1)*w)
		if col < g.N-1 {
			x1 += seam
		}
		for row := range g.N {
			y0, y1 := trY(g.Min+float64(row)*w), trY(g.Min+float64(row+1)*w)
			if row < g.N-1 {
				y1 += seam
			}
			var fill color.Color
			switch v := g.Z(col, row); {
			case math.IsNaN(v):
				fill = m.NaN
			case v < m.Min:
				fill = m.Underflow
			case v > m.Max:
				fill = m.Overflow
			default:
				fill = pal[int((v-m.Min)*scale+0.5)]
			}
			if fill == nil {
				continue
			}
			path = path[:0]
			path.Move(vg.Point{X: x0, Y: y0})
			path.Line(vg.Point{X: x1, Y: y0})
			path.Line(vg.Point{X: x1, Y: y1})
			path.Line(vg.Point{X: x0, Y: y1})
			path.Close()
			c.SetColor(fill)
			c.Fill(path)
		}
	}
}
