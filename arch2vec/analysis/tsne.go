package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// TSNEInit selects where t-SNE places the points before it optimises.
type TSNEInit int

const (
	// TSNEInitPCA starts from the first two principal components, scaled so
	// that the first has standard deviation 1e-4: scikit-learn's default
	// since version 1.2. It needs no randomness.
	TSNEInitPCA TSNEInit = iota
	// TSNEInitRandom starts from Gaussian noise of standard deviation 1e-4
	// drawn from the seed: scikit-learn's default before 1.2, which the
	// arch2vec paper's figures used.
	TSNEInitRandom
)

// TSNEOptions configure [TSNE]. The zero value gives scikit-learn's
// defaults: perplexity 30, Barnes–Hut angle 0.5, early exaggeration 12,
// learning rate "auto", 1000 iterations, PCA initialisation.
type TSNEOptions struct {
	// Perplexity is the effective number of neighbours each point's
	// Gaussian covers; 0 means 30. It must be less than the number of
	// points.
	Perplexity float64
	// Theta is the Barnes–Hut angle: a cell of the quadtree whose side is
	// less than Theta times its distance stands for all its points. 0
	// means 0.5; larger is faster and coarser.
	Theta float64
	// ExactForces computes every repulsion exactly (Theta = 0), in O(N²)
	// time per iteration: for checks and small sets.
	ExactForces bool
	// LearningRate is the gradient-descent step; 0 means scikit-learn's
	// "auto", max(N / EarlyExaggeration / 4, 50).
	LearningRate float64
	// EarlyExaggeration multiplies the affinities during the first 250
	// iterations so that clusters form; 0 means 12.
	EarlyExaggeration float64
	// Iterations is the total number of iterations, early exaggeration
	// included; 0 means 1000. Optimisation stops earlier, as
	// scikit-learn's does, when the KL divergence has not improved for 300
	// iterations or the gradient norm falls below 1e-7.
	Iterations int
	// Init selects the starting layout.
	Init TSNEInit
	// Seed seeds the random initialisation (TSNEInitRandom, or the
	// fallback when the principal components are degenerate).
	Seed uint64
	// Progress, if not nil, is called on TSNE's goroutine every 50
	// iterations and after the last one, with the number of iterations
	// done and the KL divergence of the layout (the true one, without
	// exaggeration; scikit-learn's verbose output shows the exaggerated
	// one during the first 250 iterations).
	Progress func(iter int, kl float64)
}

// TSNEStats describe a finished [TSNE] run.
type TSNEStats struct {
	// KL is the Kullback–Leibler divergence between the input affinities
	// and the layout's at the end (Barnes–Hut estimate).
	KL float64
	// Iterations is the number of iterations run.
	Iterations int
	// Neighbors is the number of nearest neighbours each point's
	// affinities were computed over: min(N−1, ⌊3·Perplexity + 1⌋).
	Neighbors int
}

// scikit-learn's constants for the optimiser.
const (
	tsneExploreIters     = 250  // iterations with early exaggeration
	tsneCheckEvery       = 50   // iterations between KL evaluations
	tsneNoProgressIters  = 300  // stop when KL has not improved for this long
	tsneMinGradNorm      = 1e-7 // stop when the gradient is this small
	tsneMinGain          = 0.01
	tsneInitStd          = 1e-4
	tsneMomentumExplore  = 0.5
	tsneMomentumConverge = 0.8
)

// withDefaults returns the options with zero fields set to their defaults,
// or an error naming an invalid field.
func (o TSNEOptions) withDefaults(n int) (TSNEOptions, error) {
	switch {
	case o.Perplexity < 0 || math.IsNaN(o.Perplexity):
		return o, fmt.Errorf("analysis: tsne: perplexity %g is not positive", o.Perplexity)
	case o.Theta < 0 || math.IsNaN(o.Theta):
		return o, fmt.Errorf("analysis: tsne: theta %g is negative", o.Theta)
	case o.LearningRate < 0 || math.IsNaN(o.LearningRate) || math.IsInf(o.LearningRate, 0):
		return o, fmt.Errorf("analysis: tsne: learning rate %g is not a positive number", o.LearningRate)
	case o.EarlyExaggeration < 0 || math.IsNaN(o.EarlyExaggeration) || math.IsInf(o.EarlyExaggeration, 0):
		return o, fmt.Errorf("analysis: tsne: early exaggeration %g is not a positive number", o.EarlyExaggeration)
	case o.Iterations < 0:
		return o, fmt.Errorf("analysis: tsne: %d iterations", o.Iterations)
	case o.Init != TSNEInitPCA && o.Init != TSNEInitRandom:
		return o, fmt.Errorf("analysis: tsne: unknown initialisation %d", o.Init)
	}
	if o.Perplexity == 0 {
		o.Perplexity = 30
	}
	if o.Perplexity >= float64(n) {
		return o, fmt.Errorf("analysis: tsne: perplexity %g must be less than the number of points (%d)", o.Perplexity, n)
	}
	if o.Theta == 0 {
		o.Theta = 0.5
	}
	if o.ExactForces {
		o.Theta = 0
	}
	if o.EarlyExaggeration == 0 {
		o.EarlyExaggeration = 12
	}
	if o.LearningRate == 0 {
		o.LearningRate = max(float64(n)/o.EarlyExaggeration/4, 50)
	}
	if o.Iterations == 0 {
		o.Iterations = 1000
	}
	return o, nil
}

