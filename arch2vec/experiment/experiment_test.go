package experiment

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/search"
)

func nb201(t *testing.T) []bench.Row201 {
	t.Helper()
	tab, err := bench.NB201()
	if err != nil {
		t.Fatal(err)
	}
	return tab.Rows
}

// fakeEmb is a deterministic embedding for table-construction tests (the
// searches in them do not depend on its quality).
func fakeEmb(m, d int) []float32 {
	e := make([]float32, m*d)
	for i := range e {
		e[i] = float32((i*7919)%1000) / 1000
	}
	return e
}

func TestNB201Table(t *testing.T) {
	rows := nb201(t)
	emb := fakeEmb(len(rows), 16)
	for _, ds := range bench.Datasets {
		t.Run(ds.String(), func(t *testing.T) {
			st, err := NB201Table(rows, emb, ds)
			if err != nil {
				t.Fatal(err)
			}
			if st.Len() != cell.NumCells201 || st.Dim != 16 {
				t.Fatalf("table %d×%d, want %d×16", st.Len(), st.Dim, cell.NumCells201)
			}
			for i := range rows {
				r := &rows[i]
				wantValid := r.Valid200[ds] / 100
				if ds == bench.CIFAR10 {
					wantValid = r.Valid12[ds] / 100
				}
				if st.Valid[i] != wantValid || st.Test[i] != r.Test200[ds]/100 {
					t.Fatalf("cell %d: valid %v test %v, want %v %v", i, st.Valid[i], st.Test[i], wantValid, r.Test200[ds]/100)
				}
				if st.Valid[i] <= 0 || st.Valid[i] > 1 || st.Test[i] <= 0 || st.Test[i] > 1 {
					t.Fatalf("cell %d: accuracies %v %v are not fractions", i, st.Valid[i], st.Test[i])
				}
				if st.Time[i] != NB201Time(r, ds) || !(st.Time[i] > 0) {
					t.Fatalf("cell %d: time %v", i, st.Time[i])
				}
			}
			// The best 200-epoch test accuracy is the NB201 paper's
			// optimum (shared/data/nasbench201/README.md).
			best := map[bench.Dataset]float64{bench.CIFAR10: 0.94373, bench.CIFAR100: 0.73513, bench.ImageNet16: 0.47311}[ds]
			if got := maxOf(st.Test); math.Abs(got-best) > 5e-6 {
				t.Errorf("max test %v, want %v", got, best)
			}
			// The budget buys tens to a few hundred queries, as in the
			// reference experiments.
			mean := 0.0
			for _, v := range st.Time {
				mean += v
			}
			mean /= float64(len(st.Time))
			if q := NB201Budgets[ds] / mean; q < 20 || q > 500 {
				t.Errorf("budget %v s / mean cost %.1f s = %.0f queries", NB201Budgets[ds], mean, q)
			}
			t.Logf("mean cost %.1f s, budget %.0f s ≈ %.0f queries", mean, NB201Budgets[ds], NB201Budgets[ds]/mean)
		})
	}
}

