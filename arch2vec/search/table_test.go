package search

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func tinyTable() *Table {
	return &Table{
		Emb:   []float32{0, 0, 1, 0, 0, 1, 1, 1},
		Dim:   2,
		Valid: []float64{0.90, 0.93, 0.93, 0.91},
		Test:  []float64{0.89, 0.92, 0.94, 0.95},
		Time:  []float64{10, 20, 30, 40},
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Table)
		want string // substring of the error; "" for none
	}{
		{"ok", func(*Table) {}, ""},
		{"zero dim", func(t *Table) { t.Dim = 0 }, "dimension"},
		{"no cells", func(t *Table) { t.Valid, t.Test, t.Time, t.Emb = nil, nil, nil, nil }, "no cells"},
		{"short embedding", func(t *Table) { t.Emb = t.Emb[:7] }, "embedding values"},
		{"short test", func(t *Table) { t.Test = t.Test[:3] }, "test accuracies"},
		{"short time", func(t *Table) { t.Time = t.Time[:3] }, "training times"},
		{"NaN accuracy", func(t *Table) { t.Valid[2] = math.NaN() }, "cell 2: validation"},
		{"negative time", func(t *Table) { t.Time[1] = -1 }, "cell 1: training time"},
		{"Inf embedding", func(t *Table) { t.Emb[5] = float32(math.Inf(1)) }, "cell 2: embedding component 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := tinyTable()
			tc.edit(tab)
			err := tab.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("Validate() = %v, want error containing %q", err, tc.want)
			}
		})
	}
	var nilTab *Table
	if nilTab.Validate() == nil {
		t.Error("nil table validated")
	}
}

// TestRecorder checks the per-query bookkeeping: cumulative time, the
// incumbent (first found on ties), its test accuracy and both regrets,
// against the table's maxima and against given constants.
func TestRecorder(t *testing.T) {
	for _, tc := range []struct {
		name       string
		refV, refT float64 // Table.BestValid/BestTest
		order      []int
		want       []Query
	}{
		{"table maxima", 0, 0, []int{0, 2, 1, 3}, []Query{
			{Cell: 0, Time: 10, Valid: 0.90, Incumbent: 0, BestValid: 0.90, BestTest: 0.89, RegretValid: 0.93 - 0.90, RegretTest: 0.95 - 0.89},
			{Cell: 2, Time: 40, Valid: 0.93, Incumbent: 2, BestValid: 0.93, BestTest: 0.94, RegretValid: 0, RegretTest: 0.95 - 0.94},
			{Cell: 1, Time: 60, Valid: 0.93, Incumbent: 2, BestValid: 0.93, BestTest: 0.94, RegretValid: 0, RegretTest: 0.95 - 0.94},
			{Cell: 3, Time: 100, Valid: 0.91, Incumbent: 2, BestValid: 0.93, BestTest: 0.94, RegretValid: 0, RegretTest: 0.95 - 0.94},
		}},
		{"constants", NB101BestValid, NB101BestTest, []int{3, 1}, []Query{
			{Cell: 3, Time: 40, Valid: 0.91, Incumbent: 3, BestValid: 0.91, BestTest: 0.95, RegretValid: NB101BestValid - 0.91, RegretTest: NB101BestTest - 0.95},
			{Cell: 1, Time: 60, Valid: 0.93, Incumbent: 1, BestValid: 0.93, BestTest: 0.92, RegretValid: NB101BestValid - 0.93, RegretTest: NB101BestTest - 0.92},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := tinyTable()
			tab.BestValid, tab.BestTest = tc.refV, tc.refT
			var calls []float64
			rec := newRecorder(tab, Budget{Queries: 100}, "x", 1, func(q int, best float64) {
				if q != len(calls)+1 {
					t.Errorf("progress query %d, want %d", q, len(calls)+1)
				}
				calls = append(calls, best)
			})
			for _, c := range tc.order {
				rec.add(c)
			}
			got := rec.trace.Queries
			if len(got) != len(tc.want) {
				t.Fatalf("%d queries, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if math.Abs(g.RegretValid-w.RegretValid) > 1e-12 || math.Abs(g.RegretTest-w.RegretTest) > 1e-12 {
					t.Errorf("query %d regrets %v, %v; want %v, %v", i, g.RegretValid, g.RegretTest, w.RegretValid, w.RegretTest)
				}
				g.RegretValid, g.RegretTest = w.RegretValid, w.RegretTest
				if g != w {
					t.Errorf("query %d = %+v, want %+v", i, g, w)
				}
			}
			for i, b := range calls {
				if b != tc.want[i].BestValid {
					t.Errorf("progress %d best %v, want %v", i, b, tc.want[i].BestValid)
				}
			}
		})
	}
}

