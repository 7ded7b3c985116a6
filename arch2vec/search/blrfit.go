package search

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// BLR is a fitted Bayesian linear regression on a learnt basis: the second
// stage of DNGO, exported so that surrogates computing their own basis
// (arch2vec's supervised DNGO, whose basis is a GIN trained end-to-end)
// reuse exactly the DNGO hyperparameter fit and posterior of this package.
// A BLR is read-only once fitted and safe for concurrent Predict calls.
type BLR struct {
	post *blrPosterior
	p    int
}

// FitBLR fits pybnn's Bayesian linear regression y ≈ Θw on the basis theta
// (n×p, row-major, float64) as [DNGOModel] does after training its network:
// one draw from the prior (log α ~ N(0, 1), log σ² ~ N(−3, 1), two
// rng.NormFloat64 calls), Nelder–Mead on pybnn's marginal log-likelihood
// (with its quirks, see the package documentation), then the weight
// posterior. ctx is checked between likelihood evaluations.
func FitBLR(ctx context.Context, theta []float64, n, p int, y []float64, rng *rand.Rand) (*BLR, error) {
	if n < 1 || p < 1 || len(theta) != n*p || len(y) != n {
		return nil, fmt.Errorf("search: blr: basis of %d values for %d×%d, %d targets", len(theta), n, p, len(y))
	}
	for i, v := range theta {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("search: blr: basis value %d (row %d) is %v", i, i/p, v)
		}
	}
	th := mat.NewDense(n, p, append([]float64(nil), theta...))
	data, err := newBLRData(th, y)
	if err != nil {
		return nil, err
	}
	x0 := []float64{rng.NormFloat64(), -3 + rng.NormFloat64()}
	hyp, _, err := fitHypers(ctx, data, x0)
	if err != nil {
		return nil, err
	}
	post, err := newBLRPosterior(th, data, y, math.Exp(hyp[0]), math.Exp(-hyp[1]))
	if err != nil {
		return nil, err
	}
	return &BLR{post: post, p: p}, nil
}

// Predict returns the predictive mean mᵀφ and variance 1/β + φᵀSφ
// (at least float64 eps) at the basis point phi. It panics if len(phi) is
// not the basis width.
func (b *BLR) Predict(phi []float64) (mean, variance float64) {
	if len(phi) != b.p {
		panic(fmt.Sprintf("search: blr: predict with %d basis values, want %d", len(phi), b.p))
	}
	return b.post.predict(phi)
}

// Hypers returns the fitted prior precision α and noise precision β.
func (b *BLR) Hypers() (alpha, beta float64) { return b.post.alpha, b.post.beta }
