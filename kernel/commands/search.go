package commands

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/plot"
	"github.com/arch2vec/arch2vec/arch2vec/search"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/magic"
)

// searchMethods are the methods %search runs.
var searchMethods = []string{"random", "rl", "bo"}

// searchCommand returns %search.
func (w *Workspace) searchCommand() *magic.Command {
	return &magic.Command{
		Name:    "search",
		Summary: "Run random search, REINFORCE or Bayesian optimisation over the loaded cells",
		Doc: "Searches the loaded cells for the best validation accuracy, as arch2vec's experiments do, " +
			"--runs times from seeds --seed, --seed+1, …: random sampling, REINFORCE in the embedding " +
			"space (rl) or DNGO Bayesian optimisation on the embeddings (bo). rl and bo need %embed first. " +
			"Each run stops after --queries queries or, when training times are known, --budget " +
			"simulated seconds (NAS-Bench-201: the paper's cost model — 12/200 of the 200-epoch " +
			"training time on CIFAR-10, where the paper's budget is 12000 s).\n\n" +
			"The reward a search sees: with --reward paper (the default) it is what arch2vec's " +
			"experiments use — on NAS-Bench-201 CIFAR-10 the 12-epoch validation accuracy, elsewhere " +
			"the loaded validation accuracy; --reward loaded always uses the loaded (NAS-Bench-201: " +
			"200-epoch) validation accuracy. The table reports the incumbents' loaded validation and " +
			"test accuracies; where test accuracies are unknown (the NAS-Bench-101 subset) the " +
			"validation accuracy is reported in their place.\n\n" +
			"Draws the regret (best reward − incumbent's reward, in percent) against the " +
			"number of queries, mean ± std over the runs, for every method searched on these cells with " +
			"the same reward, and returns a table of the final incumbents (also as application/json).",
		Example: "%search random --runs 10 --queries 100\n%search rl --runs 5",
		Args:    []magic.Arg{{Name: "method", Kind: magic.Enum, Values: searchMethods, Help: "search method"}},
		Flags: []magic.Flag{
			{Name: "runs", Kind: magic.Int, Default: "10", Help: "independent runs"},
			{Name: "queries", Kind: magic.Int, Default: "100", Help: "queries per run"},
			{Name: "budget", Kind: magic.Float, Default: "0", Help: "simulated seconds per run (0: no limit)"},
			{Name: "seed", Kind: magic.Int, Default: "1", Help: "seed of the first run"},
			{Name: "reward", Kind: magic.Enum, Values: searchRewards, Default: "paper",
				Help: "what the search maximises: the paper's reward, or the loaded validation accuracy"},
		},
		Run: w.runSearch,
	}
}

// searchRewards are the values of %search --reward.
var searchRewards = []string{"paper", "loaded"}

// methodRun is the outcome of one %search.
type methodRun struct {
	reward  string // what the search maximised (see searchReward)
	traces  []*search.Trace
	curve   search.Curve
	summary search.Summary
}

// maxRuns bounds --runs: the traces of every run stay in memory.
const maxRuns = 10000

// runSearch runs %search.
func (w *Workspace) runSearch(ctx context.Context, call *magic.Call) error {
	st := w.snapshot()
	cs, err := st.needCells("search")
	if err != nil {
		return err
	}
	name := call.String("method")
	runs, queries, budget := call.Int("runs"), call.Int("queries"), call.Float("budget")
	switch {
	case runs < 1 || runs > maxRuns:
		return call.Usagef("runs", "--runs must be between 1 and %d", maxRuns)
	case queries < 1:
		return call.Usagef("queries", "--queries must be ≥ 1")
	case budget < 0:
		return call.Usagef("budget", "--budget must be ≥ 0")
	case call.Int("seed") < 0:
		return call.Usagef("seed", "--seed must be ≥ 0")
	}
	table, err := searchTable(cs, st.emb, name != "random", budget > 0)
	if err != nil {
		return err
	}
	reward, rewardName, err := searchReward(cs, call.String("reward"))
	if err != nil {
		return err
	}
	table.Valid = reward
	method := searchMethod(name, cs.space, search.Budget{Seconds: budget, Queries: queries})
	seeds := make([]uint64, runs)
	for i := range seeds {
		seeds[i] = uint64(call.Int("seed") + i)
	}
	// A run queries each cell at most once, so it ends after at most
	// cs.len() queries whatever --queries says.
	p := call.Progress(display.ProgressConfig{Delay: progressDelay, Label: "search " + name, Unit: "query",
		Total: int64(runs) * int64(min(queries, cs.len()))})
	_ = p.Start()
	done := make([]int, runs)
	sum := 0 // the sum of done, kept as calls come (they are serialised)
	traces, err := search.RunMany(ctx, method, table, seeds, 2, func(run, query int, best float64) {
		sum += query - done[run]
		done[run] = query
		_ = p.SetStatus(fmt.Sprintf("best validation %.2f%%", 100*best))
		_ = p.Set(int64(sum))
	})
	if err != nil {
		_ = p.Finish("stopped")
		if ctx.Err() != nil {
			return interrupted("search", err, "")
		}
		return fmt.Errorf("search: %w", err)
	}
	_ = p.Finish("done")
	mr := methodRun{reward: rewardName, traces: traces, curve: search.AggregateByQuery(traces, search.RegretValid),
		summary: search.Summarize(traces, cs.valid, table.Test)}
	// Keep the earlier methods' results when they searched the same cells
	// for the same reward.
	all := map[string]methodRun{}
	if st.search != nil && st.search.cells == cs {
		for k, r := range st.search.runs {
			if r.reward == rewardName {
				all[k] = r
			}
		}
	}
	all[name] = mr
	fig, err := regretFigure(cs, all)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	b, err := searchTableBundle(all)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	w.commit(func(w *Workspace) { w.search = &searchResult{cells: cs, runs: all} })
	if err := call.Display(fig); err != nil {
		return err
	}
	call.Result(b)
	return nil
}

