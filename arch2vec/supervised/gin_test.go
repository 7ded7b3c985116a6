package supervised

import (
	"context"
	"fmt"
	"github.com/arch2vec/arch2vec/arch2vec/internal/gradcheck"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// TestGradDNGO checks the analytic gradient of the supervised DNGO loss
// (GIN → mean over nodes → tanh → Linear(16, 1) → MSE) against central
// differences of the float64 loss, in training mode (batch statistics)
// and in evaluation mode (running statistics), plus a directional check
// over all parameters.
func TestGradDNGO(t *testing.T) {
	cs, d := nb201Cells(t, 40)
	for _, train := range []bool{true, false} {
		t.Run(fmt.Sprintf("train=%v", train), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			s := Config{}.Surrogate(d)(rewardTable(cs)).(*dngo)
			c := s.cfg
			s.gin = NewGIN(d.C, c, rng)
			s.out = nn.NewLinear("out.", c.Latent, 1, rng)
			for l := range s.gin.eps.Data {
				s.gin.eps.Data[l] = float32(0.1 * rng.NormFloat64())
			}
			const bs = 5
			cells := []int{3, 11, 17, 25, 38}
			batch := []int{0, 1, 2, 3, 4}
			y := []float64{0.9, 0.85, 0.7, 0.95, 0.8}
			s.ops, s.adj = make([]float32, bs*d.N*d.C), make([]float32, bs*d.N*d.N)
			s.h, s.dh, s.dy = make([]float32, bs*c.Latent), make([]float32, bs*c.Latent), make([]float32, bs)
			gatherCells(d, s.ops, s.adj, cells, batch)
			if !train {
				for k := 0; k < 3; k++ { // non-trivial running statistics
					s.gin.Forward(s.ops, s.adj, bs, d.N, true)
				}
			}
			params := append(append([]*nn.Param(nil), s.gin.Params()...), s.out.Params()...)
			loss := func() float64 {
				z := s.gin.Forward(s.ops, s.adj, bs, d.N, train)
				copy(s.h, z)
				tanh32(s.h)
				pred := s.out.Forward(s.h, bs)
				l := 0.0
				for r, i := range batch {
					e := float64(pred[r]) - y[i]
					l += e * e
				}
				return l / bs
			}
			gradOf := func() [][]float32 {
				if train {
					s.step(batch, y, bs)
				} else {
					// evaluation-mode backward: step with train=false
					stepEval(s, batch, y, bs)
				}
				g := make([][]float32, len(params))
				for i, p := range params {
					g[i] = append([]float32(nil), p.Grad...)
				}
				return g
			}
			checkGrad(t, params, gradOf(), loss, rng, train)
		})
	}
}

// stepEval is dngo.step with evaluation-mode BatchNorms.
func stepEval(s *dngo, batch []int, y []float64, bs int) {
	z := s.gin.Forward(s.ops, s.adj, bs, s.d.N, false)
	copy(s.h, z)
	tanh32(s.h)
	pred := s.out.Forward(s.h, bs)
	for r, i := range batch {
		s.dy[r] = float32(2 * (float64(pred[r]) - y[i]) / float64(bs))
	}
	dh := s.out.Backward(s.dy, true)
	for i, h := range s.h {
		s.dh[i] = dh[i] * (1 - h*h)
	}
	s.gin.Backward(s.dh)
}

// TestGradState checks the gradient of a linear function of the
// training-mode encoding of one cell (the REINFORCE state), as the policy
// loss reaches the GIN.
func TestGradState(t *testing.T) {
	_, d := nb201Cells(t, 10)
	rng := rand.New(rand.NewPCG(5, 6))
	g := NewGIN(d.C, Config{}, rng)
	w := make([]float32, 16)
	for i := range w {
		w[i] = float32(0.01 * rng.NormFloat64()) // a loss of order 1: less float32 noise
	}
	ops, adj := d.Ops[7*56:8*56], d.Adj[7*64:8*64]
	loss := func() float64 {
		z := g.Forward(ops, adj, 1, 8, true)
		s := 0.0
		for i, v := range z {
			s += float64(w[i]) * float64(v)
		}
		return s
	}
	g.Forward(ops, adj, 1, 8, true)
	g.Backward(w)
	grads := make([][]float32, len(g.Params()))
	for i, p := range g.Params() {
		grads[i] = append([]float32(nil), p.Grad...)
	}
	checkGrad(t, g.Params(), grads, loss, rng, true)
}

