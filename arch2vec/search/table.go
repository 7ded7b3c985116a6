package search

import (
	"fmt"
	"math"
)

// Table is the fixed search space: for each of M cells its embedding and
// what querying it reveals. Searches never modify a Table, so one Table may
// be shared by concurrent runs.
type Table struct {
	// Emb holds the M×Dim embeddings, row-major (row i is cell i).
	Emb []float32
	// Dim is the embedding width D (16 for arch2vec).
	Dim int
	// Valid is the validation accuracy of each cell as a fraction: the
	// reward a search sees.
	Valid []float64
	// Test is the test accuracy of each cell as a fraction: reported for
	// the incumbent, never seen by a search.
	Test []float64
	// Time is the simulated training time of each cell in seconds: the
	// cost of a query.
	Time []float64

	// BestValid and BestTest are the accuracies regrets are measured
	// against. Zero means the best value in Valid / Test. For NB101 the
	// reference uses 0.9505542318026224 and 0.943175752957662
	// (see [NB101BestValid]).
	BestValid, BestTest float64
}

// NB101BestValid and NB101BestTest are the regret references of arch2vec's
// NB101 searches (reinforce.py, dngo.py): 1 − y_star_valid and
// 1 − y_star_test of automl/nas_benchmarks.
const (
	NB101BestValid = 0.9505542318026224
	NB101BestTest  = 0.943175752957662
)

// Len returns the number of cells M.
func (t *Table) Len() int { return len(t.Valid) }

// Row returns the embedding of cell i (a view into Emb, not a copy).
func (t *Table) Row(i int) []float32 { return t.Emb[i*t.Dim : (i+1)*t.Dim] }

// Validate reports the first inconsistency: mismatched lengths, a
// non-positive dimension, an empty table, or a non-finite or negative
// number where the search needs a real one.
func (t *Table) Validate() error {
	if t == nil {
		return fmt.Errorf("search: nil table")
	}
	m := len(t.Valid)
	switch {
	case t.Dim <= 0:
		return fmt.Errorf("search: table: embedding dimension %d, want > 0", t.Dim)
	case m == 0:
		return fmt.Errorf("search: table: no cells")
	case len(t.Emb) != m*t.Dim:
		return fmt.Errorf("search: table: %d embedding values, want %d cells × %d = %d", len(t.Emb), m, t.Dim, m*t.Dim)
	case len(t.Test) != m:
		return fmt.Errorf("search: table: %d test accuracies for %d cells", len(t.Test), m)
	case len(t.Time) != m:
		return fmt.Errorf("search: table: %d training times for %d cells", len(t.Time), m)
	}
	for i := 0; i < m; i++ {
		if v := t.Valid[i]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("search: table: cell %d: validation accuracy %v", i, v)
		}
		if v := t.Test[i]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("search: table: cell %d: test accuracy %v", i, v)
		}
		if v := t.Time[i]; !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("search: table: cell %d: training time %v, want a finite value ≥ 0", i, v)
		}
	}
	for i, v := range t.Emb {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("search: table: cell %d: embedding component %d is %v", i/t.Dim, i%t.Dim, v)
		}
	}
	return nil
}

// references returns the validation and test accuracies regrets are
// measured against.
func (t *Table) references() (valid, test float64) {
	valid, test = t.BestValid, t.BestTest
	if valid == 0 {
		valid = maxOf(t.Valid)
	}
	if test == 0 {
		test = maxOf(t.Test)
	}
	return valid, test
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// Budget says when a run stops: as soon as the cumulative simulated time
// reaches Seconds, or the number of queries reaches Queries, whichever
// comes first. A zero field is no limit; at least one must be set. A run
// also stops when every cell has been queried (if the method never
// re-queries).
type Budget struct {
	Seconds float64
	Queries int
}

func (b Budget) validate() error {
	if b.Seconds < 0 || math.IsNaN(b.Seconds) || b.Queries < 0 {
		return fmt.Errorf("search: budget %v s / %d queries: negative", b.Seconds, b.Queries)
	}
	if b.Seconds == 0 && b.Queries == 0 {
		return fmt.Errorf("search: no budget: set seconds or queries")
	}
	return nil
}

// Query is one entry of a [Trace]: the cell queried and the state of the
// run after it.
type Query struct {
	Cell      int     `json:"cell"`       // index of the queried cell in the Table
	Time      float64 `json:"time"`       // cumulative simulated time after this query (s)
	Valid     float64 `json:"valid"`      // validation accuracy of the queried cell
	Incumbent int     `json:"incumbent"`  // cell with the best validation accuracy so far (first found on ties)
	BestValid float64 `json:"best_valid"` // validation accuracy of the incumbent
	BestTest  float64 `json:"best_test"`  // test accuracy of the incumbent
	// RegretValid and RegretTest are the table's reference accuracies
	// minus BestValid / BestTest.
	RegretValid float64 `json:"regret_valid"`
	RegretTest  float64 `json:"regret_test"`
}

// Trace is the record of one search run, one [Query] per query in order.
// It encodes to JSON with snake_case keys.
type Trace struct {
	Method  string  `json:"method"`
	Seed    uint64  `json:"seed"`
	Queries []Query `json:"queries"`
}

// Final returns the last query, or false if the trace is empty.
func (tr *Trace) Final() (Query, bool) {
	if len(tr.Queries) == 0 {
		return Query{}, false
	}
	return tr.Queries[len(tr.Queries)-1], true
}

// recorder does the bookkeeping every method shares: cumulative time, the
// incumbent, regrets, the budget test and progress reports.
type recorder struct {
	t          *Table
	budget     Budget
	refV, refT float64
	trace      *Trace
	elapsed    float64
	inc        int
	progress   func(query int, best float64)
}

func newRecorder(t *Table, b Budget, method string, seed uint64, progress func(int, float64)) *recorder {
	rv, rt := t.references()
	return &recorder{t: t, budget: b, refV: rv, refT: rt, inc: -1, progress: progress,
		trace: &Trace{Method: method, Seed: seed}}
}

// add charges cell i to the budget, records it and reports whether the
// budget is now exhausted.
func (r *recorder) add(i int) (done bool) {
	t := r.t
	r.elapsed += t.Time[i]
	if r.inc < 0 || t.Valid[i] > t.Valid[r.inc] {
		r.inc = i
	}
	q := Query{Cell: i, Time: r.elapsed, Valid: t.Valid[i], Incumbent: r.inc,
		BestValid: t.Valid[r.inc], BestTest: t.Test[r.inc]}
	q.RegretValid, q.RegretTest = r.refV-q.BestValid, r.refT-q.BestTest
	r.trace.Queries = append(r.trace.Queries, q)
	if r.progress != nil {
		r.progress(len(r.trace.Queries), q.BestValid)
	}
	return r.done()
}

// done reports whether the budget is exhausted.
func (r *recorder) done() bool {
	b := r.budget
	return (b.Seconds > 0 && r.elapsed >= b.Seconds) || (b.Queries > 0 && len(r.trace.Queries) >= b.Queries)
}
