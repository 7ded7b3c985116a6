package search

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// blrPosterior is the weight posterior of a Bayesian linear regression
// (pybnn/bayesian_linear_regression.py, train and predict):
//
//	K = βΘᵀΘ + αI,  S = K⁻¹,  m = βSΘᵀy
//	μ(φ) = mᵀφ,     v(φ) = 1/β + φᵀSφ  (clipped at float64 eps)
//
// K is factorised by Cholesky, K = LLᵀ. φᵀSφ is evaluated in whichever
// of two exact forms is cheaper for the basis' rank r = min(N, P):
//
//   - ‖L⁻¹φ‖², P²/2 multiply-adds (used when r ≥ (P−1)/2);
//   - ‖φ‖²/α − Σ_i c_i·(v_iᵀφ)² over the r right singular vectors v_i of Θ,
//     c_i = βs_i²/(α(βs_i² + α)), r·P multiply-adds (S = α⁻¹I on Θ's
//     null space).
type blrPosterior struct {
	p           int
	alpha, beta float64
	m           []float64 // P posterior mean weights
	linv        []float64 // P×P row-major L⁻¹ (lower triangular); nil in the low-rank form
	w           []float64 // r×P rows √c_i·v_i of the low-rank form
}

// maxJitterTries is how many times newBLRPosterior retries a failed
// Cholesky factorisation, each time adding a ten times larger multiple of
// the mean diagonal to K's diagonal, starting at 1e-10.
const maxJitterTries = 5

// newBLRPosterior computes the posterior for basis theta (N×P) and targets
// y; data is theta's factorisation. It returns an error when K is not
// positive definite even with jitter.
func newBLRPosterior(theta *mat.Dense, data *blrData, y []float64, alpha, beta float64) (*blrPosterior, error) {
	return buildPosterior(theta, data, y, alpha, beta, formAuto)
}

// Variance forms of buildPosterior.
const (
	formAuto    = iota // the cheaper one
	formChol           // ‖L⁻¹φ‖²
	formLowRank        // ‖φ‖²/α − Σ c_i(v_iᵀφ)²
)

func buildPosterior(theta *mat.Dense, data *blrData, y []float64, alpha, beta float64, form int) (*blrPosterior, error) {
	n, p := theta.Dims()
	var k mat.SymDense
	k.SymOuterK(beta, theta.T())
	meanDiag := 0.0
	for i := 0; i < p; i++ {
		k.SetSym(i, i, k.At(i, i)+alpha)
		meanDiag += k.At(i, i) / float64(p)
	}
	var chol mat.Cholesky
	ok := chol.Factorize(&k)
	for try, jitter := 0, 1e-10*meanDiag; !ok && try < maxJitterTries; try, jitter = try+1, jitter*10 {
		kj := mat.NewSymDense(p, nil)
		kj.CopySym(&k)
		for i := 0; i < p; i++ {
			kj.SetSym(i, i, kj.At(i, i)+jitter)
		}
		ok = chol.Factorize(kj)
	}
	if !ok {
		return nil, fmt.Errorf("search: dngo: posterior of %d points: K = βΘᵀΘ + αI not positive definite (α=%g, β=%g)", n, alpha, beta)
	}
	var rhs mat.VecDense
	rhs.MulVec(theta.T(), mat.NewVecDense(n, append([]float64(nil), y...)))
	rhs.ScaleVec(beta, &rhs)
	post := &blrPosterior{p: p, alpha: alpha, beta: beta, m: make([]float64, p)}
	mv := mat.NewVecDense(p, post.m)
	if err := chol.SolveVecTo(mv, &rhs); err != nil {
		// A Condition error still carries a solution; only report
		// non-finite results.
		for _, v := range post.m {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("search: dngo: posterior mean: %w", err)
			}
		}
	}
	if r := len(data.s2); form == formLowRank || (form == formAuto && 2*r < p-1) {
		post.w = make([]float64, r*p)
		for i, s2 := range data.s2 {
			c := math.Sqrt(beta * s2 / (alpha * (beta*s2 + alpha)))
			for j := 0; j < p; j++ {
				post.w[i*p+j] = c * data.v.At(j, i)
			}
		}
		return post, nil
	}
	post.linv = make([]float64, p*p)
	var l, li mat.TriDense
	chol.LTo(&l)
	if err := li.InverseTri(&l); err != nil {
		if _, cond := err.(mat.Condition); !cond {
			return nil, fmt.Errorf("search: dngo: inverse of the Cholesky factor: %w", err)
		}
	}
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			post.linv[i*p+j] = li.At(i, j)
		}
	}
	return post, nil
}

// predict returns the predictive mean and variance at basis point phi.
func (b *blrPosterior) predict(phi []float64) (mean, variance float64) {
	p := b.p
	phi = phi[:p]
	mean = floats.Dot(b.m, phi)
	q := 0.0
	if b.linv == nil {
		q = floats.Dot(phi, phi) / b.alpha
		for i := 0; i < len(b.w); i += p {
			y := floats.Dot(b.w[i:i+p], phi)
			q -= y * y
		}
	} else {
		for i := 0; i < p; i++ {
			y := floats.Dot(b.linv[i*p:i*p+i+1], phi[:i+1])
			q += y * y
		}
	}
	return mean, max(1/b.beta+q, eps64)
}

// eps64 is numpy's float64 eps, the floor of the predictive variance.
const eps64 = 2.220446049250313e-16