// TSNE lays out the n points of x (n×d, row-major float32, as embeddings
// are stored) in two dimensions with Barnes–Hut t-SNE (van der Maaten
// 2014), following scikit-learn's TSNE: Gaussian affinities over the
// min(n−1, ⌊3·perplexity+1⌋) exact nearest neighbours, each calibrated to
// the perplexity, symmetrised; gradient descent with momentum 0.5 and
// early exaggeration for 250 iterations, then momentum 0.8, with
// per-coordinate gains. It writes the n×2 layout, row-major, into dst.
//
// The result depends only on the data and the options, not on GOMAXPROCS:
// work is split into fixed shards, every point's sums run in a fixed
// order and totals are added in point order. TSNE checks ctx at every
// iteration and while computing affinities; on error dst holds no
// meaningful layout. It returns an error if the shape is wrong, n < 2, a
// value is not finite, an option is invalid (perplexity ≥ n among them),
// or ctx ends. It panics if len(dst) != 2n.
func TSNE(ctx context.Context, dst []float64, x []float32, n, d int, opts TSNEOptions) (TSNEStats, error) {
	if len(dst) != 2*n {
		panic(fmt.Sprintf("analysis: tsne: destination has %d values for %d points", len(dst), n))
	}
	switch {
	case n < 2 || d < 1:
		return TSNEStats{}, fmt.Errorf("analysis: tsne: need at least 2 points of dimension ≥ 1, have %d×%d", n, d)
	case len(x) != n*d:
		return TSNEStats{}, fmt.Errorf("analysis: tsne: %d values for %d×%d points", len(x), n, d)
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return TSNEStats{}, fmt.Errorf("analysis: tsne: point %d coordinate %d is %v", i/d, i%d, v)
		}
	}
	o, err := opts.withDefaults(n)
	if err != nil {
		return TSNEStats{}, err
	}
	pool := newTSNEPool(n)
	defer pool.close()
	p, err := affinities(ctx, pool, x, n, d, o.Perplexity)
	if err != nil {
		return TSNEStats{}, err
	}
	if err := initLayout(ctx, dst, x, n, d, o); err != nil {
		return TSNEStats{}, err
	}
	st := newTSNEState(pool, p, n, o.Theta)
	stats, err := st.optimise(ctx, dst, o)
	stats.Neighbors = p.k
	return stats, err
}

// initLayout writes the starting layout into y.
func initLayout(ctx context.Context, y []float64, x []float32, n, d int, o TSNEOptions) error {
	if o.Init == TSNEInitPCA && d >= 2 {
		r, err := PCA(ctx, x, n, d, 2)
		if err != nil {
			return fmt.Errorf("analysis: tsne: initialisation: %w", err)
		}
		mean, sq := 0.0, 0.0
		for i := range n {
			mean += r.Proj[2*i]
		}
		mean /= float64(n)
		for i := range n {
			sq += (r.Proj[2*i] - mean) * (r.Proj[2*i] - mean)
		}
		if std := math.Sqrt(sq / float64(n)); std > 0 {
			for i, v := range r.Proj {
				y[i] = v / std * tsneInitStd
			}
			return nil
		}
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x7473_6e65)) // "tsne"
	for i := range y {
		y[i] = tsneInitStd * rng.NormFloat64()
	}
	return nil
}

// optimise runs the gradient descent on the layout y.
func (st *tsneState) optimise(ctx context.Context, y []float64, o TSNEOptions) (TSNEStats, error) {
	update := make([]float64, len(y))
	gains := make([]float64, len(y))
	grad := make([]float64, len(y))
	for i := range gains {
		gains[i] = 1
	}
	var stats TSNEStats
	exag, momentum, patience := o.EarlyExaggeration, tsneMomentumExplore, tsneExploreIters
	best, bestIter := math.Inf(1), 0
	for it := range o.Iterations {
		if it == tsneExploreIters { // scikit-learn's second stage
			exag, momentum, patience = 1, tsneMomentumConverge, tsneNoProgressIters
			best, bestIter = math.Inf(1), it
		}
		if err := ctx.Err(); err != nil {
			return stats, fmt.Errorf("analysis: tsne: interrupted at iteration %d: %w", it, err)
		}
		check := (it+1)%tsneCheckEvery == 0 || it == o.Iterations-1
		kl := st.gradient(y, grad, exag, check)
		norm := 0.0
		for k, g := range grad {
			if update[k]*g < 0 {
				gains[k] += 0.2
			} else {
				gains[k] *= 0.8
			}
			gains[k] = max(gains[k], tsneMinGain)
			g *= gains[k]
			norm += g * g
			update[k] = momentum*update[k] - o.LearningRate*g
			y[k] += update[k]
		}
		stats.Iterations = it + 1
		if !check {
			continue
		}
		stats.KL = kl
		if o.Progress != nil {
			o.Progress(it+1, kl)
		}
		if kl < best {
			best, bestIter = kl, it
		} else if it-bestIter > patience {
			break
		}
		if math.Sqrt(norm) <= tsneMinGradNorm {
			break
		}
	}
	for _, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return stats, errors.New("analysis: tsne: layout diverged (learning rate too large?)")
		}
	}
	return stats, nil
}
