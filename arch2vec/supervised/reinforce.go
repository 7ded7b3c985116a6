package supervised

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/nn"
	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// Encoder returns the factory of supervised REINFORCE encoders for
// [search.Reinforce.NewEncoder] (supervised_reinforce.py): a GIN, built
// from the run's rng, whose evaluation-mode encodings of all cells are the
// embeddings the environment searches (re-extracted at every policy
// batch) and whose training-mode encoding of the current cell is the
// policy's state; after every policy batch the policy-gradient loss,
// back-propagated through the states, takes one Adam step on the GIN. d
// holds the cells of the table's rows, in order, and Latent must equal the
// table's Dim; a mismatch is reported by the first Embeddings call.
func (c Config) Encoder(d *model.Dataset) func(*search.Table, *rand.Rand) search.Encoder {
	c = c.withDefaults(lrEncoder)
	return func(t *search.Table, rng *rand.Rand) search.Encoder {
		e := &rlEncoder{cfg: c, d: d, first: -1}
		if e.err = e.check(t); e.err != nil {
			return e
		}
		e.gin = NewGIN(d.C, c, rng)
		e.params = e.gin.Params()
		e.opt = &nn.Adam{LR: c.LR}
		e.enc = newEvalEncoder(e.gin, d, c.Workers)
		for k := range e.emb {
			e.emb[k] = make([]float32, d.Len*c.Latent)
		}
		e.acc = make([][]float32, len(e.params))
		for i, p := range e.params {
			e.acc[i] = make([]float32, len(p.Data))
		}
		e.snap = make([][]float32, len(e.gin.Buffers()))
		for i, p := range e.gin.Buffers() {
			e.snap[i] = make([]float32, len(p.Data))
		}
		return e
	}
}

// rlEncoder is the supervised REINFORCE encoder of one run.
type rlEncoder struct {
	cfg    Config
	d      *model.Dataset
	err    error // a setup error, reported by Embeddings
	gin    *GIN
	params []*nn.Param
	opt    *nn.Adam
	enc    *evalEncoder
	// emb alternates between two buffers: search's environment rebuilds
	// its index only when handed a different slice.
	emb   [2][]float32
	cur   int
	first int         // the first cell asked for (Quirks.InitialState)
	acc   [][]float32 // gradient sums over a policy batch
	snap  [][]float32 // BatchNorm buffers saved during Update
}

func (e *rlEncoder) check(t *search.Table) error {
	if err := e.cfg.validate(); err != nil {
		return err
	}
	if e.d == nil || e.d.Len != t.Len() {
		n := 0
		if e.d != nil {
			n = e.d.Len
		}
		return fmt.Errorf("supervised: rl encoder: %d cells for a table of %d rows", n, t.Len())
	}
	if e.cfg.Latent != t.Dim {
		return fmt.Errorf("supervised: rl encoder: latent width %d, the table's embeddings have %d", e.cfg.Latent, t.Dim)
	}
	return nil
}

// Embeddings implements [search.Encoder]: the evaluation-mode encoding of
// every cell with the current GIN.
func (e *rlEncoder) Embeddings(ctx context.Context) ([]float32, error) {
	if e.err != nil {
		return nil, e.err
	}
	e.cur ^= 1
	if err := e.enc.encode(ctx, nil, e.emb[e.cur], false); err != nil {
		return nil, fmt.Errorf("supervised: rl encoder: %w", err)
	}
	return e.emb[e.cur], nil
}

// state returns the cell whose encoding is the policy's input when the
// current cell is cell.
func (e *rlEncoder) state(cell int) int {
	if e.first < 0 {
		e.first = cell
	}
	if e.cfg.Quirks.InitialState {
		return e.first
	}
	return cell
}

// forward runs the GIN in training mode on one cell.
func (e *rlEncoder) forward(cell int) []float32 {
	d := e.d
	nn2, nc := d.N*d.N, d.N*d.C
	return e.gin.Forward(d.Ops[cell*nc:(cell+1)*nc], d.Adj[cell*nn2:(cell+1)*nn2], 1, d.N, true)
}

// State implements [search.Encoder]: the training-mode encoding of the
// cell alone (BatchNorm statistics over its nodes, running statistics
// updated), as supervised_reinforce.py computes its states.
func (e *rlEncoder) State(dst []float32, cell int) {
	if e.err != nil {
		clear(dst)
		return
	}
	copy(dst, e.forward(e.state(cell)))
}

// Update implements [search.Encoder]: it recomputes each state's forward
// pass (the parameters have not changed since State; the running
// statistics are restored afterwards, so they move once per state, as in
// the reference), back-propagates dstate, sums the gradients in order and
// takes one Adam step.
func (e *rlEncoder) Update(ctx context.Context, cells []int, dstate []float32) error {
	if e.err != nil {
		return e.err
	}
	lat := e.cfg.Latent
	if len(dstate) != len(cells)*lat {
		return fmt.Errorf("supervised: rl encoder: %d state gradients for %d cells of width %d", len(dstate), len(cells), lat)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("supervised: rl encoder: update stopped: %w", context.Cause(ctx))
	}
	bufs := e.gin.Buffers()
	for i, p := range bufs {
		copy(e.snap[i], p.Data)
	}
	for _, a := range e.acc {
		clear(a)
	}
	for k, c := range cells {
		if e.cfg.Quirks.InitialState {
			c = e.first
		}
		e.forward(c)
		e.gin.Backward(dstate[k*lat : (k+1)*lat])
		for i, p := range e.params {
			a := e.acc[i]
			for j, g := range p.Grad {
				a[j] += g
			}
		}
	}
	for i, p := range bufs {
		copy(p.Data, e.snap[i])
	}
	for i, p := range e.params {
		copy(p.Grad, e.acc[i])
	}
	e.opt.Step(e.params)
	return nil
}
