package search

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Metric selects which curve of a trace to aggregate.
type Metric int

// The metrics of a [Query].
const (
	RegretValid Metric = iota // reference validation accuracy − incumbent's
	RegretTest                // reference test accuracy − incumbent's test accuracy
	BestValid                 // incumbent's validation accuracy
	BestTest                  // incumbent's test accuracy
)

func (m Metric) of(q Query) float64 {
	switch m {
	case RegretValid:
		return q.RegretValid
	case RegretTest:
		return q.RegretTest
	case BestValid:
		return q.BestValid
	case BestTest:
		return q.BestTest
	}
	panic(fmt.Sprintf("search: unknown metric %d", m))
}

// LogGrid returns n times spaced evenly in log scale from lo to hi
// inclusive (n ≥ 2, 0 < lo < hi); it panics otherwise.
func LogGrid(lo, hi float64, n int) []float64 {
	if n < 2 || !(lo > 0) || !(hi > lo) {
		panic(fmt.Sprintf("search: log grid [%v, %v] with %d points", lo, hi, n))
	}
	g := make([]float64, n)
	a, b := math.Log(lo), math.Log(hi)
	for i := range g {
		g[i] = math.Exp(a + (b-a)*float64(i)/float64(n-1))
	}
	g[0], g[n-1] = lo, hi
	return g
}

// Curve is a metric averaged over runs on a time grid.
type Curve struct {
	T         []float64 // grid times (s)
	Mean, Std []float64 // over the runs defined at T[i]; NaN when none
	N         []int     // number of runs defined at T[i]
}

// Aggregate averages metric over traces on grid. A run's value at time t
// is that of its last query with cumulative time ≤ t (the incumbent is a
// step function of time); a run has no value before its first query, and
// after its last query it keeps its final value. Std is the population
// standard deviation (numpy's np.std), as in arch2vec's plot scripts.
func Aggregate(traces []*Trace, grid []float64, metric Metric) Curve {
	c := Curve{T: append([]float64(nil), grid...), Mean: make([]float64, len(grid)),
		Std: make([]float64, len(grid)), N: make([]int, len(grid))}
	vals := make([][]float64, len(grid))
	for _, tr := range traces {
		if tr == nil {
			continue
		}
		qs := tr.Queries
		k := -1
		for gi, t := range grid {
			for k+1 < len(qs) && qs[k+1].Time <= t {
				k++
			}
			if k >= 0 {
				vals[gi] = append(vals[gi], metric.of(qs[k]))
			}
		}
	}
	for i, v := range vals {
		c.Mean[i], c.Std[i] = meanStd(v)
		c.N[i] = len(v)
	}
	return c
}

// AggregateByQuery averages metric per query index as arch2vec's plot
// scripts do, truncated to the shortest run. Curve.T holds the mean
// cumulative time at each index.
func AggregateByQuery(traces []*Trace, metric Metric) Curve {
	n := -1
	for _, tr := range traces {
		if tr != nil && (n < 0 || len(tr.Queries) < n) {
			n = len(tr.Queries)
		}
	}
	n = max(n, 0)
	c := Curve{T: make([]float64, n), Mean: make([]float64, n), Std: make([]float64, n), N: make([]int, n)}
	v, ts := make([]float64, 0, len(traces)), make([]float64, 0, len(traces))
	for i := 0; i < n; i++ {
		v, ts = v[:0], ts[:0]
		for _, tr := range traces {
			if tr != nil {
				v = append(v, metric.of(tr.Queries[i]))
				ts = append(ts, tr.Queries[i].Time)
			}
		}
		c.Mean[i], c.Std[i] = meanStd(v)
		c.T[i], _ = meanStd(ts)
		c.N[i] = len(v)
	}
	return c
}

// meanStd returns the mean and population standard deviation, NaN for an
// empty sample.
func meanStd(x []float64) (mean, std float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(x)))
}

// Summary is the final-incumbent table of a set of runs: mean and
// population standard deviation of its validation and test accuracy.
type Summary struct {
	N                  int
	ValidMean, ValidSD float64
	TestMean, TestSD   float64
}

// Summarize tabulates the final incumbent of every non-empty trace. If
// valid and test are not nil they are indexed by cell and give the numbers
// to report for the incumbent instead of the ones the search saw (for
// NB201, arch2vec reports the seed-averaged accuracies of the cell the
// search picked by its single-seed validation accuracy).
func Summarize(traces []*Trace, valid, test []float64) Summary {
	var vs, ts []float64
	for _, tr := range traces {
		if tr == nil {
			continue
		}
		q, ok := tr.Final()
		if !ok {
			continue
		}
		v, t := q.BestValid, q.BestTest
		if valid != nil {
			v = valid[q.Incumbent]
		}
		if test != nil {
			t = test[q.Incumbent]
		}
		vs, ts = append(vs, v), append(ts, t)
	}
	s := Summary{N: len(vs)}
	s.ValidMean, s.ValidSD = meanStd(vs)
	s.TestMean, s.TestSD = meanStd(ts)
	return s
}

// Finals returns metric at the last query of every non-empty trace.
func Finals(traces []*Trace, metric Metric) []float64 {
	var out []float64
	for _, tr := range traces {
		if tr == nil {
			continue
		}
		if q, ok := tr.Final(); ok {
			out = append(out, metric.of(q))
		}
	}
	return out
}

// WelchTest is the result of Welch's unequal-variance t-test.
type WelchTest struct {
	T  float64 // (mean(a) − mean(b)) / √(s_a²/n_a + s_b²/n_b), sample variances
	DF float64 // Welch–Satterthwaite degrees of freedom
	P  float64 // two-sided p-value from Student's t with DF degrees of freedom
}

// Welch compares the means of two samples. It returns an error if either
// has fewer than two values or both have zero variance.
func Welch(a, b []float64) (WelchTest, error) {
	if len(a) < 2 || len(b) < 2 {
		return WelchTest{}, fmt.Errorf("search: welch: samples of %d and %d values, want ≥ 2 each", len(a), len(b))
	}
	ma, va := sampleVar(a)
	mb, vb := sampleVar(b)
	na, nb := float64(len(a)), float64(len(b))
	sa, sb := va/na, vb/nb
	if sa+sb == 0 {
		return WelchTest{}, fmt.Errorf("search: welch: both samples are constant")
	}
	t := (ma - mb) / math.Sqrt(sa+sb)
	df := (sa + sb) * (sa + sb) / (sa*sa/(na-1) + sb*sb/(nb-1))
	st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	return WelchTest{T: t, DF: df, P: 2 * st.Survival(math.Abs(t))}, nil
}

func sampleVar(x []float64) (mean, variance float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(x)-1)
}