// searchTable builds the search space from the loaded cells, checking that
// what the search needs is known.
func searchTable(cs *cellSet, emb *embedding, needEmb, needTime bool) (*search.Table, error) {
	t := &search.Table{Valid: cs.valid, Test: cs.test, Time: cs.time}
	if missing := countNaN(cs.valid); missing > 0 {
		return nil, fmt.Errorf("search: %d of the %d loaded cells have no validation accuracy: load cells with "+
			"accuracies (%%load_cells nasbench201, or --from a data.json file) or a --limit subset of them", missing, cs.len())
	}
	if countNaN(cs.test) > 0 {
		t.Test = slices.Clone(cs.valid) // report validation where no test accuracy is known
	}
	if countNaN(cs.time) > 0 {
		if needTime {
			return nil, fmt.Errorf("search: the loaded cells' training times are unknown: use --queries, not --budget")
		}
		t.Time = make([]float64, cs.len())
	}
	if needEmb {
		if emb == nil || emb.cells != cs {
			return nil, fmt.Errorf("search: no embeddings of the loaded cells: run %%embed first")
		}
		t.Emb, t.Dim = emb.z, emb.dim
	} else {
		t.Dim = 1
		t.Emb = make([]float32, cs.len())
	}
	return t, nil
}

// searchReward returns the reward of every loaded cell for --reward kind,
// and its name: arch2vec's NAS-Bench-201 CIFAR-10 searches see the
// 12-epoch validation accuracy (the closest the benchmark has to their
// reward), every other search the loaded validation accuracy.
func searchReward(cs *cellSet, kind string) ([]float64, string, error) {
	if kind != "paper" || cs.space != bench.Space201 || cs.dataset != bench.CIFAR10.String() {
		return cs.valid, "validation accuracy", nil
	}
	t, err := bench.NB201()
	if err != nil {
		return nil, "", fmt.Errorf("search: embedded NAS-Bench-201 table: %w", err)
	}
	r := make([]float64, cs.len())
	for i, id := range cs.id {
		if id < 0 || id >= t.Len() {
			return nil, "", fmt.Errorf("search: cell %d has NAS-Bench-201 index %d, not in the table", i, id)
		}
		r[i] = t.Rows[id].Valid12[bench.CIFAR10] / 100
	}
	return r, "12-epoch validation accuracy", nil
}

// searchMethod returns the method name with arch2vec's settings for space.
func searchMethod(name string, space bench.Space, b search.Budget) search.Method {
	nb201 := space == bench.Space201
	switch name {
	case "rl":
		m := search.Reinforce{Budget: b}
		if nb201 {
			m.Baseline = 0.4
		}
		return m
	case "bo":
		m := search.BO{Budget: b}
		if nb201 {
			m.TopK, m.Target = 1, 1.0
		}
		return m
	}
	return search.Random{Budget: b}
}

// countNaN counts the NaN values of xs.
func countNaN(xs []float64) int {
	n := 0
	for _, x := range xs {
		if math.IsNaN(x) {
			n++
		}
	}
	return n
}

// regretFigure draws the validation regret of every method, in percent.
func regretFigure(cs *cellSet, all map[string]methodRun) (wireBundle, error) {
	var bands []plot.Band
	reward := "validation accuracy"
	for _, name := range slices.Sorted(maps.Keys(all)) {
		c := all[name].curve
		reward = all[name].reward
		b := plot.Band{Label: name}
		for i := range c.Mean {
			b.X = append(b.X, float64(i+1))
			b.Mean = append(b.Mean, 100*c.Mean[i])
			b.Std = append(b.Std, 100*c.Std[i])
		}
		bands = append(bands, b)
	}
	f, err := plot.Regret(bands, plot.BandOptions{
		Title:  fmt.Sprintf("search on %d %s cells", cs.len(), cs.space),
		XLabel: "queries", YLabel: "regret of the " + reward + " (%)",
	})
	if err != nil {
		return wireBundle{}, err
	}
	return figureBundle(f, fmt.Sprintf("<validation regret of %s>", strings.Join(slices.Sorted(maps.Keys(all)), ", ")))
}

// searchTableBundle tabulates the final incumbents of every method.
func searchTableBundle(all map[string]methodRun) (wireBundle, error) {
	var rows [][]string
	js := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(all)) {
		s := all[name].summary
		c := all[name].curve
		final := math.NaN()
		if len(c.Mean) > 0 {
			final = c.Mean[len(c.Mean)-1]
		}
		rows = append(rows, []string{name, strconv.Itoa(s.N), pct(s.ValidMean), pct(s.ValidSD),
			pct(s.TestMean), pct(s.TestSD), pct(final)})
		js[name] = map[string]any{"runs": s.N, "reward": all[name].reward, "valid_mean": num(s.ValidMean), "valid_std": num(s.ValidSD),
			"test_mean": num(s.TestMean), "test_std": num(s.TestSD), "final_regret": num(final),
			"regret_mean": nums(c.Mean), "regret_std": nums(c.Std)}
	}
	return withJSON(display.Table([]string{"method", "runs", "valid %", "± sd", "test %", "± sd", "regret %"}, rows), js)
}
