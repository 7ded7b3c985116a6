package experiment

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/search"
	"github.com/arch2vec/arch2vec/arch2vec/supervised"
)

// TestNamed: a renamed method reports its name and stamps its traces,
// and otherwise runs the wrapped method unchanged.
func TestNamed(t *testing.T) {
	tab := &search.Table{Emb: make([]float32, 40), Dim: 2, Valid: make([]float64, 20), Test: make([]float64, 20), Time: make([]float64, 20)}
	for i := range tab.Valid {
		tab.Valid[i], tab.Test[i], tab.Time[i] = float64(i)/20, float64(i)/21, 1
	}
	r := search.Random{Budget: search.Budget{Queries: 5}}
	want, err := r.Run(context.Background(), tab, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := Named("other", r)
	got, err := m.Run(context.Background(), tab, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name() != "other" || got.Method != "other" {
		t.Fatalf("name %q, trace method %q, want other", m.Name(), got.Method)
	}
	for i := range want.Queries {
		if got.Queries[i] != want.Queries[i] {
			t.Fatalf("query %d differs", i)
		}
	}
}

// nb201SupTable returns the CIFAR-10 search table (zero embeddings: the
// supervised searches compute their own) and the cells.
func nb201SupTable(b testing.TB) (*search.Table, []bench.Row201) {
	tab, err := bench.NB201()
	if err != nil {
		b.Fatal(err)
	}
	st, err := NB201Table(tab.Rows, make([]float32, 16*tab.Len()), bench.CIFAR10)
	if err != nil {
		b.Fatal(err)
	}
	return st, tab.Rows
}

// BenchmarkSupervisedBONB201 runs one supervised BO search on NAS-Bench-201
// CIFAR-10 at the reference budget (12,000 s) and settings.
//
//	go test -run '^$' -bench SupervisedBONB201 -benchtime 3x ./arch2vec/experiment/
func BenchmarkSupervisedBONB201(b *testing.B) {
	benchSupervised(b, 0)
}

// BenchmarkSupervisedRLNB201 is BenchmarkSupervisedBONB201 for supervised
// REINFORCE.
func BenchmarkSupervisedRLNB201(b *testing.B) {
	benchSupervised(b, 1)
}

func benchSupervised(b *testing.B, which int) {
	st, rows := nb201SupTable(b)
	cells, err := Dataset201(rows)
	if err != nil {
		b.Fatal(err)
	}
	m := NB201SupervisedMethods(bench.CIFAR10, true, cells, supervised.Config{})[which]
	b.ReportAllocs()
	b.ResetTimer()
	queries := 0
	start := time.Now()
	for i := 0; i < b.N; i++ {
		tr, err := m.Run(context.Background(), st, uint64(i+1), nil)
		if err != nil {
			b.Fatal(err)
		}
		queries += len(tr.Queries)
	}
	b.ReportMetric(float64(queries)/float64(b.N), "queries/run")
	b.ReportMetric(float64(queries)/time.Since(start).Seconds(), "queries/s")
}

// TestPaperNB201Supervised runs the supervised baselines alone (no
// pretraining needed) on NAS-Bench-201 at the reference budgets. Opt-in:
//
//	ARCH2VEC_EXPERIMENTS=1 go test -run TestPaperNB201Supervised -v -timeout 120m ./arch2vec/experiment/
//
// ARCH2VEC_RUNS_SUP (default 20) is the number of runs per method on
// CIFAR-10, ARCH2VEC_RUNS_SUP_OTHER (default 10) on the other datasets;
// ARCH2VEC_DATASETS (default cifar10), ARCH2VEC_METHODS (default
// "sup-bo,sup-rl"; add "random" for random search with the same number
// of runs and Welch's tests), ARCH2VEC_SEED0 and ARCH2VEC_QUIRKS as for
// TestPaperNB201.
func TestPaperNB201Supervised(t *testing.T) {
	if os.Getenv("ARCH2VEC_EXPERIMENTS") == "" {
		t.Skip("set ARCH2VEC_EXPERIMENTS=1 to run the supervised NAS-Bench-201 baselines")
	}
	tab, err := bench.NB201()
	if err != nil {
		t.Fatal(err)
	}
	dsets := envDatasets(t, []bench.Dataset{bench.CIFAR10})
	if os.Getenv("ARCH2VEC_METHODS") == "" {
		t.Setenv("ARCH2VEC_METHODS", SupervisedBO+","+SupervisedRL)
	}
	want := wantMethods()
	reference := os.Getenv("ARCH2VEC_QUIRKS") != "0"
	for _, ds := range dsets {
		st, err := NB201Table(tab.Rows, make([]float32, 16*tab.Len()), ds)
		if err != nil {
			t.Fatal(err)
		}
		outs := supervisedOutcomes(t, ds, reference, tab.Rows, st, want)
		if want["random"] {
			r := NB201Methods(ds, reference)[2]
			outs = append(outs, compareLogged(t, ds, []search.Method{r}, st, seedsFrom(t, supervisedRuns(t)[ds]), NB201Valid200(tab.Rows, ds))...)
		}
		var sb strings.Builder
		WriteTable(&sb, fmt.Sprintf("NAS-Bench-201 %s, budget %.0f s, reference quirks %v, supervised baselines",
			ds, NB201Budgets[ds], reference), outs, paperNB201[ds])
		writeWelch(&sb, outs, "test", func(o Outcome) []float64 { return o.FinalTest })
		t.Log("\n" + sb.String())
	}
}

// supervisedOutcomes runs the supervised baselines named in want on ds
// (supervisedRuns runs each) and logs the wall time per run.
func supervisedOutcomes(t *testing.T, ds bench.Dataset, reference bool, rows []bench.Row201, st *search.Table, want map[string]bool) []Outcome {
	t.Helper()
	cells, err := Dataset201(rows)
	if err != nil {
		t.Fatal(err)
	}
	var methods []search.Method
	for _, m := range NB201SupervisedMethods(ds, reference, cells, supervised.Config{}) {
		if want[m.Name()] {
			methods = append(methods, m)
		}
	}
	if len(methods) == 0 {
		return nil
	}
	outs := compareLogged(t, ds, methods, st, seedsFrom(t, supervisedRuns(t)[ds]), NB201Valid200(rows, ds))
	for _, o := range outs {
		t.Logf("%s %s: %d runs, %.1f s wall per run (2 runs in parallel)", ds, o.Method, o.Summary.N, o.Wall.Seconds()/float64(o.Summary.N)*2)
	}
	return outs
}

// supervisedRuns is the number of runs of the supervised baselines on
// each dataset: $ARCH2VEC_RUNS_SUP (default 20) on CIFAR-10,
// $ARCH2VEC_RUNS_SUP_OTHER (default 10) on the others.
func supervisedRuns(t *testing.T) [bench.NumDatasets]int {
	o := envInt(t, "ARCH2VEC_RUNS_SUP_OTHER", 10)
	return [bench.NumDatasets]int{envInt(t, "ARCH2VEC_RUNS_SUP", 20), o, o}
}

// compareLogged is Compare on 2 workers with a progress line per minute.
func compareLogged(t *testing.T, ds bench.Dataset, methods []search.Method, st *search.Table, seeds []uint64, valid []float64) []Outcome {
	t.Helper()
	last := time.Now()
	outs, err := Compare(context.Background(), methods, st, seeds, 2, valid, nil,
		func(m string, run, query int, best float64) {
			if time.Since(last) > time.Minute {
				last = time.Now()
				t.Logf("%s %s: run %d query %d best %.4f", ds, m, run, query, best)
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	return outs
}
