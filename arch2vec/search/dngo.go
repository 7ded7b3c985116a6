package search

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// Surrogate is the model a Bayesian-optimisation run fits to the cells
// queried so far. The default is [DNGOModel] over the table's fixed
// embeddings; a supervised baseline (arch2vec's supervised_dngo.py, whose
// GIN encoder is trained end-to-end) would be another implementation that
// maps cell indices to its own features. A Surrogate belongs to one run
// and is never used concurrently.
type Surrogate interface {
	// Fit trains the model on the given cells (indices into the table)
	// with targets y, drawing all its randomness from rng.
	Fit(ctx context.Context, cells []int, y []float64, rng *rand.Rand) error
	// Predict writes the predictive mean and variance of every table cell
	// (both of length M).
	Predict(ctx context.Context, mean, variance []float64) error
}

// DNGOModel configures the DNGO surrogate (Snoek et al. 2015, in
// arch2vec's modified pybnn/dngo.py): a D→Hidden tanh→1 network trained by
// MSE, whose hidden layer is the basis of a Bayesian linear regression.
// Zero fields take the defaults in their comments.
type DNGOModel struct {
	Hidden    int     // basis width; 0 means 128
	Epochs    int     // 0 means 100
	BatchSize int     // 0 means 10 (N if N ≤ BatchSize)
	LR        float64 // Adam learning rate; 0 means 0.01
}

func (c DNGOModel) withDefaults() DNGOModel {
	setDefault(&c.Hidden, 128)
	setDefault(&c.Epochs, 100)
	setDefault(&c.BatchSize, 10)
	setDefault(&c.LR, 0.01)
	return c
}

// validate reports a setting that cannot train (after defaults).
func (c DNGOModel) validate() error {
	c = c.withDefaults()
	if c.Hidden < 1 || c.Epochs < 1 || c.BatchSize < 1 || !(c.LR > 0) {
		return fmt.Errorf("search: dngo: hidden %d, epochs %d, batch size %d, lr %v: want positive", c.Hidden, c.Epochs, c.BatchSize, c.LR)
	}
	return nil
}

// New returns a DNGO surrogate over t's embeddings.
func (c DNGOModel) New(t *Table) Surrogate {
	return &dngo{cfg: c.withDefaults(), t: t}
}

// dngo is the DNGO surrogate. Each Fit builds a fresh network (PyTorch
// initialisation), standardises the inputs with the training set's mean and
// population standard deviation, trains it, fits the BLR hyperparameters
// and computes the weight posterior.
type dngo struct {
	cfg      DNGOModel
	t        *Table
	fc1, out *nn.Linear
	mu, sd   []float32 // input standardisation
	post     *blrPosterior
	// training buffers
	x, xb, hb, dz, tb, dy []float32
	thetaF                []float32
}

// Fit implements [Surrogate].
func (d *dngo) Fit(ctx context.Context, cells []int, y []float64, rng *rand.Rand) error {
	n, D, H := len(cells), d.t.Dim, d.cfg.Hidden
	if n == 0 || len(y) != n {
		return fmt.Errorf("search: dngo: fit on %d cells with %d targets", n, len(y))
	}
	d.post = nil // Predict fails until this Fit succeeds
	d.standardise(cells)
	d.x = growF(d.x, n*D)
	for r, c := range cells {
		d.normRow(d.x[r*D:(r+1)*D], d.t.Row(c))
	}
	d.fc1 = nn.NewLinear("fc1.", D, H, rng)
	d.out = nn.NewLinear("out.", H, 1, rng)
	if err := d.train(ctx, n, y, rng); err != nil {
		return err
	}
	// Θ = tanh(fc1(x)): the basis, without a bias column.
	d.thetaF = growF(d.thetaF, n*H)
	copy(d.thetaF, d.fc1.Forward(d.x, n))
	tanhInPlace(d.thetaF)
	theta := mat.NewDense(n, H, nil)
	for i, v := range d.thetaF {
		theta.RawMatrix().Data[i] = float64(v)
	}
	blr, err := newBLRData(theta, y)
	if err != nil {
		return err
	}
	// One draw from pybnn's prior: log α ~ N(0, 1), log σ² ~ N(−3, 1).
	x0 := []float64{rng.NormFloat64(), -3 + rng.NormFloat64()}
	th, _, err := fitHypers(ctx, blr, x0)
	if err != nil {
		return err
	}
	d.post, err = newBLRPosterior(theta, blr, y, math.Exp(th[0]), math.Exp(-th[1]))
	return err
}