// TestBudgetStops: a run stops at the first query whose cumulative time
// reaches the budget, in the middle of an RL batch or a BO top-k batch, or
// at the query limit; and a method that never re-queries stops when the
// table is exhausted.
func TestBudgetStops(t *testing.T) {
	tab := synthTable(300, 3, 3, 10, 10) // every query costs 10 s
	for _, tc := range []struct {
		name string
		m    Method
		want int
	}{
		{"random seconds", Random{Budget: Budget{Seconds: 95}}, 10},
		{"random exact", Random{Budget: Budget{Seconds: 100}}, 10},
		{"random queries", Random{Budget: Budget{Queries: 7, Seconds: 1e9}}, 7},
		{"random exhausts table", Random{Budget: Budget{Seconds: 1e9}}, 300},
		{"rl mid-batch", Reinforce{Budget: Budget{Seconds: 195}}, 20},
		{"rl charged start", Reinforce{Budget: Budget{Queries: 5}}, 5},
		{"rl uncharged start", Reinforce{Budget: Budget{Seconds: 50}, ReferenceQuirks: RLQuirksNB101}, 5},
		{"bo mid-top-k", BO{Budget: Budget{Seconds: 175}, InitSize: 4, Model: DNGOModel{Epochs: 5}}, 18},
		{"bo inside init", BO{Budget: Budget{Queries: 3}}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := tc.m.Run(context.Background(), tab, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Queries) != tc.want {
				t.Fatalf("%d queries, want %d", len(tr.Queries), tc.want)
			}
			seen := map[int]bool{}
			for i, q := range tr.Queries {
				if seen[q.Cell] {
					t.Errorf("query %d re-queries cell %d", i, q.Cell)
				}
				seen[q.Cell] = true
				if want := 10 * float64(i+1); q.Time != want {
					t.Errorf("query %d time %v, want %v", i, q.Time, want)
				}
			}
		})
	}
}

// TestDeterminism: a run depends only on its seed, whatever the number of
// RunMany workers; different seeds give different runs.
func TestDeterminism(t *testing.T) {
	tab := synthTable(minShardRows+1000, 4, 5, 10, 20) // large enough for sharded nearest-neighbour scans
	seeds := []uint64{3, 1, 4, 1}
	for _, m := range []Method{
		Random{Budget: Budget{Queries: 40}},
		Reinforce{Budget: Budget{Queries: 40}},
		Reinforce{Budget: Budget{Queries: 40}, ReferenceQuirks: RLQuirksNB201},
		BO{Budget: Budget{Queries: 26}, Model: DNGOModel{Epochs: 10}},
		BO{Budget: Budget{Queries: 26}, Model: DNGOModel{Epochs: 10}, Acquisition: EITextbook, ReferenceQuirks: BOQuirksReference},
	} {
		one, err := RunMany(context.Background(), m, tab, seeds, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		two, err := RunMany(context.Background(), m, tab, seeds, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(one, two) {
			t.Errorf("%s: traces differ between 1 and 2 workers", m.Name())
		}
		if !reflect.DeepEqual(one[1], one[3]) {
			t.Errorf("%s: same seed, different traces", m.Name())
		}
		if reflect.DeepEqual(one[0].Queries, one[1].Queries) {
			t.Errorf("%s: seeds 3 and 1 gave the same trace", m.Name())
		}
	}
}

func TestCancel(t *testing.T) {
	tab := synthTable(500, 3, 3, 10, 10)
	for _, m := range []Method{Random{Budget: Budget{Queries: 100}}, Reinforce{Budget: Budget{Queries: 100}}, BO{Budget: Budget{Queries: 100}}} {
		ctx, cancel := context.WithCancel(context.Background())
		tr, err := m.Run(ctx, tab, 1, func(q int, _ float64) {
			if q == 20 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", m.Name(), err)
		}
		if tr == nil || len(tr.Queries) < 20 || len(tr.Queries) > 25 {
			t.Errorf("%s: partial trace %v, want 20-25 queries", m.Name(), tr)
		}
		cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RunMany(ctx, Random{Budget: Budget{Queries: 5}}, tab, seedsN(4), 2, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("RunMany on a cancelled context: err = %v", err)
	}
}

func TestBadConfig(t *testing.T) {
	tab := tinyTable()
	for _, tc := range []struct {
		name string
		m    Method
	}{
		{"no budget", Random{}},
		{"negative budget", Random{Budget: Budget{Seconds: -1}}},
		{"rl negative batch", Reinforce{Budget: Budget{Queries: 1}, BatchSize: -1}},
		{"bo negative top-k", BO{Budget: Budget{Queries: 1}, TopK: -2}},
		{"bo unknown acquisition", BO{Budget: Budget{Queries: 1}, Acquisition: 7}},
		{"bo negative batch", BO{Budget: Budget{Queries: 30}, InitSize: 2, Model: DNGOModel{BatchSize: -3}}},
	} {
		if _, err := tc.m.Run(context.Background(), tab, 1, nil); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// TestRunManyProgress: progress reports every query of every run, tagged
// with the run's position in seeds, and the last report of a run carries
// its final incumbent.
func TestRunManyProgress(t *testing.T) {
	tab := synthTable(300, 3, 3, 10, 20)
	seeds := seedsN(5)
	last := map[int][2]float64{}
	count := map[int]int{}
	traces, err := RunMany(context.Background(), Random{Budget: Budget{Seconds: 200}}, tab, seeds, 2,
		func(run, q int, best float64) {
			count[run]++
			last[run] = [2]float64{float64(q), best}
		})
	if err != nil {
		t.Fatal(err)
	}
	for i, tr := range traces {
		f, _ := tr.Final()
		if tr.Seed != seeds[i] || count[i] != len(tr.Queries) || last[i] != [2]float64{float64(len(tr.Queries)), f.BestValid} {
			t.Errorf("run %d: seed %d, %d reports, last %v; trace has %d queries, best %v", i, tr.Seed, count[i], last[i], len(tr.Queries), f.BestValid)
		}
	}
}
