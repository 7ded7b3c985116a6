package experiment

import (
	"fmt"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// Dataset sizes NAS-Bench-201 trained and evaluated on, as
// nasbench201_json.py lists them (its nums dictionary): training and
// validation images of cifar10-valid, cifar100 and ImageNet16-120.
var (
	nb201TrainImages = [bench.NumDatasets]float64{25000, 50000, 151700}
	nb201ValidImages = [bench.NumDatasets]float64{25000, 5000, 3000}
)

// nb201Epochs is the epoch count nasbench201_json.py multiplies the
// per-epoch time by for CIFAR-100 and ImageNet16-120 (its nepoch = 199).
const nb201Epochs = 199

// NB201Budgets are the simulated-time budgets in seconds of arch2vec's
// NAS-Bench-201 searches (reinforce_search_NB201_8x8.py and
// dngo_search_NB201_8x8.py), indexed by dataset.
var NB201Budgets = [bench.NumDatasets]float64{12000, 500000, 1400000}

// NB201Time is the simulated cost in seconds of querying row r on dataset
// ds (see the package documentation for the time model):
//
//   - CIFAR-10: r.Time12(), twelve epochs at 12/200 of the 200-epoch
//     training time plus one validation pass;
//   - CIFAR-100, ImageNet16-120: nasbench201_json.py's estimate with a
//     latency ratio of 1: the per-epoch CIFAR-10 training time scaled by the
//     ratio of training images, times 199 epochs, plus the CIFAR-10
//     validation time scaled by the ratio of validation images.
func NB201Time(r *bench.Row201, ds bench.Dataset) float64 {
	if ds == bench.CIFAR10 {
		return r.Time12()
	}
	perEpoch := r.TrainTime200 / 200
	train := perEpoch / nb201TrainImages[bench.CIFAR10] * nb201TrainImages[ds] * nb201Epochs
	valid := r.EvalTime / nb201ValidImages[bench.CIFAR10] * nb201ValidImages[ds]
	return train + valid
}

// NB201Table builds the search table of dataset ds from the NAS-Bench-201
// rows (in index order) and their embeddings emb (len(rows)×D,
// row-major): the reward is the 12-epoch CIFAR-10 validation accuracy for
// CIFAR-10 and the 200-epoch validation accuracy otherwise, the reported
// accuracy always the 200-epoch test accuracy, both as fractions; the cost
// is [NB201Time]. Regrets are measured against the table's own maxima.
func NB201Table(rows []bench.Row201, emb []float32, ds bench.Dataset) (*search.Table, error) {
	if int(ds) >= bench.NumDatasets {
		return nil, fmt.Errorf("experiment: nb201 table: unknown dataset %d", ds)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("experiment: nb201 table: no rows")
	}
	if len(emb)%len(rows) != 0 {
		return nil, fmt.Errorf("experiment: nb201 table: %d embedding values for %d cells", len(emb), len(rows))
	}
	m := len(rows)
	t := &search.Table{
		Emb:   emb,
		Dim:   len(emb) / m,
		Valid: make([]float64, m),
		Test:  make([]float64, m),
		Time:  make([]float64, m),
	}
	for i := range rows {
		r := &rows[i]
		if ds == bench.CIFAR10 {
			t.Valid[i] = r.Valid12[ds] / 100
		} else {
			t.Valid[i] = r.Valid200[ds] / 100
		}
		t.Test[i] = r.Test200[ds] / 100
		t.Time[i] = NB201Time(r, ds)
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: nb201 table %s: %w", ds, err)
	}
	return t, nil
}

// NB201Valid200 returns the 200-epoch validation accuracy of every row on
// ds as a fraction: the validation column arch2vec's summary reports
// (its *_avg fields), whatever the search's reward was.
func NB201Valid200(rows []bench.Row201, ds bench.Dataset) []float64 {
	v := make([]float64, len(rows))
	for i := range rows {
		v[i] = rows[i].Valid200[ds] / 100
	}
	return v
}

// NB201Methods returns the three searches of the NAS-Bench-201 experiment
// on ds with the reference settings: arch2vec-BO (DNGO, 16 initial cells,
// top-1, EI target 1.0), arch2vec-RL (REINFORCE, baseline 0.4) and random
// search, each with the dataset's budget from [NB201Budgets]. If reference
// is true, BO and RL also copy the reference scripts' quirks
// ([search.BOQuirksReference], [search.RLQuirksNB201]).
func NB201Methods(ds bench.Dataset, reference bool) []search.Method {
	b := search.Budget{Seconds: NB201Budgets[ds]}
	bo := search.BO{Budget: b, InitSize: 16, TopK: 1, Target: 1.0}
	rl := search.Reinforce{Budget: b, Baseline: 0.4}
	if reference {
		bo.ReferenceQuirks = search.BOQuirksReference
		rl.ReferenceQuirks = search.RLQuirksNB201
	}
	return []search.Method{bo, rl, search.Random{Budget: b}}
}
