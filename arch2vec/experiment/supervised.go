package experiment

import (
	"context"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/search"
	"github.com/arch2vec/arch2vec/arch2vec/supervised"
)

// Names of the supervised baselines in tables and traces.
const (
	SupervisedBO = "sup-bo"
	SupervisedRL = "sup-rl"
)

// Named returns m under another name: Name returns name and the traces
// of Run carry it, so that a supervised search and its arch2vec
// counterpart (both "bo" to package search) are told apart in tables.
func Named(name string, m search.Method) search.Method { return named{m, name} }

type named struct {
	search.Method
	name string
}

func (m named) Name() string { return m.name }

func (m named) Run(ctx context.Context, t *search.Table, seed uint64, progress func(int, float64)) (*search.Trace, error) {
	tr, err := m.Method.Run(ctx, t, seed, progress)
	if tr != nil {
		tr.Method = m.name
	}
	return tr, err
}

// NB201SupervisedMethods returns the supervised baselines of the
// NAS-Bench-201 experiment on ds: supervised BO ([SupervisedBO]) and
// supervised REINFORCE ([SupervisedRL]) with the settings of
// [NB201Methods] (and its reference quirks if reference is true), their
// encoder a GIN trained end-to-end (arch2vec/supervised, configured by
// cfg; the zero Config is the reference's). cells holds the NB201 cells
// of the table's rows, in order ([Dataset201]). The supervised scripts'
// own bugs (supervised.Quirks) are left to cfg: fixed by default.
func NB201SupervisedMethods(ds bench.Dataset, reference bool, cells *model.Dataset, cfg supervised.Config) []search.Method {
	ms := NB201Methods(ds, reference)
	bo, rl := ms[0].(search.BO), ms[1].(search.Reinforce)
	bo.NewSurrogate = cfg.Surrogate(cells)
	rl.NewEncoder = cfg.Encoder(cells)
	return []search.Method{Named(SupervisedBO, bo), Named(SupervisedRL, rl)}
}
