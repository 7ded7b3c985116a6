package search

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// Reinforce is arch2vec's REINFORCE search (search_methods/reinforce.py):
// an LSTMCell(D→Hidden) policy with a Linear(Hidden→D) head proposes the
// mean of a Gaussian action a ~ N(mean, I) in embedding space; the
// environment answers with the nearest unvisited cell by L2 distance, whose
// embedding is the next input and whose validation accuracy is the reward.
// Every BatchSize queries the policy takes one Adam step on
// mean_i(−log π(a_i)·(r_i − Baseline)) and its hidden state is reset.
// Zero fields take the defaults in their comments.
type Reinforce struct {
	Budget    Budget
	Baseline  float64 // constant reward baseline; 0 means 0.95 (NB101). Use 0.4 for NB201.
	BatchSize int     // queries per policy update; 0 means 16
	Hidden    int     // LSTM width; 0 means 128
	LR        float64 // Adam learning rate; 0 means 1e-2
	// NewEncoder, if not nil, replaces the table's fixed embeddings: it
	// is called once per run, after the policy is initialised from rng
	// (the seam for supervised baselines).
	NewEncoder func(t *Table, rng *rand.Rand) Encoder

	// ReferenceQuirks reproduces behaviours of the reference scripts that
	// are not part of the method; see [RLQuirks]. The zero value is the
	// corrected behaviour.
	ReferenceQuirks RLQuirks
}

// RLQuirks selects reference behaviours of arch2vec's REINFORCE scripts.
type RLQuirks struct {
	// UnchargedStart: the random initial cell, the policy's first input,
	// is marked visited but neither charged to the budget nor recorded
	// (both reference scripts). Without it the initial cell is an ordinary
	// first query: charged, recorded and eligible as incumbent.
	UnchargedStart bool
	// SkipNearest: the nearest cell to each action is passed over, visited
	// or not, before looking for the nearest unvisited one (the NB201
	// script starts its scan at count = 1).
	SkipNearest bool
	// Shuffle: the table's rows are permuted from the seed before the
	// search (the NB201 script's random.shuffle), which changes only the
	// tie-breaking order among equidistant cells.
	Shuffle bool
}

// Quirk sets of the reference scripts.
var (
	RLQuirksNB101 = RLQuirks{UnchargedStart: true}                                   // reinforce.py
	RLQuirksNB201 = RLQuirks{UnchargedStart: true, SkipNearest: true, Shuffle: true} // reinforce_search_NB201_8x8.py
)

// Name returns "rl".
func (Reinforce) Name() string { return "rl" }

func (m Reinforce) withDefaults() Reinforce {
	setDefault(&m.Baseline, 0.95)
	setDefault(&m.BatchSize, 16)
	setDefault(&m.Hidden, 128)
	setDefault(&m.LR, 1e-2)
	return m
}

// Encoder supplies the embeddings a REINFORCE run moves among and the
// policy's inputs. The default (Reinforce.NewEncoder nil) is the table's
// fixed embeddings. A supervised baseline (arch2vec's
// supervised_reinforce.py) would implement it with a GIN trained through
// the policy loss. An Encoder belongs to one run and is never used
// concurrently.
type Encoder interface {
	// Embeddings returns the M×D embeddings of every cell, row-major, D
	// being the table's Dim. It is called at the start of every policy
	// batch; the slice must not change until the next call.
	Embeddings(ctx context.Context) ([]float32, error)
	// State writes the policy input for cell into dst (length D).
	State(dst []float32, cell int)
	// Update is called after every policy batch with the cells whose
	// states were the policy's inputs, in order, and ∂loss/∂state for each
	// (len(cells)×D, row-major); a trainable encoder steps here.
	Update(ctx context.Context, cells []int, dstate []float32) error
}

// tableEncoder is the default Encoder: the table's fixed embeddings.
type tableEncoder struct{ t *Table }

func (e tableEncoder) Embeddings(context.Context) ([]float32, error) { return e.t.Emb, nil }
func (e tableEncoder) State(dst []float32, cell int)                 { copy(dst, e.t.Row(cell)) }
func (tableEncoder) Update(context.Context, []int, []float32) error  { return nil }

