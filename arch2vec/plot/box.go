package plot

import (
	"fmt"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// BoxGroup is the sample of one box: the values observed at one key, e.g.
// the embedding distances of the cell pairs at one edit distance.
type BoxGroup struct {
	Key    int
	Values []float64
}

// BoxOptions label a [Boxes] figure.
type BoxOptions struct {
	Title, XLabel, YLabel string
}

// Boxes draws one Tukey box plot per group (median, quartiles, whiskers at
// 1.5 IQR, outliers as points), at x = Key, in the style of arch2vec's
// figure 3 (distance in the embedding against graph edit distance). Empty
// groups are skipped; it returns an error if no group has a value or a
// value is not finite.
func Boxes(groups []BoxGroup, opts BoxOptions) (*Figure, error) {
	p := plot.New()
	f := newFigure(p)
	p.Title.Text = opts.Title
	p.X.Label.Text = opts.XLabel
	p.Y.Label.Text = opts.YLabel
	f.add(plotter.NewGrid())
	var ticks []plot.Tick
	drawn := 0
	for _, g := range groups {
		if len(g.Values) == 0 {
			continue
		}
		for i, v := range g.Values {
			if !finite(v) {
				return nil, fmt.Errorf("plot: boxes %q: group %d value %d is %v", opts.Title, g.Key, i, v)
			}
		}
		b, err := plotter.NewBoxPlot(vg.Points(18), float64(g.Key), plotter.Values(g.Values))
		if err != nil {
			return nil, fmt.Errorf("plot: boxes %q: group %d: %w", opts.Title, g.Key, err)
		}
		r, gr, bl, _ := plotutil.Color(0).RGBA()
		b.FillColor = colorAlpha(r, gr, bl, 90)
		f.add(b)
		ticks = append(ticks, plot.Tick{Value: float64(g.Key), Label: strconv.Itoa(g.Key)})
		drawn++
	}
	if drawn == 0 {
		return nil, fmt.Errorf("plot: boxes %q: no value to draw", opts.Title)
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = ticks[0].Value-0.6, ticks[len(ticks)-1].Value+0.6
	return f, nil
}
