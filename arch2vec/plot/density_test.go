package plot

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// heatMap returns the figure's heat map.
func heatMap(t *testing.T, f *Figure) *plotter.HeatMap {
	t.Helper()
	for _, p := range f.Plotters() {
		if m, ok := p.(binMap); ok {
			return m.HeatMap
		}
		if h, ok := p.(*plotter.HeatMap); ok {
			return h
		}
	}
	t.Fatal("no heat map")
	return nil
}

func TestBinsIndex(t *testing.T) {
	b, err := Bins{}.withDefaults()
	if err != nil || b != (Bins{N: 51, Min: -1, Max: 1.04}) {
		t.Fatalf("default bins %+v, %v", b, err)
	}
	for _, tc := range []struct {
		v    float64
		want int
	}{{-1, 0}, {-0.97, 0}, {-0.95, 1}, {0, 25}, {0.999, 49}, {1, 50}, {1.03, 50}, {1.04, 50},
		{1.05, -1}, {-1.01, -1}, {math.NaN(), -1}, {math.Inf(1), -1}} {
		if got := b.index(tc.v); got != tc.want {
			t.Errorf("index(%v) = %d, want %d", tc.v, got, tc.want)
		}
	}
}

func TestDensity(t *testing.T) {
	x := []float64{-1, -0.99, 1, 0.5, 2, math.NaN(), 0.01}
	y := []float64{-1, -0.98, 1, 0.5, 0, 0, 0.02}
	for _, log := range []bool{false, true} {
		f, err := Density(x, y, DensityOptions{Title: "density", Log: log})
		if err != nil {
			t.Fatal(err)
		}
		z, bins, ok := BinValues(f)
		if !ok || bins.N != 51 || len(z) != 51*51 {
			t.Fatalf("bins %+v, %d values, ok %v", bins, len(z), ok)
		}
		want := map[[2]int]float64{{0, 0}: 2, {50, 50}: 1, {37, 37}: 1, {25, 25}: 1}
		total := 0.0
		for c := range 51 {
			for r := range 51 {
				v := z[c*51+r]
				if log {
					if math.IsNaN(v) {
						continue
					}
					v = math.Pow(10, v)
				}
				total += v
				if w := want[[2]int{c, r}]; math.Abs(v-w) > 1e-12 {
					t.Errorf("log %v: bin (%d, %d) = %v, want %v", log, c, r, v, w)
				}
			}
		}
		if total != 5 {
			t.Errorf("log %v: %v points binned, want 5 (one outside, one NaN)", log, total)
		}
		h := heatMap(t, f)
		if h.GridXYZ.X(0) != -0.98 || math.Abs(h.GridXYZ.Y(50)-1.02) > 1e-12 {
			t.Errorf("bin centres %v, %v", h.GridXYZ.X(0), h.GridXYZ.Y(50))
		}
		if cm := f.ColorMap(); cm == nil || cm.Min() != 0 || cm.Max() != map[bool]float64{false: 2, true: math.Log10(2)}[log] {
			t.Errorf("log %v: colour range [%v, %v]", log, cm.Min(), cm.Max())
		}
		checkImages(t, f)
	}
}

func TestBinnedMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 2000
	x, y, v := make([]float64, n), make([]float64, n), make([]float64, n)
	sum, cnt := map[[2]int]float64{}, map[[2]int]float64{}
	for i := range n {
		x[i], y[i] = 2*rng.Float64()-1, 2*rng.Float64()-1
		v[i] = 0.8 + 0.15*rng.Float64()
		c, r := int(math.Floor((x[i]+1)/0.04)), int(math.Floor((y[i]+1)/0.04))
		if i%10 == 0 {
			v[i] = math.NaN() // unknown accuracy: left out
			continue
		}
		sum[[2]int{c, r}] += v[i]
		cnt[[2]int{c, r}]++
	}
	f, err := BinnedMean(x, y, v, BinnedMeanOptions{Title: "accuracy", ValueLabel: "test accuracy"})
	if err != nil {
		t.Fatal(err)
	}
	z, _, _ := BinValues(f)
	empty := 0
	for c := range 51 {
		for r := range 51 {
			k := [2]int{c, r}
			got := z[c*51+r]
			switch {
			case cnt[k] == 0 && !math.IsNaN(got):
				t.Errorf("empty bin (%d, %d) = %v, want NaN (blank)", c, r, got)
			case cnt[k] > 0 && math.Abs(got-sum[k]/cnt[k]) > 1e-12:
				t.Errorf("bin (%d, %d) = %v, want mean %v", c, r, got, sum[k]/cnt[k])
			}
			if math.IsNaN(got) {
				empty++
			}
		}
	}
	if empty < 51 { // the last row and column lie beyond 1
		t.Errorf("%d empty bins", empty)
	}
	h := heatMap(t, f)
	if h.Min != 0.82 || h.Max != 0.92 || h.NaN != nil || h.Underflow != underColor || h.Overflow != overColor {
		t.Errorf("heat map range [%v, %v], NaN %v, under %v, over %v", h.Min, h.Max, h.NaN, h.Underflow, h.Overflow)
	}
	if cm := f.ColorMap(); cm.Min() != 0.82 || cm.Max() != 0.92 {
		t.Errorf("colour bar [%v, %v]", cm.Min(), cm.Max())
	}
	checkImages(t, f)
	if w, h := f.PixelSize(); w <= h {
		t.Errorf("size %d×%d: want a square map plus a colour bar", w, h)
	}

	smooth, err := BinnedMean(x, y, v, BinnedMeanOptions{Smooth: true})
	if err != nil {
		t.Fatal(err)
	}
	zs, _, ok := BinValues(smooth)
	for k := range zs {
		if zs[k] != z[k] && !(math.IsNaN(zs[k]) && math.IsNaN(z[k])) {
			ok = false
		}
	}
	if !ok || !heatMap(t, smooth).Rasterized {
		t.Errorf("smooth map: rasterized %v, same bins %v", heatMap(t, smooth).Rasterized, ok)
	}
	checkImages(t, smooth)

	f, err = BinnedMean([]float64{0.3}, []float64{0.3}, []float64{70}, BinnedMeanOptions{Bins: Bins{N: 4, Min: 0, Max: 1}, Min: 60, Max: 80})
	if err != nil {
		t.Fatal(err)
	}
	if z, b, _ := BinValues(f); b.N != 4 || z[1*4+1] != 70 || f.ColorMap().Max() != 80 {
		t.Errorf("custom grid: %+v %v", b, z)
	}
}

func TestDensityErrors(t *testing.T) {
	one := []float64{0}
	tests := []struct {
		name string
		f    func() (*Figure, error)
		want string
	}{
		{"density mismatch", func() (*Figure, error) { return Density(one, nil, DensityOptions{}) }, "1 x and 0 y"},
		{"density outside", func() (*Figure, error) { return Density([]float64{5}, one, DensityOptions{Title: "d"}) }, "none of 1 points"},
		{"density bins", func() (*Figure, error) { return Density(one, one, DensityOptions{Bins: Bins{N: 3, Min: 1, Max: 1}}) }, "3 bins on [1, 1]"},
		{"mean mismatch", func() (*Figure, error) { return BinnedMean(one, one, nil, BinnedMeanOptions{}) }, "1 x, 1 y and 0 values"},
		{"mean range", func() (*Figure, error) { return BinnedMean(one, one, one, BinnedMeanOptions{Min: 1, Max: 0.5}) }, "colour range [1, 0.5]"},
		{"mean no value", func() (*Figure, error) {
			return BinnedMean(one, one, []float64{math.NaN()}, BinnedMeanOptions{})
		}, "with a value"},
	}
	for _, tt := range tests {
		_, err := tt.f()
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "plot: ") {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, _, ok := BinValues(&Figure{}); ok {
		t.Error("BinValues of an empty figure")
	}
}

// BenchmarkBinnedMeanPNG bins and renders the paper's accuracy map of
// 10,000 points.
func BenchmarkBinnedMeanPNG(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	n := 10000
	x, y, v := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i], v[i] = math.Tanh(rng.NormFloat64()), math.Tanh(rng.NormFloat64()), 0.8+0.15*rng.Float64()
	}
	b.ReportAllocs()
	for b.Loop() {
		f, err := BinnedMean(x, y, v, BinnedMeanOptions{Title: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.PNG(); err != nil {
			b.Fatal(err)
		}
	}
}