// checkGrad compares sampled gradient entries with central differences
// (steps 1e-2, 1e-3, 1e-4, the closest counting), allowing a few misses at
// ReLU kinks and where batch statistics of a few rows make the loss
// strongly curved, then the directional derivatives along the gradient and
// two random directions.
func checkGrad(t *testing.T, params []*nn.Param, grads [][]float32, loss func() float64, rng *rand.Rand, train bool) {
	t.Helper()
	checks, failed := 0, 0
	for i, p := range params {
		idx := []int{0, len(p.Data) - 1, rng.IntN(len(p.Data)), rng.IntN(len(p.Data))}
		for _, j := range idx {
			ana := float64(grads[i][j])
			ok, _, num := gradcheck.Entry(p, j, ana, loss, 1e-2, 1e-3, 1e-4)
			checks++
			if !ok {
				failed++
				t.Logf("%s[%d]: analytic %.6g, numeric %.6g", p.Name, j, ana, num)
			}
		}
	}
	allowed := checks / 20
	if train {
		allowed = checks / 5 // batch statistics couple the rows: more kinks in the interval
	}
	t.Logf("%d of %d entries beyond tolerance (allowed %d)", failed, checks, allowed)
	if failed > allowed {
		t.Errorf("%d of %d sampled gradient entries differ from central differences", failed, checks)
	}
	var gg float64
	for _, g := range grads {
		for _, v := range g {
			gg += float64(v) * float64(v)
		}
	}
	orig := make([][]float32, len(params))
	for i, p := range params {
		orig[i] = append([]float32(nil), p.Data...)
	}
	for k := 0; k < 3; k++ {
		dir := make([][]float64, len(params))
		var norm, want float64
		for i, g := range grads {
			dir[i] = make([]float64, len(g))
			for j, v := range g {
				dir[i][j] = float64(v)
				if k > 0 {
					dir[i][j] = rng.NormFloat64()
				}
				norm += dir[i][j] * dir[i][j]
			}
		}
		norm = math.Sqrt(norm)
		for i, g := range grads {
			for j, v := range g {
				dir[i][j] /= norm
				want += float64(v) * dir[i][j]
			}
		}
		eval := func(h float64) float64 {
			for i, p := range params {
				for j := range p.Data {
					p.Data[j] = orig[i][j] + float32(h*dir[i][j])
				}
			}
			return loss()
		}
		// Along the gradient the batch-statistics loss is strongly curved:
		// the closest of a few steps counts.
		got := math.Inf(1)
		for _, h := range []float64{1e-3, 3e-4, 1e-4, 3e-5} {
			if n := (eval(h) - eval(-h)) / (2 * h); math.Abs(n-want) < math.Abs(got-want) {
				got = n
			}
		}
		eval(0)
		t.Logf("direction %d: numeric %.6g, analytic %.6g", k, got, want)
		if math.Abs(got-want) > 1e-2*math.Sqrt(gg) {
			t.Errorf("direction %d: numeric derivative %.6g, analytic %.6g", k, got, want)
		}
	}
}

// TestEvalEncoder: the all-cells encoding (distinct rows only, fused
// BatchNorms) equals the GIN's own evaluation-mode Forward (to float32
// rounding) and is bit-identical with one or two workers.
func TestEvalEncoder(t *testing.T) {
	_, d := nb201Cells(t, 3000)
	rng := rand.New(rand.NewPCG(8, 9))
	g := NewGIN(d.C, Config{}, rng)
	for k := 0; k < 3; k++ { // non-trivial running statistics
		g.Forward(d.Ops[k*560:(k+1)*560], d.Adj[k*640:(k+1)*640], 10, 8, true)
	}
	want := append([]float32(nil), g.Forward(d.Ops, d.Adj, d.Len, d.N, false)...)
	var got [2][]float32
	for w := 1; w <= 2; w++ {
		got[w-1] = make([]float32, d.Len*16)
		if err := newEvalEncoder(g, d, w).encode(context.Background(), nil, got[w-1], false); err != nil {
			t.Fatal(err)
		}
	}
	if p := newPlan(d, nil, 4); p.distinct(3) <= encodeChunk {
		t.Fatalf("%d distinct rows: one chunk, the workers are not compared", p.distinct(3))
	}
	for i := range want {
		if got[0][i] != got[1][i] {
			t.Fatalf("value %d: %g with one worker, %g with two", i, got[0][i], got[1][i])
		}
		if math.Abs(float64(got[0][i]-want[i])) > 1e-4*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("value %d: encoder %g, Forward %g", i, got[0][i], want[i])
		}
	}
	// A list of cells (as the DNGO basis uses) gives the same rows.
	cells := []int{5, 2999, 17, 5}
	sub := make([]float32, len(cells)*16)
	if err := newEvalEncoder(g, d, 2).encode(context.Background(), cells, sub, false); err != nil {
		t.Fatal(err)
	}
	for k, c := range cells {
		for j := 0; j < 16; j++ {
			if a, b := sub[k*16+j], got[0][c*16+j]; math.Abs(float64(a-b)) > 1e-5*(1+math.Abs(float64(b))) {
				t.Fatalf("cell %d component %d: %g in a list, %g in the table", c, j, a, b)
			}
		}
	}
}
