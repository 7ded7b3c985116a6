package supervised

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/nn"
	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// Surrogate returns the factory of supervised DNGO surrogates for
// [search.BO.NewSurrogate] (pybnn/dngo_supervised.py): at every Fit a fresh
// GIN with the head tanh(pooled encoding) → Linear(Latent, 1), trained by
// MSE on the queried cells, whose Latent tanh features are the basis of
// DNGO's Bayesian linear regression ([search.FitBLR]); Predict gives the
// posterior mean and variance of every cell. d holds the cells of the
// table's rows, in order; a mismatch with the table is reported by Fit.
func (c Config) Surrogate(d *model.Dataset) func(*search.Table) search.Surrogate {
	c = c.withDefaults(lrSurrogate)
	return func(t *search.Table) search.Surrogate { return &dngo{cfg: c, d: d, t: t} }
}

// dngo is the supervised DNGO surrogate of one BO run.
type dngo struct {
	cfg Config
	d   *model.Dataset
	t   *search.Table

	gin *GIN
	out *nn.Linear
	enc *evalEncoder
	blr *search.BLR

	// Buffers.
	ops, adj, h, dy, dh []float32
	feat                []float32 // encodings of the training cells, then of all cells
	theta, phi          []float64
	idx                 []int
}

// check reports a dataset that does not describe the table or a config
// that cannot train.
func (s *dngo) check() error {
	if err := s.cfg.validate(); err != nil {
		return err
	}
	if s.d == nil || s.d.Len != s.t.Len() {
		n := 0
		if s.d != nil {
			n = s.d.Len
		}
		return fmt.Errorf("supervised: dngo: %d cells for a table of %d rows", n, s.t.Len())
	}
	return nil
}

// Fit implements [search.Surrogate].
func (s *dngo) Fit(ctx context.Context, cells []int, y []float64, rng *rand.Rand) error {
	if err := s.check(); err != nil {
		return err
	}
	n := len(cells)
	if n == 0 || len(y) != n {
		return fmt.Errorf("supervised: dngo: fit on %d cells with %d targets", n, len(y))
	}
	for _, i := range cells {
		if i < 0 || i >= s.d.Len {
			return fmt.Errorf("supervised: dngo: cell %d out of range [0, %d)", i, s.d.Len)
		}
	}
	s.blr = nil // Predict fails until this Fit succeeds
	c := s.cfg
	s.gin = NewGIN(s.d.C, c, rng)
	s.out = nn.NewLinear("out.", c.Latent, 1, rng)
	if s.enc == nil {
		s.enc = newEvalEncoder(s.gin, s.d, c.Workers)
	} else {
		s.enc.bind(s.gin)
	}
	if err := s.train(ctx, cells, y, rng); err != nil {
		return err
	}
	// The basis: tanh of the evaluation-mode encoding, as for prediction.
	s.feat = grow(s.feat, n*c.Latent)
	if err := s.enc.encode(ctx, cells, s.feat, true); err != nil {
		return fmt.Errorf("supervised: dngo: %w", err)
	}
	s.theta = growF64(s.theta, n*c.Latent)
	for i, v := range s.feat {
		s.theta[i] = float64(v)
	}
	blr, err := search.FitBLR(ctx, s.theta, n, c.Latent, y, rng)
	if err != nil {
		return fmt.Errorf("supervised: dngo: %w", err)
	}
	s.blr = blr
	return nil
}

