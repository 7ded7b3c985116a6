package search

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestFitBLR: the exported BLR stage gives exactly what DNGO's own steps
// give from the same random state, and rejects malformed input.
func TestFitBLR(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	n, p := 20, 6
	theta := make([]float64, n*p)
	y := make([]float64, n)
	for i := range theta {
		theta[i] = math.Tanh(rng.NormFloat64())
	}
	for i := range y {
		y[i] = 0.9 + 0.01*theta[i*p] - 0.02*theta[i*p+3] + 0.001*rng.NormFloat64()
	}
	b, err := FitBLR(context.Background(), theta, n, p, y, rand.New(rand.NewPCG(9, 9)))
	if err != nil {
		t.Fatal(err)
	}
	// The same steps by hand (as dngo.Fit takes them).
	r := rand.New(rand.NewPCG(9, 9))
	th := mat.NewDense(n, p, append([]float64(nil), theta...))
	data, err := newBLRData(th, y)
	if err != nil {
		t.Fatal(err)
	}
	hyp, _, err := fitHypers(context.Background(), data, []float64{r.NormFloat64(), -3 + r.NormFloat64()})
	if err != nil {
		t.Fatal(err)
	}
	post, err := newBLRPosterior(th, data, y, math.Exp(hyp[0]), math.Exp(-hyp[1]))
	if err != nil {
		t.Fatal(err)
	}
	if a, be := b.Hypers(); a != post.alpha || be != post.beta {
		t.Fatalf("hypers (%g, %g), want (%g, %g)", a, be, post.alpha, post.beta)
	}
	for i := 0; i < n; i++ {
		m1, v1 := b.Predict(theta[i*p : (i+1)*p])
		m2, v2 := post.predict(theta[i*p : (i+1)*p])
		if m1 != m2 || v1 != v2 {
			t.Fatalf("row %d: (%g, %g), want (%g, %g)", i, m1, v1, m2, v2)
		}
	}
	for _, c := range []struct {
		name  string
		theta []float64
		n, p  int
		y     []float64
	}{
		{"short basis", theta[:10], n, p, y},
		{"no rows", nil, 0, p, nil},
		{"targets", theta, n, p, y[:3]},
		{"nan", append([]float64{math.NaN()}, theta[1:]...), n, p, y},
	} {
		if _, err := FitBLR(context.Background(), c.theta, c.n, c.p, c.y, rng); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}
