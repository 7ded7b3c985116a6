package plot

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Band is a mean curve with a ± one standard deviation band, e.g. the
// regret of one search method averaged over runs.
type Band struct {
	Label        string
	X, Mean, Std []float64
}

// BandOptions label a [Bands] or [Regret] figure and choose its scales.
type BandOptions struct {
	Title, XLabel, YLabel string
	// LogX and LogY put an axis on a log scale; points with a value ≤ 0
	// on such an axis are left out (regrets reach zero).
	LogX, LogY bool
}

// Regret is [Bands] on a logarithmic x axis (search time or queries), the
// layout of arch2vec's regret plots.
func Regret(bands []Band, opts BandOptions) (*Figure, error) {
	opts.LogX = true
	return Bands(bands, opts)
}

// Bands draws one mean curve per band with its mean ± std range shaded.
// Points with a non-finite x or mean, or a non-positive value on a log
// axis, are left out (a non-finite std counts as 0); a band with no point
// left is skipped. It returns an error if a band is malformed or nothing
// can be drawn.
func Bands(bands []Band, opts BandOptions) (*Figure, error) {
	p := plot.New()
	f := newFigure(p)
	p.Title.Text = opts.Title
	p.X.Label.Text = opts.XLabel
	p.Y.Label.Text = opts.YLabel
	if opts.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	if opts.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	f.add(plotter.NewGrid())
	p.Legend.Top = true
	drawn := 0
	xlo, xhi := math.Inf(1), math.Inf(-1)
	for i, b := range bands {
		if len(b.X) != len(b.Mean) || len(b.X) != len(b.Std) {
			return nil, fmt.Errorf("plot: band %q: %d x, %d means, %d stds", b.Label, len(b.X), len(b.Mean), len(b.Std))
		}
		var mean, upper, lower plotter.XYs
		for j := range b.X {
			x, m, s := b.X[j], b.Mean[j], b.Std[j]
			if !finite(x, m) || (opts.LogX && x <= 0) || (opts.LogY && m <= 0) {
				continue
			}
			if !finite(s) {
				s = 0
			}
			lo := m - s
			if opts.LogY && lo <= 0 {
				lo = m / 10 // keep the band on the axis
			}
			xlo, xhi = min(xlo, x), max(xhi, x)
			mean = append(mean, plotter.XY{X: x, Y: m})
			upper = append(upper, plotter.XY{X: x, Y: m + s})
			lower = append(lower, plotter.XY{X: x, Y: lo})
		}
		if len(mean) == 0 {
			continue
		}
		drawn++
		col := plotutil.Color(i)
		ring := append(upper, reversed(lower)...)
		poly, err := plotter.NewPolygon(ring)
		if err != nil {
			return nil, fmt.Errorf("plot: band %q: %w", b.Label, err)
		}
		r, g, bl, _ := col.RGBA()
		poly.Color = colorAlpha(r, g, bl, 60)
		poly.LineStyle.Width = 0
		l, err := plotter.NewLine(mean)
		if err != nil {
			return nil, fmt.Errorf("plot: band %q: %w", b.Label, err)
		}
		l.Color = col
		l.Width = vg.Points(1.5)
		f.add(poly, l)
		if b.Label != "" {
			p.Legend.Add(b.Label, l)
		}
	}
	if drawn == 0 {
		return nil, fmt.Errorf("plot: bands %q: no point to draw", opts.Title)
	}
	// Fix the x range to the data: gonum/plot widens a one-point range
	// by ±1, which a log scale cannot show.
	if xlo == xhi && opts.LogX {
		xlo, xhi = xlo/2, xhi*2
	}
	if xlo < xhi {
		p.X.Min, p.X.Max = xlo, xhi
	}
	if opts.LogY {
		fixLogRange(&p.Y)
	}
	return f, nil
}

// reversed returns a reversed copy of pts.
func reversed(pts plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, len(pts))
	for i, pt := range pts {
		out[len(pts)-1-i] = pt
	}
	return out
}

// fixLogRange widens a degenerate or non-positive log-axis range computed
// by gonum/plot so that it can be drawn.
func fixLogRange(a *plot.Axis) {
	a.Min = max(a.Min, math.SmallestNonzeroFloat64)
	if a.Max <= a.Min {
		a.Min, a.Max = a.Min/2, a.Min*2
	}
}