// Run performs one REINFORCE search; see [Method]. It stops early, without
// error, when every cell has been visited.
func (m Reinforce) Run(ctx context.Context, t *Table, seed uint64, progress func(int, float64)) (*Trace, error) {
	if err := checkRun(t, m.Budget); err != nil {
		return nil, err
	}
	m = m.withDefaults()
	if m.BatchSize < 1 || m.Hidden < 1 || m.LR < 0 {
		return nil, fmt.Errorf("search: rl: batch size %d, hidden %d, lr %v: want positive", m.BatchSize, m.Hidden, m.LR)
	}
	rng := newRand(seed, streamReinforce)
	rec := newRecorder(t, m.Budget, m.Name(), seed, progress)
	env := newRLEnv(t, rng, m.ReferenceQuirks)
	D, H, B := t.Dim, m.Hidden, m.BatchSize

	lstm := newLSTMCell("lstm.", D, H, rng)
	fc := nn.NewLinear("fc.", H, D, rng)
	params := append(lstm.params(), fc.Params()...)
	opt := &nn.Adam{LR: m.LR}
	var enc Encoder = tableEncoder{t}
	if m.NewEncoder != nil {
		enc = m.NewEncoder(t, rng)
	}

	eps := make([]float32, B*D)   // a − mean of each step
	dmean := make([]float32, B*D) // ∂loss/∂mean
	dstate := make([]float32, B*D)
	rewards := make([]float64, 0, B)
	inputs := make([]int, 0, B) // cells whose states were the inputs
	act, state := make([]float32, D), make([]float32, D)

	cur := rng.IntN(t.Len())
	env.visit(env.pos(cur))
	if !m.ReferenceQuirks.UnchargedStart && rec.add(cur) {
		return rec.trace, nil
	}
	for {
		emb, err := enc.Embeddings(ctx)
		if err != nil {
			return rec.trace, fmt.Errorf("search: rl: encoder: %w", err)
		}
		if len(emb) != len(t.Emb) {
			return rec.trace, fmt.Errorf("search: rl: encoder gave %d embedding values, want %d", len(emb), len(t.Emb))
		}
		env.load(emb)
		lstm.Reset()
		rewards, inputs = rewards[:0], inputs[:0]
		for c := 0; c < B; c++ {
			if ctx.Err() != nil {
				return rec.trace, stopped(ctx, m.Name(), len(rec.trace.Queries))
			}
			enc.State(state, cur)
			inputs = append(inputs, cur)
			mean := fc.Forward(lstm.Forward(state), 1)
			e := eps[c*D : (c+1)*D]
			for j := range act {
				e[j] = float32(rng.NormFloat64())
				act[j] = mean[j] + e[j]
			}
			next := env.step(act)
			if next < 0 {
				return rec.trace, nil // every cell visited
			}
			cur = env.cell(next)
			rewards = append(rewards, t.Valid[cur])
			if rec.add(cur) {
				return rec.trace, nil
			}
		}
		policyGradient(lstm, fc, params, eps, dmean, dstate, rewards, m.Baseline)
		opt.Step(params)
		if err := enc.Update(ctx, inputs, dstate[:len(inputs)*D]); err != nil {
			return rec.trace, fmt.Errorf("search: rl: encoder update: %w", err)
		}
	}
}

// policyGradient sets the parameters' Grad to the gradient of the
// REINFORCE loss of the steps since lstm's last Reset,
//
//	loss = mean_i −log N(a_i; mean_i, I)·(r_i − b),
//
// using ∂(−log N)/∂mean = −(a − mean) = −ε; eps holds the ε_i, dmean is
// scratch of the same size and dstate receives ∂loss/∂input of each step.
func policyGradient(lstm *lstmCell, fc *nn.Linear, params []*nn.Param, eps, dmean, dstate []float32, rewards []float64, baseline float64) {
	n, D, H := len(rewards), fc.Out, lstm.hid
	for i, r := range rewards {
		w := float32(-(r - baseline) / float64(n))
		for j := 0; j < D; j++ {
			dmean[i*D+j] = w * eps[i*D+j]
		}
	}
	for _, p := range params {
		p.ZeroGrad()
	}
	fc.Forward(lstm.hs[H:(n+1)*H], n)
	lstm.Backward(fc.Backward(dmean[:n*D], true), dstate[:n*lstm.in])
}

// rlEnv is the environment of the REINFORCE search: the current
// embeddings (possibly shuffled), the visited set and the
// nearest-neighbour index. Positions index the (shuffled) rows.
type rlEnv struct {
	t       *Table
	src     []float32 // the embeddings last loaded, in table order
	emb     []float32 // rows by position
	perm    []int     // position → table cell; nil when not shuffled
	inv     []int     // table cell → position; nil when not shuffled
	visited []bool
	nn      *nearest
	skip    bool
}

func newRLEnv(t *Table, rng *rand.Rand, q RLQuirks) *rlEnv {
	e := &rlEnv{t: t, visited: make([]bool, t.Len()), skip: q.SkipNearest}
	if q.Shuffle {
		e.perm = rng.Perm(t.Len())
		e.inv = make([]int, len(e.perm))
		for k, c := range e.perm {
			e.inv[c] = k
		}
	}
	e.load(t.Emb)
	return e
}

// load installs embeddings (table order), rebuilding the index unless they
// are the ones already loaded.
func (e *rlEnv) load(emb []float32) {
	if len(e.src) > 0 && &e.src[0] == &emb[0] {
		return
	}
	e.src, e.emb = emb, emb
	if e.perm != nil {
		e.emb = make([]float32, len(emb))
		for k, c := range e.perm {
			copy(e.emb[k*e.t.Dim:(k+1)*e.t.Dim], emb[c*e.t.Dim:(c+1)*e.t.Dim])
		}
	}
	e.nn = newNearest(e.emb, e.t.Dim)
}

func (e *rlEnv) cell(pos int) int {
	if e.perm == nil {
		return pos
	}
	return e.perm[pos]
}

func (e *rlEnv) pos(cell int) int {
	if e.inv == nil {
		return cell
	}
	return e.inv[cell]
}

func (e *rlEnv) row(pos int) []float32 { return e.emb[pos*e.t.Dim : (pos+1)*e.t.Dim] }

func (e *rlEnv) visit(pos int) { e.visited[pos] = true }

// step returns the position answering action a and marks it visited, or
// −1 when no unvisited cell is left.
func (e *rlEnv) step(a []float32) int {
	p := e.nn.find(a, e.visited, e.skip)
	if p >= 0 {
		e.visit(p)
	}
	return p
}