// standardise sets mu and sd from the training rows (population std; a
// zero std is replaced by 1 so constant columns stay finite).
func (d *dngo) standardise(cells []int) {
	D := d.t.Dim
	d.mu, d.sd = growF(d.mu, D), growF(d.sd, D)
	n := float64(len(cells))
	for j := 0; j < D; j++ {
		s := 0.0
		for _, c := range cells {
			s += float64(d.t.Emb[c*D+j])
		}
		m := s / n
		v := 0.0
		for _, c := range cells {
			e := float64(d.t.Emb[c*D+j]) - m
			v += e * e
		}
		sd := math.Sqrt(v / n)
		if sd == 0 {
			sd = 1
		}
		d.mu[j], d.sd[j] = float32(m), float32(sd)
	}
}

func (d *dngo) normRow(dst, src []float32) {
	for j, v := range src {
		dst[j] = (v - d.mu[j]) / d.sd[j]
	}
}

// train runs Adam on the MSE for Epochs epochs of shuffled minibatches,
// dropping the last incomplete batch (pybnn's iterate_minibatches).
func (d *dngo) train(ctx context.Context, n int, y []float64, rng *rand.Rand) error {
	D, H := d.t.Dim, d.cfg.Hidden
	bs := d.cfg.BatchSize
	if n <= bs {
		bs = n
	}
	params := append(d.fc1.Params(), d.out.Params()...)
	opt := &nn.Adam{LR: d.cfg.LR}
	d.xb, d.hb, d.dz = growF(d.xb, bs*D), growF(d.hb, bs*H), growF(d.dz, bs*H)
	d.tb, d.dy = growF(d.tb, bs), growF(d.dy, bs)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	for e := 0; e < d.cfg.Epochs; e++ {
		if ctx.Err() != nil {
			return fmt.Errorf("search: dngo: training stopped at epoch %d: %w", e, context.Cause(ctx))
		}
		rng.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		for s := 0; s+bs <= n; s += bs {
			for r, i := range idx[s : s+bs] {
				copy(d.xb[r*D:(r+1)*D], d.x[i*D:(i+1)*D])
				d.tb[r] = float32(y[i])
			}
			copy(d.hb, d.fc1.Forward(d.xb, bs))
			tanhInPlace(d.hb)
			pred := d.out.Forward(d.hb, bs)
			for r := 0; r < bs; r++ { // ∂ mean((p−t)²)/∂p
				d.dy[r] = 2 * (pred[r] - d.tb[r]) / float32(bs)
			}
			dh := d.out.Backward(d.dy, true)
			for i, h := range d.hb {
				d.dz[i] = dh[i] * (1 - h*h)
			}
			d.fc1.Backward(d.dz, false)
			opt.Step(params)
		}
	}
	return nil
}

// predictChunk is the number of table rows per prediction task, and
// predictBlock the rows per product with fc1 (small enough that nn's
// matrix product stays on the calling goroutine).
const (
	predictChunk = 4096
	predictBlock = 48
)

// Predict implements [Surrogate]: μ and v for every table row, computed in
// fixed chunks on up to two goroutines (each row's numbers do not depend
// on the split).
func (d *dngo) Predict(ctx context.Context, mean, variance []float64) error {
	if d.post == nil {
		return fmt.Errorf("search: dngo: predict before fit")
	}
	m, D, H := d.t.Len(), d.t.Dim, d.cfg.Hidden
	wt := make([]float32, D*H) // fc1's weight transposed, D×H
	for o := 0; o < H; o++ {
		for i, w := range d.fc1.W.Data[o*D : (o+1)*D] {
			wt[i*H+o] = w
		}
	}
	chunks := (m + predictChunk - 1) / predictChunk
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < min(2, chunks); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			xb, hb := make([]float32, predictBlock*D), make([]float32, predictBlock*H)
			phi := make([]float64, H)
			for {
				mu.Lock()
				c := next
				next++
				mu.Unlock()
				if c >= chunks || ctx.Err() != nil {
					return
				}
				for lo := c * predictChunk; lo < min(m, (c+1)*predictChunk); lo += predictBlock {
					rows := min(predictBlock, m-lo, (c+1)*predictChunk-lo)
					for r := 0; r < rows; r++ {
						d.normRow(xb[r*D:(r+1)*D], d.t.Row(lo+r))
					}
					// φ = tanh(fc1·x), the same product nn.Linear computes.
					nn.MatMulTo(hb, xb, wt, rows, D, H)
					for r := 0; r < rows; r++ {
						h := hb[r*H : (r+1)*H]
						for j, b := range d.fc1.B.Data {
							h[j] += b
						}
						tanhInPlace(h)
						for j, v := range h {
							phi[j] = float64(v)
						}
						mean[lo+r], variance[lo+r] = d.post.predict(phi)
					}
				}
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return fmt.Errorf("search: dngo: prediction stopped: %w", context.Cause(ctx))
	}
	return nil
}

func growF(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
