package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// PCAResult is a principal component analysis of n points in d dimensions,
// reduced to k components.
type PCAResult struct {
	// K is the number of components kept.
	K int
	// Proj holds the n×K projections of the centred points, row-major.
	Proj []float64
	// Components holds the K principal directions, each of length d,
	// row-major (component c is Components[c·d:(c+1)·d]).
	Components []float64
	// Variance is the variance (n−1 denominator) along each kept component.
	Variance []float64
	// Ratio is each kept component's share of the total variance; 0 when
	// the total is 0.
	Ratio []float64
}

// PCA projects the n points of x (n×d, row-major float32, as embeddings
// are stored) onto their first k principal components: the eigenvectors of
// the d×d sample covariance (n−1 denominator) with the largest eigenvalues,
// accumulated in float64 in a fixed order. Each component's sign is chosen
// so that its largest-magnitude coordinate is positive, which makes the
// result reproducible. It returns an error if the shape is wrong, n < 2, k
// is not in 1..min(n, d), a value is not finite, or ctx ends.
func PCA(ctx context.Context, x []float32, n, d, k int) (*PCAResult, error) {
	switch {
	case n < 2 || d < 1:
		return nil, fmt.Errorf("analysis: pca: need at least 2 points of dimension ≥ 1, have %d×%d", n, d)
	case len(x) != n*d:
		return nil, fmt.Errorf("analysis: pca: %d values for %d×%d points", len(x), n, d)
	case k < 1 || k > d || k > n:
		return nil, fmt.Errorf("analysis: pca: %d components requested of %d points of dimension %d", k, n, d)
	}
	mean := make([]float64, d)
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("analysis: pca: point %d coordinate %d is %v", i/d, i%d, v)
		}
		mean[i%d] += float64(v)
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	cov := make([]float64, d*d) // upper triangle
	row := make([]float64, d)
	for i := range n {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("analysis: pca: %w", context.Cause(ctx))
		}
		for j := range d {
			row[j] = float64(x[i*d+j]) - mean[j]
		}
		for a := range d {
			ra := row[a]
			c := cov[a*d : (a+1)*d]
			for b := a; b < d; b++ {
				c[b] += ra * row[b]
			}
		}
	}
	sym := mat.NewSymDense(d, nil)
	for a := range d {
		for b := a; b < d; b++ {
			sym.SetSym(a, b, cov[a*d+b]/float64(n-1))
		}
	}
	var eig mat.EigenSym
	if ok := eig.Factorize(sym, true); !ok {
		return nil, errors.New("analysis: pca: eigendecomposition failed")
	}
	vals := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	total := 0.0
	for _, v := range vals {
		total += max(v, 0)
	}
	r := &PCAResult{K: k, Components: make([]float64, k*d), Variance: make([]float64, k), Ratio: make([]float64, k)}
	for c := range k {
		col := d - 1 - c
		big := 0.0
		for j := range d {
			if v := vecs.At(j, col); math.Abs(v) > math.Abs(big) {
				big = v
			}
		}
		sign := 1.0
		if big < 0 {
			sign = -1
		}
		for j := range d {
			r.Components[c*d+j] = sign * vecs.At(j, col)
		}
		r.Variance[c] = max(vals[col], 0)
		if total > 0 {
			r.Ratio[c] = r.Variance[c] / total
		}
	}
	r.Proj = project(x, n, d, mean, r.Components, k)
	return r, nil
}

// checkEvery is how many points PCA processes between checks of its
// context.
const checkEvery = 1 << 14

// project multiplies the centred points by the k components.
func project(x []float32, n, d int, mean, comps []float64, k int) []float64 {
	proj := make([]float64, n*k)
	for i := range n {
		row := x[i*d : (i+1)*d]
		for c := range k {
			s := 0.0
			for j, v := range row {
				s += (float64(v) - mean[j]) * comps[c*d+j]
			}
			proj[i*k+c] = s
		}
	}
	return proj
}
