package commands

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/experiment"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/search"
	"github.com/arch2vec/arch2vec/arch2vec/supervised"
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
			"Each run stops after --queries queries or, when training times are known, after --budget " +
			"simulated seconds (NAS-Bench-201: the paper's cost model — 12/200 of the 200-epoch " +
			"training time on CIFAR-10, where the paper's budget is 12000 s; NAS-Bench-101: the " +
			"recorded training time); with --budget, --queries limits the runs only if given.\n\n" +
			"The reward a search sees: with --reward paper (the default) it is what arch2vec's " +
			"experiments use — on NAS-Bench-201 CIFAR-10 the 12-epoch validation accuracy, elsewhere " +
			"the loaded validation accuracy; --reward loaded always uses the loaded (NAS-Bench-201: " +
			"200-epoch) validation accuracy. The table reports the incumbents' loaded validation and " +
			"test accuracies; where test accuracies are unknown (the NAS-Bench-101 subset) the " +
			"validation accuracy is reported in their place.\n\n" +
			"--encoder supervised runs the paper's supervised baselines instead (sup-rl, sup-bo): the " +
			"same GIN, not pretrained, trained end-to-end from the queried accuracies — by DNGO's " +
			"regression at every BO iteration, by the policy gradient in REINFORCE — so no %embed is " +
			"needed. A supervised BO run costs far more (about 30 CPU-seconds on NAS-Bench-201 at the " +
			"paper's budget: a GIN is trained at every iteration).\n\n" +
			"--dataset searches NAS-Bench-201 cells with another dataset's accuracies and costs, keeping " +
			"the embeddings (the cells are the same).\n\n" +
			"Draws the regret (best reward − incumbent's reward, in percent), mean ± std over the runs, " +
			"against simulated time on a log axis when --budget is given (against the number of queries " +
			"otherwise), for every method searched on these cells with the same reward, dataset and axis; random search " +
			"runs beside rl and bo with the same seeds unless it already has. Then draws the best cell " +
			"found and returns a table of the final incumbents (also as application/json).",
		Example: "%search random --runs 10 --queries 100\n%search bo --runs 5 --budget 12000\n%search rl --runs 20 --budget 500000 --dataset cifar100",
		Args:    []magic.Arg{{Name: "method", Kind: magic.Enum, Values: searchMethods, Help: "search method"}},
		Flags: []magic.Flag{
			{Name: "runs", Kind: magic.Int, Default: "10", Help: "independent runs"},
			{Name: "queries", Kind: magic.Int, Default: "100", Help: "queries per run"},
			{Name: "budget", Kind: magic.Float, Default: "0", Help: "simulated seconds per run (0: no limit)"},
			{Name: "seed", Kind: magic.Int, Default: "1", Help: "seed of the first run"},
			{Name: "encoder", Kind: magic.Enum, Values: []string{"arch2vec", "supervised"}, Default: "arch2vec",
				Help: "rl and bo: search the pretrained embeddings, or train the GIN end-to-end (the paper's baseline)"},
			{Name: "dataset", Kind: magic.Enum, Values: datasetNames, Help: "NB201 dataset of the accuracies (default: the loaded one)"},
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
	reward   string // what the search maximised (see searchReward)
	setting  string // searchSetting.String() of the run
	timeAxis bool   // the curve is over simulated time, not queries
	traces   []*search.Trace
	curve    search.Curve
	summary  search.Summary
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
	sup := call.String("encoder") == "supervised"
	if sup && name == "random" {
		return call.Usagef("encoder", "--encoder chooses the encoder of rl and bo; random search has none")
	}
	acc, err := searchAccuracies(call, cs)
	if err != nil {
		return err
	}
	table, err := searchTable(acc, st.emb, name != "random" && !sup, budget > 0)
	if err != nil {
		return err
	}
	var data *model.Dataset // the cells the supervised GIN reads
	if sup {
		if data, err = cs.encoded(); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		// The supervised encoder supplies its own 16-d encodings (the
		// reference width, supervised.Config's default).
		const lat = 16
		table.Dim, table.Emb = lat, make([]float32, lat*cs.len())
	}
	reward, rewardName, err := searchReward(acc, call.String("reward"))
	if err != nil {
		return err
	}
	table.Valid = reward
	if budget > 0 && !call.IsSet("queries") {
		queries = 0 // a time budget alone: no query limit
	}
	runs = w.capped(call, "runs", runs, 0, func(q *Quick) int { return q.Runs })
	queries = w.capped(call, "queries per run", queries, -1, func(q *Quick) int { return q.Queries })
	set := searchSetting{Reward: rewardName, Dataset: acc.dataset, Budget: budget, Queries: queries}
	// Keep the earlier methods' results when they searched the same cells
	// in a comparable setting; random search runs beside every other
	// method unless such a result is there.
	all := map[string]methodRun{}
	if st.search != nil && st.search.cells == cs {
		for k, r := range st.search.runs {
			if r.setting == set.String() {
				all[k] = r
			}
		}
	}
	b := search.Budget{Seconds: set.Budget, Queries: set.Queries}
	method := searchMethod(name, cs.space, b, data)
	todo := []search.Method{method}
	if _, ok := all["random"]; !ok && name != "random" {
		todo = append(todo, searchMethod("random", cs.space, b, nil))
	}
	seeds := make([]uint64, runs)
	for i := range seeds {
		seeds[i] = uint64(call.Int("seed") + i)
	}
	for _, m := range todo {
		mr, err := runMethod(ctx, call, m, acc, table, set, seeds)
		if err != nil {
			return err
		}
		all[m.Name()] = mr
	}
	key := method.Name()
	fig, err := regretFigure(acc, set, all)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	tab, err := searchTableBundle(set, all)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	w.commit(func(w *Workspace) { w.search = &searchResult{cells: cs, runs: all} })
	if err := call.Display(fig); err != nil {
		return err
	}
	if best, ok := bestIncumbent(all[key].traces, table); ok {
		if err := call.Display(bestCellBundle(acc, key, best)); err != nil {
			return err
		}
	}
	call.Result(tab)
	return nil
}

