package search

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// directMLL is pybnn's marginal log-likelihood computed literally: explicit
// K, its inverse and determinant.
func directMLL(theta *mat.Dense, y []float64, th []float64) float64 {
	n, p := theta.Dims()
	alpha, beta := math.Exp(th[0]), math.Exp(-th[1])
	k := mat.NewDense(p, p, nil)
	k.Mul(theta.T(), theta)
	k.Scale(beta, k)
	for i := 0; i < p; i++ {
		k.Set(i, i, k.At(i, i)+alpha)
	}
	var kinv mat.Dense
	if err := kinv.Inverse(k); err != nil {
		panic(err)
	}
	yv := mat.NewVecDense(n, y)
	var ty, m, fit, res mat.VecDense
	ty.MulVec(theta.T(), yv)
	m.MulVec(&kinv, &ty)
	m.ScaleVec(beta, &m)
	fit.MulVec(theta, &m)
	res.SubVec(yv, &fit)
	fp, fn := float64(p), float64(n)
	return fp/2*math.Log(alpha) + fn/2*math.Log(beta) - fn/2*math.Log(2*math.Pi) -
		beta/2*mat.Norm(&res, 2) - alpha/2*mat.Dot(&m, &m) - 0.5*math.Log(mat.Det(k)+1e-10)
}

func randProblem(rng *rand.Rand, n, p int) (*mat.Dense, []float64) {
	theta := mat.NewDense(n, p, nil)
	y := make([]float64, n)
	w := make([]float64, p)
	for j := range w {
		w[j] = rng.NormFloat64() / math.Sqrt(float64(p))
	}
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			theta.Set(i, j, math.Tanh(rng.NormFloat64()))
			y[i] += w[j] * theta.At(i, j)
		}
		y[i] = 0.9 + 0.02*y[i] + 0.005*rng.NormFloat64()
	}
	return theta, y
}

func TestMLLMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		n, p int
	}{{"fewer points than basis", 6, 10}, {"square", 8, 8}, {"more points", 30, 5}} {
		t.Run(tc.name, func(t *testing.T) {
			theta, y := randProblem(rng, tc.n, tc.p)
			b, err := newBLRData(theta, y)
			if err != nil {
				t.Fatal(err)
			}
			for _, th := range [][]float64{{0, -3}, {1.5, -6}, {-2, -1}, {3, -8}, {-1, 2}} {
				got, want := b.mll(th), directMLL(theta, y, th)
				if math.Abs(got-want) > 1e-7*math.Max(1, math.Abs(want)) {
					t.Errorf("mll(%v) = %.12g, want %.12g", th, got, want)
				}
			}
			for _, th := range [][]float64{{10.5, 0}, {0, -11}, {math.Inf(1), 0}} {
				if got := b.mll(th); !math.IsInf(got, -1) {
					t.Errorf("mll(%v) = %v outside the box, want -Inf", th, got)
				}
			}
			if got := b.mll([]float64{math.NaN(), 0}); got != -1e25 {
				t.Errorf("mll(NaN) = %v, want -1e25", got)
			}
		})
	}
}

// TestPosteriorClosedForm checks the BLR posterior on a 1-D toy problem,
// y ≈ w₀·x + w₁ with basis (x, 1), against the textbook 2×2 closed form.
func TestPosteriorClosedForm(t *testing.T) {
	xs := []float64{-1, -0.5, 0, 0.3, 0.8, 1.2}
	ys := []float64{-1.9, -1.1, 0.1, 0.7, 1.5, 2.5}
	alpha, beta := 0.5, 20.0
	theta := mat.NewDense(len(xs), 2, nil)
	var sxx, sx, n, sxy, sy float64
	for i, x := range xs {
		theta.Set(i, 0, x)
		theta.Set(i, 1, 1)
		sxx, sx, n, sxy, sy = sxx+x*x, sx+x, n+1, sxy+x*ys[i], sy+ys[i]
	}
	// K = [[α+βΣx², βΣx], [βΣx, α+βN]], S = K⁻¹, m = βS·[Σxy, Σy].
	a, bb, d := alpha+beta*sxx, beta*sx, alpha+beta*n
	det := a*d - bb*bb
	s00, s01, s11 := d/det, -bb/det, a/det
	m0 := beta * (s00*sxy + s01*sy)
	m1 := beta * (s01*sxy + s11*sy)
	data, err := newBLRData(theta, ys)
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []int{formChol, formLowRank} {
		post, err := buildPosterior(theta, data, ys, alpha, beta, form)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(post.m[0]-m0) > 1e-12 || math.Abs(post.m[1]-m1) > 1e-12 {
			t.Errorf("form %d: m = %v, want [%v %v]", form, post.m, m0, m1)
		}
		for _, x := range []float64{-2, 0, 0.5, 3} {
			mu, v := post.predict([]float64{x, 1})
			wantV := 1/beta + x*x*s00 + 2*x*s01 + s11
			if math.Abs(mu-(m0*x+m1)) > 1e-12 || math.Abs(v-wantV) > 1e-12 {
				t.Errorf("form %d: predict(%v) = %v, %v; want %v, %v", form, x, mu, v, m0*x+m1, wantV)
			}
		}
	}
}

