package search

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// seqLoss runs the cell over xs and returns Σ_t w_t·h_t (in float64).
func seqLoss(l *lstmCell, xs [][]float32, w []float32) float64 {
	l.Reset()
	s := 0.0
	for t, x := range xs {
		for j, v := range l.Forward(x) {
			s += float64(w[t*l.hid+j]) * float64(v)
		}
	}
	return s
}

// TestLSTMGradient checks backpropagation through time against central
// finite differences for every parameter.
func TestLSTMGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const in, hid, steps = 3, 5, 6
	l := newLSTMCell("lstm.", in, hid, rng)
	xs := make([][]float32, steps)
	for i := range xs {
		xs[i] = make([]float32, in)
		for j := range xs[i] {
			xs[i][j] = float32(rng.NormFloat64())
		}
	}
	w := make([]float32, steps*hid)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
	}
	seqLoss(l, xs, w)
	for _, p := range l.params() {
		p.ZeroGrad()
	}
	dx := make([]float32, steps*in)
	l.Backward(w, dx)
	checkGrads(t, l.params(), func() float64 { return seqLoss(l, xs, w) })
	// The inputs' gradient, by central differences too.
	in0 := &nn.Param{Name: "x", Data: make([]float32, steps*in), Grad: dx}
	for i, x := range xs {
		copy(in0.Data[i*in:], x)
	}
	checkGrads(t, []*nn.Param{in0}, func() float64 {
		for i := range xs {
			copy(xs[i], in0.Data[i*in:(i+1)*in])
		}
		return seqLoss(l, xs, w)
	})
}

// checkGrads compares each parameter's Grad with central differences of f
// (step 1e-2 in float32; tolerance 1e-3·max|grad| + 1e-2·|fd|), reporting the worst ∞-norm distance.
func checkGrads(t *testing.T, params []*nn.Param, f func() float64) {
	t.Helper()
	const h = 1e-2
	worst, scale := 0.0, 0.0
	for _, p := range params {
		for _, g := range p.Grad {
			scale = max(scale, math.Abs(float64(g)))
		}
	}
	for _, p := range params {
		for i := range p.Data {
			orig := p.Data[i]
			p.Data[i] = orig + h
			fp := f()
			p.Data[i] = orig - h
			fm := f()
			p.Data[i] = orig
			fd := (fp - fm) / (2 * h)
			d := math.Abs(fd - float64(p.Grad[i]))
			worst = max(worst, d)
			if d > 1e-3*scale+1e-2*math.Abs(fd) {
				t.Errorf("%s[%d]: grad %v, finite difference %v", p.Name, i, p.Grad[i], fd)
			}
		}
	}
	t.Logf("max |grad − fd| = %.3g (max |grad| %.3g)", worst, scale)
}

// TestPolicyGradient checks the REINFORCE loss gradient through the Linear
// head and the LSTM, with the sampled noise held fixed:
// loss = mean_i −log N(mean_i + ε_i; mean_i, I)·(r_i − b) depends on the
// parameters only through mean_i, with ∂/∂mean_i = −ε_i·(r_i − b)/n.
func TestPolicyGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const d, hid, n = 4, 6, 5
	l := newLSTMCell("lstm.", d, hid, rng)
	fc := nn.NewLinear("fc.", hid, d, rng)
	states := make([][]float32, n)
	eps := make([]float32, n*d)
	r := make([]float64, n)
	for i := range states {
		states[i] = make([]float32, d)
		for j := range states[i] {
			states[i][j] = float32(rng.NormFloat64())
			eps[i*d+j] = float32(rng.NormFloat64())
		}
		r[i] = rng.Float64()
	}
	const b = 0.95
	// Surrogate loss with ε fixed: −log N(a; mean, I) = ½‖a − mean‖² + c,
	// with a = mean₀ + ε held constant at the current parameters.
	means := func() []float32 {
		l.Reset()
		out := make([]float32, 0, n*d)
		for _, s := range states {
			out = append(out, fc.Forward(l.Forward(s), 1)...)
		}
		return out
	}
	a := means()
	for i := range a {
		a[i] += eps[i]
	}
	loss := func() float64 {
		m := means()
		s := 0.0
		for i := 0; i < n; i++ {
			nl := 0.0
			for j := 0; j < d; j++ {
				e := float64(a[i*d+j] - m[i*d+j])
				nl += e * e / 2
			}
			s += nl * (r[i] - b)
		}
		return s / n
	}
	means()
	params := append(l.params(), fc.Params()...)
	policyGradient(l, fc, params, eps, make([]float32, n*d), make([]float32, n*d), r, b)
	checkGrads(t, params, loss)
}
