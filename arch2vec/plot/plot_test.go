package plot

import (
	"bytes"
	"image/png"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// checkImages renders f and checks the PNG size and that the SVG is an SVG
// document; it returns the PNG bytes.
func checkImages(t *testing.T, f *Figure) []byte {
	t.Helper()
	b, err := f.PNG()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if w, h := f.PixelSize(); cfg.Width != w || cfg.Height != h {
		t.Errorf("png is %d×%d, want %d×%d", cfg.Width, cfg.Height, w, h)
	}
	s, err := f.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(s, []byte("<svg")) || !bytes.Contains(s, []byte("</svg>")) {
		t.Errorf("svg output is not an svg document: %.80q", s)
	}
	return b
}

// plotted returns the points of every plotter of type T in the main plot.
func plotted[T any](f *Figure, get func(T) plotter.XYs) []plotter.XYs {
	var out []plotter.XYs
	for _, p := range f.Plotters() {
		if v, ok := p.(T); ok {
			out = append(out, get(v))
		}
	}
	return out
}

func lineXYs(l *plotter.Line) plotter.XYs       { return l.XYs }
func scatterXYs(s *plotter.Scatter) plotter.XYs { return s.XYs }

func TestLossCurve(t *testing.T) {
	f, err := LossCurve("loss",
		Series{Label: "batch", X: []float64{0.5, 1, 1.5, 2}, Y: []float64{4, 3, math.NaN(), 2}},
		Series{Label: "epoch", X: []float64{1, 2}, Y: []float64{3.5, 2.2}, Points: true})
	if err != nil {
		t.Fatal(err)
	}
	lines := plotted(f, lineXYs)
	if len(lines) != 2 || len(lines[0]) != 3 || lines[0][2] != (plotter.XY{X: 2, Y: 2}) || lines[1][1].Y != 2.2 {
		t.Errorf("lines = %v, want the NaN point dropped", lines)
	}
	if pts := plotted(f, scatterXYs); len(pts) != 1 || len(pts[0]) != 2 {
		t.Errorf("points = %v, want the epoch series marked", pts)
	}
	a, b := checkImages(t, f), checkImages(t, f)
	if !bytes.Equal(a, b) {
		t.Error("two renderings differ")
	}
	if w, h := f.PixelSize(); w != 576 || h != 384 {
		t.Errorf("size %d×%d, want 576×384", w, h)
	}
}

func TestScatter(t *testing.T) {
	x := []float64{0, 1, 2, 3, math.Inf(1)}
	y := []float64{0, 1, 0, 1, 0}
	v := []float64{0.9, math.NaN(), 0.7, 0.8, 0.5}
	f, err := Scatter(x, y, v, ScatterOptions{Title: "PCA", ValueLabel: "acc"})
	if err != nil {
		t.Fatal(err)
	}
	pts := plotted(f, scatterXYs)
	if len(pts) != 2 || len(pts[0]) != 1 || pts[0][0] != (plotter.XY{X: 1, Y: 1}) || len(pts[1]) != 3 {
		t.Fatalf("scatter layers = %v, want 1 unknown then 3 known points", pts)
	}
	if c := f.ColorMap(); c == nil || c.Min() != 0.7 || c.Max() != 0.9 {
		t.Errorf("colour map = %+v, want range [0.7, 0.9]", c)
	}
	checkImages(t, f)
	if w, _ := f.PixelSize(); w <= 576 {
		t.Errorf("width %d: the colour bar strip is missing", w)
	}
}

func TestRegret(t *testing.T) {
	bands := []Band{
		{Label: "random", X: []float64{0, 1, 10, 100}, Mean: []float64{5, 3, 2, 1}, Std: []float64{1, 1, 0.5, math.NaN()}},
		{Label: "rl", X: []float64{1, 10}, Mean: []float64{2, 0.5}, Std: []float64{0.1, 0.1}},
	}
	f, err := Regret(bands, BandOptions{Title: "regret", XLabel: "seconds"})
	if err != nil {
		t.Fatal(err)
	}
	lines := plotted(f, lineXYs)
	if len(lines) != 2 || len(lines[0]) != 3 || lines[0][0] != (plotter.XY{X: 1, Y: 3}) {
		t.Errorf("mean lines = %v, want x = 0 dropped", lines)
	}
	polys := 0
	for _, p := range f.Plotters() {
		if poly, ok := p.(*plotter.Polygon); ok {
			polys++
			if polys == 1 && (len(poly.XYs[0]) != 6 || poly.XYs[0][0].Y != 4 || poly.XYs[0][5].Y != 2) {
				t.Errorf("band ring = %v, want upper then reversed lower", poly.XYs[0])
			}
		}
	}
	if polys != 2 {
		t.Errorf("%d bands, want 2", polys)
	}
	checkImages(t, f)
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		f    func() (*Figure, error)
		want string
	}{
		{"loss mismatch", func() (*Figure, error) { return LossCurve("", Series{X: []float64{1}}) }, "1 x values, 0 y"},
		{"loss empty", func() (*Figure, error) { return LossCurve("l", Series{X: []float64{1}, Y: []float64{math.NaN()}}) }, "no finite"},
		{"scatter mismatch", func() (*Figure, error) { return Scatter([]float64{1}, nil, nil, ScatterOptions{}) }, "1 x, 0 y"},
		{"regret empty", func() (*Figure, error) {
			return Regret([]Band{{X: []float64{0}, Mean: []float64{1}, Std: []float64{0}}}, BandOptions{})
		}, "no point"},
	}
	for _, tt := range tests {
		if _, err := tt.f(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := (&Figure{}).PNG(); err == nil {
		t.Error("empty figure rendered")
	}
}

// TestRegretOnePoint checks that a single query, whose x range gonum/plot
// would widen to include 0, still draws on the log axes.
func TestRegretOnePoint(t *testing.T) {
	f, err := Regret([]Band{{Label: "bo", X: []float64{1}, Mean: []float64{2}, Std: []float64{0}}},
		BandOptions{LogY: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.Plot.X.Min != 0.5 || f.Plot.X.Max != 2 {
		t.Errorf("x range [%v, %v], want [0.5, 2]", f.Plot.X.Min, f.Plot.X.Max)
	}
	checkImages(t, f)
}

// TestBandsLinear checks that a linear x axis keeps x ≤ 0.
func TestBandsLinear(t *testing.T) {
	f, err := Bands([]Band{{Label: "d", X: []float64{0, 1, 2}, Mean: []float64{1, 2, 3}, Std: []float64{0.1, 0.2, 0.3}}},
		BandOptions{XLabel: "edit distance"})
	if err != nil {
		t.Fatal(err)
	}
	if lines := plotted(f, lineXYs); len(lines) != 1 || len(lines[0]) != 3 || f.Plot.X.Min != 0 {
		t.Errorf("lines = %v, x min %v", lines, f.Plot.X.Min)
	}
	checkImages(t, f)
}
