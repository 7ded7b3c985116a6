package search

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// blrData is a Bayesian linear regression problem y ≈ Θw with prior
// w ~ N(0, α⁻¹I) and noise precision β, in float64. It keeps the thin SVD
// Θ = U·diag(s)·Vᵀ so that the marginal log-likelihood costs O(min(N, P))
// per evaluation instead of a P×P inversion: with d_i = β·s_i² + α,
//
//	log det K = Σ log d_i + (P − r)·log α
//	mᵀm       = Σ (β·s_i·z_i/d_i)²,     z = Uᵀy
//	‖y − Θm‖² = ‖y − UUᵀy‖² + Σ (α·z_i/d_i)²
//
// which equals pybnn's explicit K = βΘᵀΘ + αI, m = βK⁻¹Θᵀy.
type blrData struct {
	n, p int
	s2   []float64 // squared singular values, r = min(N, P) of them
	v    mat.Dense // P×r right singular vectors
	z    []float64 // Uᵀy
	res0 float64   // ‖y − UUᵀy‖²
}

// newBLRData factorises theta (N×P).
func newBLRData(theta *mat.Dense, y []float64) (*blrData, error) {
	n, p := theta.Dims()
	var svd mat.SVD
	if !svd.Factorize(theta, mat.SVDThin) {
		return nil, fmt.Errorf("search: dngo: svd of the %d×%d basis failed", n, p)
	}
	s := svd.Values(nil)
	var u mat.Dense
	svd.UTo(&u)
	b := &blrData{n: n, p: p, s2: make([]float64, len(s)), z: make([]float64, len(s))}
	svd.VTo(&b.v)
	yv := mat.NewVecDense(n, append([]float64(nil), y...))
	zv := mat.NewVecDense(len(s), b.z)
	zv.MulVec(u.T(), yv)
	var proj mat.VecDense
	proj.MulVec(&u, zv)
	proj.SubVec(yv, &proj)
	b.res0 = mat.Dot(&proj, &proj)
	for i, v := range s {
		b.s2[i] = v * v
	}
	return b, nil
}

// mll is pybnn's DNGO.marginal_log_likelihood (pybnn/dngo.py) at
// θ = (log α, log σ²), β = 1/σ²:
//
//	D/2·log α + N/2·log β − N/2·log 2π − β/2·‖y − Θm‖ − α/2·mᵀm − ½·log(det K + 1e-10)
//
// with the reference's quirks: the residual norm is not squared, −Inf
// outside the box [−10, 10]², and −1e25 for NaN.
func (b *blrData) mll(theta []float64) float64 {
	for _, t := range theta {
		if !(t >= -10 && t <= 10) && !math.IsNaN(t) {
			return math.Inf(-1)
		}
	}
	alpha, beta := math.Exp(theta[0]), math.Exp(-theta[1])
	logdet := float64(b.p-len(b.s2)) * math.Log(alpha)
	mm, res := 0.0, b.res0
	for i, s2 := range b.s2 {
		d := beta*s2 + alpha
		logdet += math.Log(d)
		w := beta * math.Sqrt(s2) * b.z[i] / d
		mm += w * w
		e := alpha * b.z[i] / d
		res += e * e
	}
	n, p := float64(b.n), float64(b.p)
	v := p/2*math.Log(alpha) + n/2*math.Log(beta) - n/2*math.Log(2*math.Pi) -
		beta/2*math.Sqrt(res) - alpha/2*mm - 0.5*logAddDet(logdet)
	if math.IsNaN(v) {
		return -1e25
	}
	return v
}

// logAddDet returns log(exp(logdet) + 1e-10) as numpy computes
// log(det(K) + 1e-10): +Inf when det K overflows float64, log 1e-10 when
// it underflows.
func logAddDet(logdet float64) float64 {
	const eps = 1e-10
	if logdet > math.Log(math.MaxFloat64) {
		return math.Inf(1)
	}
	le := math.Log(eps)
	if logdet < le {
		return le + math.Log1p(math.Exp(logdet-le))
	}
	return logdet + math.Log1p(math.Exp(le-logdet))
}

// fminTol is scipy.optimize.fmin's default xtol and ftol.
const fminTol = 1e-4

// fitHypers maximises b.mll by Nelder–Mead from x0 with scipy fmin's
// coefficients (reflection 1, expansion 2, contraction 0.5, shrink 0.5),
// its initial simplex (+5 % per component, 0.00025 for zero components),
// its convergence test (see simplexConverger) and its limits. It returns
// θ = (log α, log σ²) and the number of evaluations. ctx is checked
// between evaluations.
func fitHypers(ctx context.Context, b *blrData, x0 []float64) ([]float64, int, error) {
	dim := len(x0)
	conv := &simplexConverger{xtol: fminTol, ftol: fminTol}
	f := func(x []float64) float64 {
		v := -b.mll(x)
		conv.log(x, v)
		return v
	}
	verts := make([][]float64, dim+1)
	vals := make([]float64, dim+1)
	for k := range verts {
		verts[k] = append([]float64(nil), x0...)
		if k > 0 {
			if x0[k-1] != 0 {
				verts[k][k-1] *= 1.05
			} else {
				verts[k][k-1] = 0.00025
			}
		}
		vals[k] = -b.mll(verts[k])
	}
	conv.init(verts, vals)
	nm := &optimize.NelderMead{InitialVertices: verts, InitialValues: vals,
		Reflection: 1, Expansion: 2, Contraction: 0.5, Shrink: 0.5}
	prob := optimize.Problem{Func: f, Status: func() (optimize.Status, error) {
		if ctx.Err() != nil {
			return optimize.Failure, context.Cause(ctx)
		}
		return optimize.NotTerminated, nil
	}}
	settings := &optimize.Settings{
		InitValues:      &optimize.Location{F: vals[0]},
		Converger:       conv,
		MajorIterations: 200*dim + 2, // gonum counts two start-up iterations
		FuncEvaluations: 200*dim - (dim + 1),
	}
	res, err := optimize.Minimize(prob, x0, settings, nm)
	if err != nil && ctx.Err() != nil {
		return nil, 0, err
	}
	if res == nil {
		return nil, 0, fmt.Errorf("search: dngo: hyperparameter fit: %w", err)
	}
	return res.X, res.Stats.FuncEvaluations + dim + 1, nil
}