// train runs Adam on the MSE of the head for Epochs epochs of shuffled
// minibatches, dropping the last incomplete batch (pybnn's
// iterate_minibatches), BatchNorms in training mode.
func (s *dngo) train(ctx context.Context, cells []int, y []float64, rng *rand.Rand) error {
	n, lat := len(cells), s.cfg.Latent
	N, C := s.d.N, s.d.C
	bs := min(s.cfg.BatchSize, n)
	params := append(append([]*nn.Param(nil), s.gin.Params()...), s.out.Params()...)
	opt := &nn.Adam{LR: s.cfg.LR}
	s.ops, s.adj = grow(s.ops, bs*N*C), grow(s.adj, bs*N*N)
	s.h, s.dh, s.dy = grow(s.h, bs*lat), grow(s.dh, bs*lat), grow(s.dy, bs)
	s.idx = s.idx[:0]
	for i := 0; i < n; i++ {
		s.idx = append(s.idx, i)
	}
	for e := 0; e < s.cfg.Epochs; e++ {
		if ctx.Err() != nil {
			return fmt.Errorf("supervised: dngo: training stopped at epoch %d: %w", e, context.Cause(ctx))
		}
		rng.Shuffle(n, func(i, j int) { s.idx[i], s.idx[j] = s.idx[j], s.idx[i] })
		for b0 := 0; b0+bs <= n; b0 += bs {
			batch := s.idx[b0 : b0+bs]
			gatherCells(s.d, s.ops, s.adj, cells, batch)
			s.step(batch, y, bs)
			opt.Step(params)
		}
		if s.cfg.OnEpoch != nil {
			s.cfg.OnEpoch(e+1, s.cfg.Epochs)
		}
	}
	return nil
}

// step runs forward and backward of one minibatch (positions batch into
// the training cells, gathered into s.ops/s.adj), setting every Grad, and
// returns the MSE in float64.
func (s *dngo) step(batch []int, y []float64, bs int) float64 {
	lat := s.cfg.Latent
	z := s.gin.Forward(s.ops, s.adj, bs, s.d.N, true)
	copy(s.h, z)
	tanh32(s.h)
	pred := s.out.Forward(s.h, bs)
	loss := 0.0
	for r, i := range batch { // ∂ mean((p−t)²)/∂p
		e := float64(pred[r]) - y[i]
		loss += e * e
		s.dy[r] = float32(2 * e / float64(bs))
	}
	dh := s.out.Backward(s.dy, true)
	for i, h := range s.h[:bs*lat] {
		s.dh[i] = dh[i] * (1 - h*h)
	}
	s.gin.Backward(s.dh)
	return loss / float64(bs)
}

// Predict implements [search.Surrogate]: the BLR posterior at the tanh
// encoding of every cell (evaluation mode, on Workers goroutines).
func (s *dngo) Predict(ctx context.Context, mean, variance []float64) error {
	if s.blr == nil {
		return fmt.Errorf("supervised: dngo: predict before fit")
	}
	m, lat := s.d.Len, s.cfg.Latent
	if len(mean) != m || len(variance) != m {
		return fmt.Errorf("supervised: dngo: predict into %d means and %d variances for %d cells", len(mean), len(variance), m)
	}
	s.feat = grow(s.feat, m*lat)
	if err := s.enc.encode(ctx, nil, s.feat, true); err != nil {
		return fmt.Errorf("supervised: dngo: %w", err)
	}
	s.phi = growF64(s.phi, lat)
	for i := 0; i < m; i++ {
		for j, v := range s.feat[i*lat : (i+1)*lat] {
			s.phi[j] = float64(v)
		}
		mu, v := s.blr.Predict(s.phi)
		if s.cfg.Quirks.EIPrecedence {
			mu *= v // (v·μ − τ)/v = μ − τ/v, supervised_dngo.py's u
		}
		mean[i], variance[i] = mu, v
	}
	return nil
}

// gatherCells copies the graphs of cells[pos[k]] into ops and adj.
func gatherCells(d *model.Dataset, ops, adj []float32, cells, pos []int) {
	nn2, nc := d.N*d.N, d.N*d.C
	for k, p := range pos {
		i := cells[p]
		copy(ops[k*nc:(k+1)*nc], d.Ops[i*nc:(i+1)*nc])
		copy(adj[k*nn2:(k+1)*nn2], d.Adj[i*nn2:(i+1)*nn2])
	}
}

func growF64(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
