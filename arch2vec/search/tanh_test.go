package search

import (
	"math"
	"testing"
)

func TestTanhInPlace(t *testing.T) {
	var worst, at float64
	xs := make([]float32, 0, 40001)
	for i := -20000; i <= 20000; i++ {
		xs = append(xs, float32(i)/2000)
	}
	xs = append(xs, 1e-5, -3e-4, 50, -50)
	got := append([]float32(nil), xs...)
	tanhInPlace(got)
	for i, x := range xs {
		want := math.Tanh(float64(x))
		if d := math.Abs(float64(got[i]) - want); d > worst {
			worst, at = d, float64(x)
		}
	}
	if worst > 5e-7 {
		t.Errorf("max |tanh error| = %g at x = %g, want ≤ 5e-7", worst, at)
	}
	nan := []float32{float32(math.NaN())}
	tanhInPlace(nan)
	if !math.IsNaN(float64(nan[0])) {
		t.Errorf("tanh(NaN) = %v, want NaN", nan[0])
	}
}