// TestPosteriorForms checks that the two variance forms agree where the
// basis is rank deficient (N < P), as in early DNGO iterations.
func TestPosteriorForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	theta, y := randProblem(rng, 7, 32)
	data, err := newBLRData(theta, y)
	if err != nil {
		t.Fatal(err)
	}
	for _, ab := range [][2]float64{{1, 1000}, {4.5e-5, 2e4}, {100, 5}} {
		pc, err1 := buildPosterior(theta, data, y, ab[0], ab[1], formChol)
		pl, err2 := buildPosterior(theta, data, y, ab[0], ab[1], formLowRank)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		phi := make([]float64, 32)
		for trial := 0; trial < 20; trial++ {
			for j := range phi {
				phi[j] = math.Tanh(rng.NormFloat64())
			}
			mc, vc := pc.predict(phi)
			ml, vl := pl.predict(phi)
			if math.Abs(mc-ml) > 1e-9 || math.Abs(vc-vl) > 1e-6*vc {
				t.Errorf("α=%g β=%g: chol (%v, %v) vs low-rank (%v, %v)", ab[0], ab[1], mc, vc, ml, vl)
			}
		}
	}
}

// TestFitHypersGrid checks the Nelder–Mead fit against a grid search of
// the same marginal likelihood.
func TestFitHypersGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 3; trial++ {
		theta, y := randProblem(rng, 20+10*trial, 16)
		b, err := newBLRData(theta, y)
		if err != nil {
			t.Fatal(err)
		}
		// A coarse grid over the whole box, then a fine one around its best.
		best, bx := math.Inf(-1), []float64{0, 0}
		for a := -10.0; a <= 10; a += 0.1 {
			for s := -10.0; s <= 10; s += 0.1 {
				if v := b.mll([]float64{a, s}); v > best {
					best, bx = v, []float64{a, s}
				}
			}
		}
		ca, cs := bx[0], bx[1]
		for a := ca - 0.2; a <= ca+0.2; a += 0.002 {
			for s := cs - 0.2; s <= cs+0.2; s += 0.002 {
				if v := b.mll([]float64{a, s}); v > best {
					best, bx = v, []float64{a, s}
				}
			}
		}
		x0 := []float64{rng.NormFloat64(), -3 + rng.NormFloat64()}
		th, evals, err := fitHypers(context.Background(), b, x0)
		if err != nil {
			t.Fatal(err)
		}
		got := b.mll(th)
		if got < best-1e-3 || math.Abs(th[0]-bx[0]) > 0.05 || math.Abs(th[1]-bx[1]) > 0.05 {
			t.Errorf("trial %d: NM θ=%v mll=%.6f (%d evals); grid θ=%v mll=%.6f", trial, th, got, evals, bx, best)
		}
		if evals > 400 {
			t.Errorf("trial %d: %d evaluations, want ≤ 400", trial, evals)
		}
	}
}

// TestSimplexMirror checks that the converger's mirror simplex follows
// gonum's Nelder–Mead exactly: its best vertex is the optimiser's result,
// and the run stops by the scipy test well before the iteration limit.
func TestSimplexMirror(t *testing.T) {
	rosen := func(x []float64) float64 {
		a, b := 1-x[0], x[1]-x[0]*x[0]
		return a*a + 100*b*b
	}
	conv := &simplexConverger{xtol: 1e-4, ftol: 1e-4}
	x0 := []float64{-1.2, 1}
	verts := [][]float64{{-1.2, 1}, {-1.26, 1}, {-1.2, 1.05}}
	vals := []float64{rosen(verts[0]), rosen(verts[1]), rosen(verts[2])}
	conv.init(verts, vals)
	nm := &optimize.NelderMead{InitialVertices: verts, InitialValues: vals, Reflection: 1, Expansion: 2, Contraction: 0.5, Shrink: 0.5}
	f := func(x []float64) float64 { v := rosen(x); conv.log(x, v); return v }
	res, err := optimize.Minimize(optimize.Problem{Func: f}, x0,
		&optimize.Settings{InitValues: &optimize.Location{F: vals[0]}, Converger: conv, MajorIterations: 400}, nm)
	if err != nil {
		t.Fatal(err)
	}
	if conv.lost {
		t.Fatal("mirror lost track of the simplex")
	}
	if res.Status != optimize.FunctionConvergence {
		t.Errorf("status %v, want FunctionConvergence", res.Status)
	}
	if res.X[0] != conv.verts[0][0] || res.X[1] != conv.verts[0][1] || res.F != conv.vals[0] {
		t.Errorf("result %v (%v), mirror best %v (%v)", res.X, res.F, conv.verts[0], conv.vals[0])
	}
	if math.Abs(res.X[0]-1) > 1e-2 || math.Abs(res.X[1]-1) > 2e-2 {
		t.Errorf("minimum at %v, want near (1, 1)", res.X)
	}
}
