package search

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// BO is arch2vec's DNGO Bayesian optimisation (search_methods/dngo.py):
// InitSize random cells, then per iteration a freshly trained surrogate,
// expected improvement over every table cell, and the TopK best cells
// queried. Zero fields take the defaults in their comments.
type BO struct {
	Budget      Budget
	InitSize    int         // initial random queries; 0 means 16
	TopK        int         // queries per iteration; 0 means 5 (NB101). Use 1 for NB201.
	Target      float64     // τ of EIReference; 0 means 0.95 (NB101). Use 1.0 for NB201.
	Acquisition Acquisition // EIReference by default
	Model       DNGOModel   // the default surrogate's settings
	// NewSurrogate, if not nil, replaces DNGO: it is called once per run
	// (the seam for supervised baselines).
	NewSurrogate func(t *Table) Surrogate

	// ReferenceQuirks reproduces behaviours of the reference script; see
	// [BOQuirks]. The zero value is the corrected behaviour.
	ReferenceQuirks BOQuirks
}

// BOQuirks selects reference behaviours of arch2vec's dngo.py.
type BOQuirks struct {
	// Revisit: the top-k is taken over all cells, including those already
	// queried, which are queried (charged, recorded and added to the
	// training set) again. dngo.py's visited dict is keyed by 0-d tensors,
	// hashed by identity, so its deduplication never fires.
	Revisit bool
	// Ascending: the top-k cells are queried in increasing order of EI,
	// as argsort(ei)[-k:] yields them. This matters only when the budget
	// runs out inside an iteration.
	Ascending bool
}

// BOQuirksReference is dngo.py's behaviour (and the NB201 script's).
var BOQuirksReference = BOQuirks{Revisit: true, Ascending: true}

// Name returns "bo".
func (BO) Name() string { return "bo" }

func (m BO) withDefaults() BO {
	setDefault(&m.InitSize, 16)
	setDefault(&m.TopK, 5)
	setDefault(&m.Target, 0.95)
	return m
}

// Run performs one BO search; see [Method]. It stops early, without error,
// when every cell has been queried (unless Revisit).
func (m BO) Run(ctx context.Context, t *Table, seed uint64, progress func(int, float64)) (*Trace, error) {
	if err := checkRun(t, m.Budget); err != nil {
		return nil, err
	}
	m = m.withDefaults()
	if m.InitSize < 1 || m.TopK < 1 {
		return nil, fmt.Errorf("search: bo: init size %d, top-k %d: want ≥ 1", m.InitSize, m.TopK)
	}
	if m.Acquisition != EIReference && m.Acquisition != EITextbook {
		return nil, fmt.Errorf("search: bo: unknown acquisition %d", m.Acquisition)
	}
	if m.NewSurrogate == nil {
		if err := m.Model.validate(); err != nil {
			return nil, err
		}
	}
	rng := newRand(seed, streamDNGO)
	rec := newRecorder(t, m.Budget, m.Name(), seed, progress)
	M := t.Len()
	visited := make([]bool, M)
	var cells []int
	var ys []float64
	query := func(i int) bool {
		visited[i] = true
		cells, ys = append(cells, i), append(ys, t.Valid[i])
		return rec.add(i)
	}
	// Initial design: the first InitSize cells of a random permutation.
	init := newSampler(M)
	for k := 0; k < m.InitSize && init.left() > 0; k++ {
		if ctx.Err() != nil {
			return rec.trace, stopped(ctx, m.Name(), len(rec.trace.Queries))
		}
		if query(init.next(rng)) {
			return rec.trace, nil
		}
	}
	newS := m.NewSurrogate
	if newS == nil {
		newS = m.Model.New
	}
	sur := newS(t)
	mean, variance := make([]float64, M), make([]float64, M)
	best := newTopK(m.TopK)
	for {
		if ctx.Err() != nil {
			return rec.trace, stopped(ctx, m.Name(), len(rec.trace.Queries))
		}
		if err := sur.Fit(ctx, cells, ys, rng); err != nil {
			return rec.trace, fmt.Errorf("search: bo: iteration after %d queries: %w", len(rec.trace.Queries), err)
		}
		if err := sur.Predict(ctx, mean, variance); err != nil {
			return rec.trace, fmt.Errorf("search: bo: iteration after %d queries: %w", len(rec.trace.Queries), err)
		}
		tau := m.Target
		if m.Acquisition == EITextbook {
			tau = slices.Max(ys)
		}
		best.reset()
		for i := 0; i < M; i++ {
			if visited[i] && !m.ReferenceQuirks.Revisit {
				continue
			}
			s := variance[i]
			if m.Acquisition == EITextbook {
				s = math.Sqrt(s)
			}
			best.offer(i, logEI(s, (mean[i]-tau)/s))
		}
		if len(best.idx) == 0 {
			return rec.trace, nil // every cell queried
		}
		picks := best.idx
		if m.ReferenceQuirks.Ascending {
			slices.Reverse(picks)
		}
		for _, i := range picks {
			if query(i) {
				return rec.trace, nil
			}
		}
	}
}
