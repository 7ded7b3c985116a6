package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// numGrad returns the central difference (f(x+h) − f(x−h))/2h of f with
// respect to every element of x (restored afterwards). f must recompute
// everything from x and return a float64 so that the float32 rounding of
// the layer, not of the sum, bounds the accuracy.
func numGrad(x []float32, h float32, f func() float64) []float64 {
	g := make([]float64, len(x))
	for i := range x {
		v := x[i]
		x[i] = v + h
		fp := f()
		x[i] = v - h
		fm := f()
		x[i] = v
		g[i] = (fp - fm) / (float64(v+h) - float64(v-h))
	}
	return g
}

// checkGrad compares an analytic gradient with numGrad by the ∞-norm
// distance relative to the gradient's ∞-norm.
func checkGrad(t *testing.T, what string, analytic []float32, numeric []float64, tol float64) {
	t.Helper()
	var dist, scale float64
	for i, n := range numeric {
		dist = math.Max(dist, math.Abs(float64(analytic[i])-n))
		scale = math.Max(scale, math.Abs(n))
	}
	t.Logf("%s: ∞-norm distance %.3g (gradient scale %.3g)", what, dist, scale)
	if dist > tol*math.Max(scale, 1e-3) {
		t.Errorf("%s: analytic and numeric gradients differ by %.3g (scale %.3g)", what, dist, scale)
	}
}

// weighted returns Σ w·y in float64: a scalar loss with a dense gradient.
func weighted(w, y []float32) float64 {
	var s float64
	for i, v := range y {
		s += float64(w[i]) * float64(v)
	}
	return s
}

func TestGradLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 7))
	for _, sz := range [][3]int{{5, 3, 4}, {7, 16, 33}, {9, 5, 128}} {
		rows, in, out := sz[0], sz[1], sz[2]
		t.Run(fmt.Sprintf("%dx%d→%d", rows, in, out), func(t *testing.T) {
			l := NewLinear("", in, out, rng)
			x, w := randSlice(rng, rows*in), randSlice(rng, rows*out)
			f := func() float64 { return weighted(w, l.Forward(x, rows)) }
			f()
			dx := append([]float32(nil), l.Backward(w, true)...)
			checkGrad(t, "dx", dx, numGrad(x, 1e-2, f), 1e-3)
			checkGrad(t, "dW", l.W.Grad, numGrad(l.W.Data, 1e-2, f), 1e-3)
			checkGrad(t, "db", l.B.Grad, numGrad(l.B.Data, 1e-2, f), 1e-3)
		})
	}
}

// TestGradBatchNorm covers the portable path (6 columns) and the vector
// path (32 columns, on AVX-512 machines).
func TestGradBatchNorm(t *testing.T) {
	for _, c := range [][3]int{{1, 0, 6}, {0, 0, 6}, {1, 1, 6}, {0, 1, 6}, {1, 0, 32}, {0, 0, 32}, {1, 1, 32}, {0, 1, 32}} {
		train, relu, f := c[0] == 1, c[1] == 1, c[2]
		t.Run(fmt.Sprintf("train=%v/relu=%v/f=%d", train, relu, f), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2, 7))
			const rows = 12
			bn := NewBatchNorm1d("", f)
			for j := 0; j < f; j++ {
				bn.Weight.Data[j] = float32(0.5 + rng.Float64())
				bn.Bias.Data[j] = float32(rng.NormFloat64())
				bn.RunningMean.Data[j] = float32(rng.NormFloat64())
				bn.RunningVar.Data[j] = float32(0.5 + rng.Float64())
			}
			x, w := randSlice(rng, rows*f), randSlice(rng, rows*f)
			for i := range x {
				x[i] = 3*x[i] + 1 // not already normalised
			}
			fn := func() float64 {
				if relu {
					return weighted(w, bn.ForwardReLU(x, rows, train))
				}
				return weighted(w, bn.Forward(x, rows, train))
			}
			fn()
			dx := append([]float32(nil), bn.Backward(w)...)
			h := float32(1e-2)
			if relu {
				h = 1e-3 // fewer ReLU kinks inside the interval
			}
			checkGrad(t, "dx", dx, numGrad(x, h, fn), 2e-3)
			checkGrad(t, "dγ", bn.Weight.Grad, numGrad(bn.Weight.Data, h, fn), 2e-3)
			checkGrad(t, "dβ", bn.Bias.Grad, numGrad(bn.Bias.Data, h, fn), 2e-3)
		})
	}
}