func TestNB201Time(t *testing.T) {
	r := bench.Row201{TrainTime200: 2000, EvalTime: 5}
	tests := []struct {
		name string
		ds   bench.Dataset
		want float64
	}{
		{"cifar10 12 epochs", bench.CIFAR10, 2000*12.0/200 + 5},
		{"cifar100 2x images 199 epochs", bench.CIFAR100, 10*2*199 + 5*0.2},
		{"imagenet16 6.068x images", bench.ImageNet16, 10*6.068*199 + 5*0.12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NB201Time(&r, tc.ds); math.Abs(got-tc.want) > 1e-9*tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if NB201Budgets != [bench.NumDatasets]float64{12000, 500000, 1400000} {
		t.Errorf("budgets %v", NB201Budgets)
	}
}

func TestNB201TableErrors(t *testing.T) {
	rows := nb201(t)
	tests := []struct {
		name string
		rows []bench.Row201
		emb  []float32
		ds   bench.Dataset
		want string
	}{
		{"no rows", nil, nil, bench.CIFAR10, "no rows"},
		{"ragged embedding", rows[:10], make([]float32, 161), bench.CIFAR10, "161 embedding values"},
		{"unknown dataset", rows[:10], make([]float32, 160), bench.Dataset(7), "unknown dataset"},
		{"nan embedding", rows[:1], []float32{float32(math.NaN())}, bench.CIFAR100, "embedding component"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NB201Table(tc.rows, tc.emb, tc.ds)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestNB201Methods(t *testing.T) {
	for _, ref := range []bool{false, true} {
		ms := NB201Methods(bench.CIFAR100, ref)
		if len(ms) != 3 {
			t.Fatalf("%d methods", len(ms))
		}
		bo, rl, rs := ms[0].(search.BO), ms[1].(search.Reinforce), ms[2].(search.Random)
		if bo.TopK != 1 || bo.Target != 1.0 || bo.InitSize != 16 || rl.Baseline != 0.4 {
			t.Errorf("settings bo %+v rl %+v", bo, rl)
		}
		for _, b := range []search.Budget{bo.Budget, rl.Budget, rs.Budget} {
			if b.Seconds != 500000 || b.Queries != 0 {
				t.Errorf("budget %+v", b)
			}
		}
		if (bo.ReferenceQuirks == search.BOQuirksReference) != ref || (rl.ReferenceQuirks == search.RLQuirksNB201) != ref {
			t.Errorf("reference %v: quirks bo %+v rl %+v", ref, bo.ReferenceQuirks, rl.ReferenceQuirks)
		}
	}
}

func TestCompare(t *testing.T) {
	rows := nb201(t)
	st, err := NB201Table(rows, fakeEmb(len(rows), 16), bench.CIFAR10)
	if err != nil {
		t.Fatal(err)
	}
	valid := NB201Valid200(rows, bench.CIFAR10)
	outs, err := Compare(context.Background(), []search.Method{search.Random{Budget: search.Budget{Seconds: 12000}}},
		st, Seeds(3), 2, valid, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := outs[0]
	if o.Method != "random" || o.Summary.N != 3 || len(o.FinalTest) != 3 || o.MeanQueries < 20 {
		t.Fatalf("outcome %+v", o)
	}
	for k, tr := range o.Traces {
		q, _ := tr.Final()
		if q.Time < 12000 && len(tr.Queries) < st.Len() {
			t.Errorf("run %d stopped at %v s", k, q.Time)
		}
		if o.FinalTest[k] != st.Test[q.Incumbent] {
			t.Errorf("run %d: final test %v, incumbent's %v", k, o.FinalTest[k], st.Test[q.Incumbent])
		}
	}
	var sb strings.Builder
	WriteTable(&sb, "title", outs, map[string]Paper{"random": {93.7, 0.1}})
	if !strings.Contains(sb.String(), "93.70 ± 0.10") || !strings.Contains(sb.String(), "random") {
		t.Errorf("table:\n%s", sb.String())
	}
}

func TestNB101Table(t *testing.T) {
	sub, err := bench.NB101Subset()
	if err != nil {
		t.Fatal(err)
	}
	// Cells: every 100th subset record, in reverse, plus one hash the
	// subset does not hold.
	var hashes []cell.Hash
	for r := sub.Len() - 1; r >= 0; r -= 100 {
		hashes = append(hashes, sub.Records[r].Hash)
	}
	hashes = append(hashes, cell.Hash{0xff, 0xfe})
	const d = 4
	emb := fakeEmb(len(hashes), d)
	st, cells, err := NB101Table(sub, hashes, emb)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(hashes) - 1; st.Len() != want || len(cells) != want || st.Dim != d {
		t.Fatalf("%d rows (%d cells, dim %d), want %d", st.Len(), len(cells), st.Dim, want)
	}
	for i, p := range cells {
		r, ok := sub.Lookup(hashes[p])
		if !ok {
			t.Fatalf("row %d: cell %d not in subset", i, p)
		}
		rec := sub.Records[r]
		if st.Valid[i] != float64(rec.Valid108) || st.Time[i] != float64(rec.Time) || st.Test[i] != 0 {
			t.Errorf("row %d: %v %v %v, record %+v", i, st.Valid[i], st.Time[i], st.Test[i], rec)
		}
		if got, want := st.Row(i), emb[p*d:(p+1)*d]; got[0] != want[0] || got[d-1] != want[d-1] {
			t.Errorf("row %d: embedding %v, want %v", i, got, want)
		}
	}
	if _, _, err := NB101Table(sub, []cell.Hash{{1}}, make([]float32, d)); err == nil {
		t.Error("no match: want an error")
	}
	if _, _, err := NB101Table(sub, hashes, emb[:len(emb)-1]); err == nil {
		t.Error("ragged embedding: want an error")
	}
}

func TestPretrainEmbed(t *testing.T) {
	rows := nb201(t)[:200]
	data, err := Dataset201(rows)
	if err != nil {
		t.Fatal(err)
	}
	emb, res, err := PretrainEmbed(context.Background(), model.Config{Space: model.NASBench201, Epochs: 1, ValiditySamples: -1}, data, model.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if len(emb) != 200*16 || len(res.History) != 1 {
		t.Fatalf("%d values, %d epochs", len(emb), len(res.History))
	}
	st, err := NB201Table(rows, emb, bench.ImageNet16)
	if err != nil {
		t.Fatal(err)
	}
	if st.Dim != 16 {
		t.Errorf("dim %d", st.Dim)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := PretrainEmbed(ctx, model.Config{Space: model.NASBench201, Epochs: 1}, data, model.Hooks{}); err == nil {
		t.Error("cancelled: want an error")
	}
}

// BenchmarkNB201Table builds the CIFAR-100 search table of all 15,625 cells.
func BenchmarkNB201Table(b *testing.B) {
	tab, err := bench.NB201()
	if err != nil {
		b.Fatal(err)
	}
	emb := fakeEmb(tab.Len(), 16)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NB201Table(tab.Rows, emb, bench.CIFAR100); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(tab.Len()*b.N)/b.Elapsed().Seconds(), "cells/s")
}