// runMethod runs one search method over seeds with a progress bar.
func runMethod(ctx context.Context, call *magic.Call, method search.Method, acc *searchAcc, table *search.Table,
	set searchSetting, seeds []uint64) (methodRun, error) {
	name := method.Name()
	runs := len(seeds)
	// A run queries each cell at most once, so it ends after at most
	// len(cells) queries whatever --queries says. Under a time budget the
	// number of queries is not known beforehand: the bar counts them
	// without a total.
	perRun := min(set.Queries, acc.cells.len())
	if set.Budget > 0 {
		perRun = 0
	}
	p := call.Progress(display.ProgressConfig{Delay: progressDelay, Label: "search " + name, Unit: "query",
		Total: int64(runs) * int64(perRun)})
	_ = p.Start()
	done := make([]int, runs)
	sum := 0 // the sum of done, kept as calls come (they are serialised)
	traces, err := search.RunMany(ctx, method, table, seeds, 2, func(run, query int, best float64) {
		sum += query - done[run]
		done[run] = query
		_ = p.SetStatus(fmt.Sprintf("best reward %.2f%%", 100*best))
		_ = p.Set(int64(sum))
	})
	if err != nil {
		_ = p.Finish("stopped")
		if ctx.Err() != nil {
			return methodRun{}, interrupted("search", err, "")
		}
		return methodRun{}, fmt.Errorf("search %s: %w", name, err)
	}
	_ = p.Finish("done")
	mr := methodRun{reward: set.Reward, setting: set.String(), timeAxis: set.Budget > 0, traces: traces,
		summary: search.Summarize(traces, acc.valid, table.Test)}
	if mr.timeAxis {
		mr.curve = search.Aggregate(traces, timeGrid(traces), search.RegretValid)
	} else {
		mr.curve = search.AggregateByQuery(traces, search.RegretValid)
	}
	return mr, nil
}

// timeGrid is the log-spaced time grid of regret curves under a budget:
// from the earliest first query of the runs to their latest last one.
func timeGrid(traces []*search.Trace) []float64 {
	lo, hi := math.Inf(1), 0.0
	for _, tr := range traces {
		if len(tr.Queries) > 0 {
			lo = min(lo, tr.Queries[0].Time)
			hi = max(hi, tr.Queries[len(tr.Queries)-1].Time)
		}
	}
	if math.IsInf(lo, 1) || lo <= 0 {
		lo = min(hi, 1)
	}
	if !(hi > lo) {
		hi = 1.01 * max(lo, 1e-9)
	}
	return search.LogGrid(max(lo, 1e-9), hi, 80)
}

// searchSetting is what makes two %search results comparable.
type searchSetting struct {
	Reward, Dataset string
	Budget          float64
	Queries         int
}

// String encodes what must agree for two results to share a figure: the
// reward, the dataset and the x axis (simulated time under a budget,
// queries otherwise). Budgets and query counts may differ.
func (s searchSetting) String() string {
	axis := "queries"
	if s.Budget > 0 {
		axis = "time"
	}
	return fmt.Sprintf("reward=%s dataset=%s axis=%s", s.Reward, s.Dataset, axis)
}

// searchAcc is the loaded cells with the accuracies and costs a search
// uses: the loaded ones or, for NAS-Bench-201, those of another --dataset.
type searchAcc struct {
	cells             *cellSet
	dataset           string
	valid, test, time []float64
	rows              []*bench.Row201 // NAS-Bench-201: each cell's benchmark row
}

