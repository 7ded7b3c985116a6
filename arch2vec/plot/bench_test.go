package plot

import (
	"math/rand/v2"
	"testing"
)

// benchScatter returns a figure of n random points.
func benchScatter(b *testing.B, n int) *Figure {
	rng := rand.New(rand.NewPCG(1, 1))
	x, y, v := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i], v[i] = rng.NormFloat64(), rng.NormFloat64(), rng.Float64()
	}
	f, err := Scatter(x, y, v, ScatterOptions{Title: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkScatterPNG renders the default %embed map (3000 points).
func BenchmarkScatterPNG(b *testing.B) {
	f := benchScatter(b, 3000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScatterSVG renders the same map as SVG.
func BenchmarkScatterSVG(b *testing.B) {
	f := benchScatter(b, 3000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.SVG(); err != nil {
			b.Fatal(err)
		}
	}
}
