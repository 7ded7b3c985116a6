package supervised

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// TestSurrogateFits: trained on 150 NB-201 cells with a smooth target,
// the supervised DNGO predicts 150 other cells much better than the
// training mean, and its predictive variance is positive.
func TestSurrogateFits(t *testing.T) {
	cells, d := nb201Cells(t, 300)
	tab := rewardTable(cells)
	rng := rand.New(rand.NewPCG(1, 2))
	perm := rng.Perm(len(cells))
	train, test := perm[:150], perm[150:]
	y := make([]float64, len(train))
	ybar := 0.0
	for k, i := range train {
		y[k] = tab.Valid[i]
		ybar += y[k] / float64(len(y))
	}
	s := Config{}.Surrogate(d)(tab)
	if err := s.Fit(context.Background(), train, y, rng); err != nil {
		t.Fatal(err)
	}
	mean, v := make([]float64, len(cells)), make([]float64, len(cells))
	if err := s.Predict(context.Background(), mean, v); err != nil {
		t.Fatal(err)
	}
	var mse, mse0 float64
	for _, i := range test {
		mse += (mean[i] - tab.Valid[i]) * (mean[i] - tab.Valid[i])
		mse0 += (ybar - tab.Valid[i]) * (ybar - tab.Valid[i])
		if !(v[i] > 0) || math.IsInf(v[i], 0) {
			t.Fatalf("cell %d: predictive variance %v", i, v[i])
		}
	}
	t.Logf("held-out MSE %.3g, constant predictor %.3g", mse/150, mse0/150)
	if mse > 0.3*mse0 {
		t.Errorf("held-out MSE %.3g, want well below the constant predictor's %.3g", mse/150, mse0/150)
	}
}

// smallConfig keeps the synthetic searches fast.
var smallConfig = Config{Hidden: 32, Epochs: 40}

// methods returns supervised BO and RL over tab (cells in d) with a
// query budget, and random search.
func methods(d *model.Dataset, budget int) []search.Method {
	b := search.Budget{Queries: budget}
	return []search.Method{
		search.BO{Budget: b, InitSize: 10, TopK: 2, Target: 1, NewSurrogate: smallConfig.Surrogate(d)},
		search.Reinforce{Budget: b, Baseline: 0.8, BatchSize: 8, NewEncoder: smallConfig.Encoder(d)},
		search.Random{Budget: b},
	}
}

// TestSupervisedBeatsRandom: on 600 NB-201 cells whose reward is a smooth
// function of the structure, supervised BO and supervised RL reach a
// better incumbent than random search, on average over seeds.
func TestSupervisedBeatsRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	cells, d := nb201Cells(t, 600)
	tab := rewardTable(cells)
	top := maxF(tab.Valid)
	seeds := []uint64{1, 2, 3, 4, 5, 6}
	regret := map[string]float64{}
	for _, m := range methods(d, 40) {
		trs, err := search.RunMany(context.Background(), m, tab, seeds, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range trs {
			q, _ := tr.Final()
			regret[m.Name()] += (top - q.BestValid) / float64(len(seeds))
		}
	}
	t.Logf("mean final regret over %d seeds: %v", len(seeds), regret)
	for _, name := range []string{"bo", "rl"} {
		if regret[name] >= regret["random"] {
			t.Errorf("supervised %s: mean regret %.4f, random %.4f", name, regret[name], regret["random"])
		}
	}
}

// TestDeterministic: the same seed gives the same trace with GOMAXPROCS 1
// and 2 and with one or two encoding workers.
func TestDeterministic(t *testing.T) {
	cells, d := nb201Cells(t, 300)
	tab := rewardTable(cells)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for i, m := range methods(d, 30)[:2] {
		var first *search.Trace
		for _, procs := range []int{1, 2} {
			for _, workers := range []int{1, 2} {
				runtime.GOMAXPROCS(procs)
				cfg := smallConfig
				cfg.Workers = workers
				mm := m
				if i == 0 {
					bo := m.(search.BO)
					bo.NewSurrogate = cfg.Surrogate(d)
					mm = bo
				} else {
					rl := m.(search.Reinforce)
					rl.NewEncoder = cfg.Encoder(d)
					mm = rl
				}
				tr, err := mm.Run(context.Background(), tab, 7, nil)
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = tr
				} else if !reflect.DeepEqual(tr, first) {
					t.Errorf("%s: GOMAXPROCS %d, %d workers: trace differs", m.Name(), procs, workers)
				}
			}
		}
	}
}

// TestCancel: a search whose context ends during supervised training or
// encoding stops promptly with an error wrapping the cause.
func TestCancel(t *testing.T) {
	cells, d := nb201Cells(t, 300)
	tab := rewardTable(cells)
	for _, m := range methods(d, 1000)[:2] {
		ctx, cancel := context.WithCancel(context.Background())
		tr, err := m.Run(ctx, tab, 3, func(q int, _ float64) {
			if q == 12 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: error %v, want context.Canceled", m.Name(), err)
		}
		if n := len(tr.Queries); n < 12 || n > 20 {
			t.Errorf("%s: %d queries after cancelling at 12", m.Name(), n)
		}
	}
	// Directly: Fit, Predict and Embeddings with an ended context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rng := rand.New(rand.NewPCG(1, 1))
	s := smallConfig.Surrogate(d)(tab)
	if err := s.Fit(ctx, []int{1, 2, 3}, []float64{0.8, 0.9, 0.7}, rng); !errors.Is(err, context.Canceled) {
		t.Errorf("Fit: error %v, want context.Canceled", err)
	}
	if err := s.Fit(context.Background(), []int{1, 2, 3}, []float64{0.8, 0.9, 0.7}, rng); err != nil {
		t.Fatal(err)
	}
	mv := make([]float64, tab.Len())
	if err := s.Predict(ctx, mv, mv); !errors.Is(err, context.Canceled) {
		t.Errorf("Predict: error %v, want context.Canceled", err)
	}
	e := smallConfig.Encoder(d)(tab, rng)
	if _, err := e.Embeddings(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Embeddings: error %v, want context.Canceled", err)
	}
}

// TestMismatch: a dataset that does not describe the table, or an
// encoding width other than the table's, is an error, not a panic.
func TestMismatch(t *testing.T) {
	cells, d := nb201Cells(t, 50)
	tab := rewardTable(cells[:40])
	rng := rand.New(rand.NewPCG(1, 1))
	if err := (Config{}).Surrogate(d)(tab).Fit(context.Background(), []int{1}, []float64{1}, rng); err == nil {
		t.Error("surrogate: no error for 50 cells and 40 rows")
	}
	if _, err := (Config{}).Encoder(d)(tab, rng).Embeddings(context.Background()); err == nil {
		t.Error("encoder: no error for 50 cells and 40 rows")
	}
	tab = rewardTable(cells)
	if _, err := (Config{Latent: 8}).Encoder(d)(tab, rng).Embeddings(context.Background()); err == nil {
		t.Error("encoder: no error for latent 8 and a 16-d table")
	}
	bo := search.BO{Budget: search.Budget{Queries: 30}, InitSize: 5, NewSurrogate: Config{Epochs: -1}.Surrogate(d)}
	if _, err := bo.Run(context.Background(), tab, 1, nil); err == nil {
		t.Error("bo: no error for -1 epochs")
	}
	if err := (Config{}).Surrogate(d)(tab).Fit(context.Background(), []int{50}, []float64{1}, rng); err == nil {
		t.Error("surrogate: no error for cell 50 of 50")
	}
}