// searchAccuracies returns the accuracies of the loaded cells for
// %search's --dataset.
func searchAccuracies(call *magic.Call, cs *cellSet) (*searchAcc, error) {
	a := &searchAcc{cells: cs, dataset: cs.dataset, valid: cs.valid, test: cs.test, time: cs.time}
	if cs.space == bench.Space201 {
		rows, err := nb201Rows(cs)
		if err != nil {
			return nil, err
		}
		a.rows = rows
	}
	if !call.IsSet("dataset") || call.String("dataset") == cs.dataset {
		return a, nil
	}
	if cs.space != bench.Space201 {
		return nil, call.Usagef("dataset", "--dataset chooses among the NAS-Bench-201 datasets, but %s cells are loaded", cs.space)
	}
	ds, err := bench.ParseDataset(call.String("dataset"))
	if err != nil {
		return nil, call.Usagef("dataset", "%v", err)
	}
	n := cs.len()
	a.dataset = ds.String()
	a.valid, a.test, a.time = make([]float64, n), make([]float64, n), make([]float64, n)
	for i, r := range a.rows {
		a.valid[i], a.test[i], a.time[i] = r.Valid200[ds]/100, r.Test200[ds]/100, experiment.NB201Time(r, ds)
	}
	return a, nil
}

// nb201Rows finds every loaded NAS-Bench-201 cell's row in the embedded
// table, by architecture (cells read --from a file carry their own ids).
func nb201Rows(cs *cellSet) ([]*bench.Row201, error) {
	t, err := bench.NB201()
	if err != nil {
		return nil, fmt.Errorf("search: embedded NAS-Bench-201 table: %w", err)
	}
	at := make(map[cell.NB201]int, t.Len())
	for i := range t.Rows {
		at[t.Rows[i].Cell] = i
	}
	rows := make([]*bench.Row201, cs.len())
	for i, c := range cs.c201 {
		j, ok := at[c]
		if !ok {
			return nil, fmt.Errorf("search: cell %d (%s) is not in the NAS-Bench-201 table", i, c)
		}
		rows[i] = &t.Rows[j]
	}
	return rows, nil
}

// searchTable builds the search space from the loaded cells, checking that
// what the search needs is known.
func searchTable(a *searchAcc, emb *embedding, needEmb, needTime bool) (*search.Table, error) {
	cs := a.cells
	t := &search.Table{Valid: a.valid, Test: a.test, Time: a.time}
	if missing := countNaN(a.valid); missing > 0 {
		return nil, fmt.Errorf("search: %d of the %d loaded cells have no validation accuracy: load cells with "+
			"accuracies (%%load_cells nasbench201, or nasbench101 --known, or --from a data.json file)", missing, cs.len())
	}
	if countNaN(a.test) > 0 {
		t.Test = slices.Clone(a.valid) // report validation where no test accuracy is known
	}
	if countNaN(a.time) > 0 {
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

// searchReward returns the reward of every cell for --reward kind, and its
// name: arch2vec's NAS-Bench-201 CIFAR-10 searches see the 12-epoch
// validation accuracy (the closest the benchmark has to their reward),
// every other search the validation accuracy of a.
func searchReward(a *searchAcc, kind string) ([]float64, string, error) {
	if kind != "paper" || a.rows == nil || a.dataset != bench.CIFAR10.String() {
		return a.valid, "validation accuracy", nil
	}
	r := make([]float64, len(a.rows))
	for i, row := range a.rows {
		r[i] = row.Valid12[bench.CIFAR10] / 100
	}
	return r, "12-epoch validation accuracy", nil
}

// searchMethod returns the method name with arch2vec's settings for space.
// With cells (not nil) rl and bo are the supervised baselines, named
// "sup-rl" and "sup-bo": the GIN reading cells is trained end-to-end by
// the search instead of the pretrained embeddings being searched.
func searchMethod(name string, space bench.Space, b search.Budget, cells *model.Dataset) search.Method {
	nb201 := space == bench.Space201
	sup := supervised.Config{}
	switch name {
	case "rl":
		m := search.Reinforce{Budget: b}
		if nb201 {
			m.Baseline = 0.4
		}
		if cells != nil {
			m.NewEncoder = sup.Encoder(cells)
			return experiment.Named("sup-rl", m)
		}
		return m
	case "bo":
		m := search.BO{Budget: b}
		if nb201 {
			m.TopK, m.Target = 1, 1.0
		}
		if cells != nil {
			m.NewSurrogate = sup.Surrogate(cells)
			return experiment.Named("sup-bo", m)
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
