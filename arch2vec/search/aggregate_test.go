package search

import (
	"math"
	"reflect"
	"testing"
)

func mkTrace(times, regrets []float64) *Trace {
	tr := &Trace{}
	for i, t := range times {
		tr.Queries = append(tr.Queries, Query{Cell: i, Incumbent: i, Time: t, RegretValid: regrets[i],
			BestValid: 1 - regrets[i], BestTest: 0.5 + float64(i)})
	}
	return tr
}

func TestAggregate(t *testing.T) {
	a := mkTrace([]float64{10, 20, 40}, []float64{0.5, 0.3, 0.1})
	b := mkTrace([]float64{15, 30}, []float64{0.4, 0.2})
	grid := []float64{5, 10, 15, 25, 35, 100}
	got := Aggregate([]*Trace{a, b, nil}, grid, RegretValid)
	wantN := []int{0, 1, 2, 2, 2, 2}
	// a: –, .5, .5, .3, .3, .1   b: –, –, .4, .4, .2, .2 (b keeps its final value)
	wantMean := []float64{math.NaN(), 0.5, 0.45, 0.35, 0.25, 0.15}
	wantStd := []float64{math.NaN(), 0, 0.05, 0.05, 0.05, 0.05}
	if !reflect.DeepEqual(got.N, wantN) {
		t.Errorf("N = %v, want %v", got.N, wantN)
	}
	for i := range grid {
		if !near(got.Mean[i], wantMean[i]) || !near(got.Std[i], wantStd[i]) {
			t.Errorf("t=%v: %v ± %v, want %v ± %v", grid[i], got.Mean[i], got.Std[i], wantMean[i], wantStd[i])
		}
	}
	byQ := AggregateByQuery([]*Trace{a, b}, RegretValid)
	if len(byQ.Mean) != 2 || !near(byQ.Mean[0], 0.45) || !near(byQ.Mean[1], 0.25) || !near(byQ.T[1], 25) {
		t.Errorf("by query: %+v", byQ)
	}
}

func near(a, b float64) bool {
	return math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) < 1e-12
}

func TestLogGrid(t *testing.T) {
	g := LogGrid(1e2, 1e6, 5)
	want := []float64{1e2, 1e3, 1e4, 1e5, 1e6}
	for i := range g {
		if math.Abs(g[i]-want[i]) > 1e-9*want[i] {
			t.Errorf("grid %v, want %v", g, want)
		}
	}
}

func TestSummarize(t *testing.T) {
	a := mkTrace([]float64{1, 2}, []float64{0.3, 0.1}) // final incumbent 1: valid 0.9, test 1.5
	b := mkTrace([]float64{1}, []float64{0.2})         // final incumbent 0: valid 0.8, test 0.5
	s := Summarize([]*Trace{a, b, {}, nil}, nil, nil)
	if s.N != 2 || !near(s.ValidMean, 0.85) || !near(s.ValidSD, 0.05) || !near(s.TestMean, 1) || !near(s.TestSD, 0.5) {
		t.Errorf("summary %+v", s)
	}
	s = Summarize([]*Trace{a, b}, []float64{70, 80}, []float64{60, 90})
	if !near(s.ValidMean, 75) || !near(s.TestMean, 75) || !near(s.TestSD, 15) {
		t.Errorf("summary with per-cell numbers %+v", s)
	}
	if f := Finals([]*Trace{a, nil, b}, BestValid); !reflect.DeepEqual(f, []float64{0.9, 0.8}) {
		t.Errorf("finals %v", f)
	}
}

// studentTwoSided integrates Student's t density with Simpson's rule: an
// independent check of the p-value.
func studentTwoSided(t, nu float64) float64 {
	lg1, _ := math.Lgamma((nu + 1) / 2)
	lg2, _ := math.Lgamma(nu / 2)
	c := math.Exp(lg1-lg2) / math.Sqrt(nu*math.Pi)
	pdf := func(x float64) float64 { return c * math.Pow(1+x*x/nu, -(nu+1)/2) }
	a, n := math.Abs(t), 200000
	h := a / float64(n)
	s := pdf(0) + pdf(a)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * pdf(float64(i)*h)
	}
	return 1 - 2*s*h/3
}

func TestWelch(t *testing.T) {
	a := []float64{1, 2, 3, 4, 5}
	b := []float64{2, 4, 6, 8, 10}
	w, err := Welch(a, b)
	if err != nil {
		t.Fatal(err)
	}
	// means 3, 6; sample variances 2.5, 10; s² = 0.5 + 2.
	wantT := -3 / math.Sqrt(2.5)
	wantDF := 2.5 * 2.5 / (0.25/4 + 4.0/4)
	if !near(w.T, wantT) || math.Abs(w.DF-wantDF) > 1e-12 {
		t.Errorf("t = %v, df = %v; want %v, %v", w.T, w.DF, wantT, wantDF)
	}
	if p := studentTwoSided(wantT, wantDF); math.Abs(w.P-p) > 1e-8 {
		t.Errorf("p = %v, want %v", w.P, p)
	}
	for _, bad := range [][2][]float64{{{1}, {1, 2}}, {{1, 1}, {2, 2}}} {
		if _, err := Welch(bad[0], bad[1]); err == nil {
			t.Errorf("Welch(%v, %v): no error", bad[0], bad[1])
		}
	}
}
