package experiment

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// Outcome is what one method gave over a set of seeds.
type Outcome struct {
	Method string
	Traces []*search.Trace
	// Summary is the final incumbent's mean and standard deviation over
	// the runs, with the accuracies Compare was given (fractions).
	Summary search.Summary
	// FinalTest is the reported test accuracy of every run's final
	// incumbent, in seed order (the sample of Welch's test).
	FinalTest []float64
	// MeanQueries is the mean number of queries per run.
	MeanQueries float64
	// Wall is the wall-clock time the method took over all runs.
	Wall time.Duration
}

// Compare runs every method once per seed on t (search.RunMany on workers
// goroutines) and summarises each method's final incumbents with valid and
// test (indexed by cell; nil means the table's own columns). progress, if
// not nil, receives RunMany's progress (run position, query number,
// incumbent's validation accuracy) with the method's name. On error it
// returns the outcomes completed so far.
func Compare(ctx context.Context, methods []search.Method, t *search.Table, seeds []uint64, workers int,
	valid, test []float64, progress func(method string, run, query int, best float64)) ([]Outcome, error) {
	if test == nil {
		test = t.Test
	}
	var out []Outcome
	for _, m := range methods {
		start := time.Now()
		var pf func(run, query int, best float64)
		if progress != nil {
			name := m.Name()
			pf = func(run, query int, best float64) { progress(name, run, query, best) }
		}
		traces, err := search.RunMany(ctx, m, t, seeds, workers, pf)
		if err != nil {
			return out, fmt.Errorf("experiment: %s: %w", m.Name(), err)
		}
		o := Outcome{Method: m.Name(), Traces: traces, Wall: time.Since(start)}
		o.Summary = search.Summarize(traces, valid, test)
		n := 0
		for _, tr := range traces {
			if q, ok := tr.Final(); ok {
				o.FinalTest = append(o.FinalTest, test[q.Incumbent])
				o.MeanQueries += float64(len(tr.Queries))
				n++
			}
		}
		if n > 0 {
			o.MeanQueries /= float64(n)
		}
		out = append(out, o)
	}
	return out, nil
}

// Seeds returns the run seeds 1..n, as the reference's run scripts use.
func Seeds(n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = uint64(i + 1)
	}
	return s
}

// Paper is a published mean ± standard deviation in percent.
type Paper struct{ Mean, SD float64 }

// WriteTable prints one line per outcome: runs, mean queries, validation
// and test accuracy of the final incumbent (mean ± population std, in
// percent), wall time, and the paper's test figure when paper has one for
// the method.
func WriteTable(w io.Writer, title string, outs []Outcome, paper map[string]Paper) {
	fmt.Fprintf(w, "%s\n", title)
	fmt.Fprintf(w, "  %-8s %5s %8s %16s %16s %16s %9s\n", "method", "runs", "queries", "valid %", "test %", "paper test %", "wall")
	for _, o := range outs {
		s := o.Summary
		p := "—"
		if pp, ok := paper[o.Method]; ok {
			p = fmt.Sprintf("%.2f ± %.2f", pp.Mean, pp.SD)
		}
		fmt.Fprintf(w, "  %-8s %5d %8.1f %16s %16s %16s %9s\n", o.Method, s.N, o.MeanQueries,
			fmt.Sprintf("%.2f ± %.2f", 100*s.ValidMean, 100*s.ValidSD),
			fmt.Sprintf("%.2f ± %.2f", 100*s.TestMean, 100*s.TestSD), p, o.Wall.Round(time.Second))
	}
}