// TestBatchNormRunningStats checks the running-statistic update: momentum
// 0.1 toward the batch mean and the unbiased batch variance.
func TestBatchNormRunningStats(t *testing.T) {
	bn := NewBatchNorm1d("", 1)
	bn.Forward([]float32{1, 2, 3, 6}, 4, true)
	// mean 3, unbiased variance (4+1+0+9)/3 = 14/3
	if got, want := bn.RunningMean.Data[0], float32(0.3); math.Abs(float64(got-want)) > 1e-7 {
		t.Errorf("running mean %g, want %g", got, want)
	}
	if got, want := bn.RunningVar.Data[0], float32(0.9+0.1*14.0/3); math.Abs(float64(got-want)) > 1e-6 {
		t.Errorf("running var %g, want %g", got, want)
	}
	if bn.NumBatches.Data[0] != 1 {
		t.Errorf("num_batches_tracked %g, want 1", bn.NumBatches.Data[0])
	}
}

func TestGradGIN(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 7))
	const b, n, f = 3, 5, 4
	x, w := randSlice(rng, b*n*f), randSlice(rng, b*n*f)
	adj := make([]float32, b*n*n)
	for g := 0; g < b; g++ {
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if rng.IntN(2) == 0 {
					adj[g*n*n+i*n+j], adj[g*n*n+j*n+i] = 1, 1
				}
			}
		}
	}
	eps := []float32{0.3}
	agg := make([]float32, b*n*f)
	fn := func() float64 {
		GINAggregateTo(agg, x, adj, eps[0], b, n, f)
		return weighted(w, agg)
	}
	dx := make([]float32, b*n*f)
	de := GINAggregateBackward(dx, w, x, adj, eps[0], b, n, f)
	checkGrad(t, "dx", dx, numGrad(x, 1e-2, fn), 1e-3)
	checkGrad(t, "dε", []float32{de}, numGrad(eps, 1e-2, fn), 1e-3)
}

func TestGradSigmoidBCE(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 7))
	const n = 40
	x, y, p := randSlice(rng, n), make([]float32, n), make([]float32, n)
	for i := range y {
		y[i] = float32(rng.IntN(2))
	}
	fn := func() float64 {
		SigmoidTo(p, x)
		return BCESum(p, y) / n
	}
	fn()
	d := make([]float32, n)
	BCEBackwardTo(d, p, y, 1.0/n)
	SigmoidBackwardTo(d, d, p)
	checkGrad(t, "dlogit", d, numGrad(x, 1e-2, fn), 1e-3)
}

// TestBCEClamp checks PyTorch's log clamp: a prediction of exactly 0 or 1
// costs 100 when wrong and 0 when right.
func TestBCEClamp(t *testing.T) {
	for _, tc := range []struct {
		name string
		p, y float32
		want float64
	}{{"p=0,y=0", 0, 0, 0}, {"p=1,y=1", 1, 1, 0}, {"p=0,y=1", 0, 1, 100}, {"p=1,y=0", 1, 0, 100}, {"p=.5", 0.5, 1, math.Ln2}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := BCESum([]float32{tc.p}, []float32{tc.y}); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("got %g, want %g", got, tc.want)
			}
		})
	}
}

func TestGradKL(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	const rows, d = 6, 3
	mu, lv := randSlice(rng, rows*d), randSlice(rng, rows*d)
	fn := func() float64 { return float64(KLRef(mu, lv, nil, nil, nil, rows, d)) }
	dmu, dlv := make([]float32, rows*d), make([]float32, rows*d)
	KLRef(mu, lv, nil, dmu, dlv, rows, d)
	checkGrad(t, "dμ", dmu, numGrad(mu, 1e-2, fn), 2e-3)
	checkGrad(t, "dlogσ", dlv, numGrad(lv, 1e-2, fn), 2e-3)
	// The value: −0.5/rows · mean Σ(1 + 2lv − μ² − e^{2lv}).
	var s float64
	for i := range mu {
		s += 1 + 2*float64(lv[i]) - float64(mu[i])*float64(mu[i]) - math.Exp(2*float64(lv[i]))
	}
	want := -0.5 / rows * s / rows
	if got := fn(); math.Abs(got-want) > 1e-5*math.Abs(want) {
		t.Errorf("KL %g, want %g", got, want)
	}
}

func TestReLU(t *testing.T) {
	x := []float32{-1, 0, float32(math.Copysign(0, -1)), 2, -3.5, 1e-30}
	ReLUInPlace(x)
	want := []float32{0, 0, 0, 2, 0, 1e-30}
	for i := range x {
		if x[i] != want[i] || math.Signbit(float64(x[i])) {
			t.Errorf("relu[%d] = %g, want %g", i, x[i], want[i])
		}
	}
	dy := []float32{1, 2, 3, 4, 5, 6}
	ReLUBackwardInPlace(dy, x)
	for i, w := range []float32{0, 0, 0, 4, 0, 6} {
		if dy[i] != w {
			t.Errorf("relu backward[%d] = %g, want %g", i, dy[i], w)
		}
	}
}
