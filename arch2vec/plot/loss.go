package plot

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one named curve: Y[i] at X[i].
type Series struct {
	Label string
	X, Y  []float64
	// Points marks each point with a glyph, for sparse series such as
	// per-epoch means.
	Points bool
}

// xys converts s to plotter points, skipping non-finite values.
func (s Series) xys() (plotter.XYs, error) {
	if len(s.X) != len(s.Y) {
		return nil, fmt.Errorf("plot: series %q: %d x values, %d y values", s.Label, len(s.X), len(s.Y))
	}
	pts := make(plotter.XYs, 0, len(s.X))
	for i := range s.X {
		if finite(s.X[i], s.Y[i]) {
			pts = append(pts, plotter.XY{X: s.X[i], Y: s.Y[i]})
		}
	}
	return pts, nil
}

// LossCurve draws training loss against epochs: one line per series (for
// example the per-batch losses, x = fractional epoch, and the per-epoch
// means). Non-finite points are left out. It returns an error if a series
// is malformed or no series has a finite point.
func LossCurve(title string, series ...Series) (*Figure, error) {
	p := plot.New()
	f := newFigure(p)
	p.Title.Text = title
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "loss"
	f.add(plotter.NewGrid())
	p.Legend.Top = true
	total := 0
	for i, s := range series {
		pts, err := s.xys()
		if err != nil {
			return nil, err
		}
		if len(pts) == 0 {
			continue
		}
		total += len(pts)
		col := plotutil.Color(i)
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("plot: series %q: %w", s.Label, err)
		}
		l.Color = col
		l.Width = vg.Points(1.5)
		f.add(l)
		if s.Points {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, fmt.Errorf("plot: series %q: %w", s.Label, err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
			f.add(sc)
			if s.Label != "" {
				p.Legend.Add(s.Label, l, sc)
			}
		} else if s.Label != "" {
			p.Legend.Add(s.Label, l)
		}
	}
	if total == 0 {
		return nil, fmt.Errorf("plot: loss curve %q: no finite points", title)
	}
	p.X.Tick.Marker = epochTicks{}
	return f, nil
}

// epochTicks labels whole epochs, about ten labels at most.
type epochTicks struct{}

// Ticks returns ticks at whole numbers in [lo, hi].
func (epochTicks) Ticks(lo, hi float64) []plot.Tick {
	first, last := math.Ceil(lo), math.Floor(hi)
	if last-first < 1 { // less than one epoch shown: default ticks
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	step := math.Max(1, math.Ceil((last-first)/10))
	var ticks []plot.Tick
	for v := first; v <= last; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return ticks
}
