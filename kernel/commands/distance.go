package commands

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/arch2vec/arch2vec/arch2vec/analysis"
	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/plot"
	"github.com/arch2vec/arch2vec/arch2vec/supervised"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/magic"

	"gonum.org/v1/gonum/stat"
)

// distanceCommand returns %distance.
func (w *Workspace) distanceCommand() *magic.Command {
	return &magic.Command{
		Name:    "distance",
		Summary: "Compare embedding distances with graph edit distances of cell pairs",
		Doc: "Draws --pairs random pairs of distinct loaded cells (with --seed) and compares the L2 " +
			"distance of their embeddings with their exact graph edit distance, as in arch2vec's " +
			"Figure 3: a good embedding places cells that differ by few edits close together. Draws " +
			"a box plot of the L2 distance at each edit distance and returns the table (also as " +
			"application/json) with the Spearman rank and Pearson correlations.\n\n" +
			"--encoder arch2vec (the default) uses the embeddings of %embed. --encoder supervised " +
			"uses the paper's supervised baseline instead: the same GIN, not pretrained, trained on " +
			"the validation accuracies of --train random loaded cells as the supervised DNGO does at " +
			"one BO iteration, then encoding every cell (the mean over nodes of its output).",
		Example: "%distance --pairs 5000\n%distance --encoder supervised --train 1000",
		Flags: []magic.Flag{
			{Name: "pairs", Kind: magic.Int, Default: "2000", Help: "random cell pairs"},
			{Name: "seed", Kind: magic.Int, Default: "1", Help: "seed of the pair draw (and of the supervised training)"},
			{Name: "encoder", Kind: magic.Enum, Values: []string{"arch2vec", "supervised"}, Default: "arch2vec",
				Help: "the pretrained embeddings, or a GIN trained on accuracies"},
			{Name: "train", Kind: magic.Int, Default: "500", Help: "--encoder supervised: cells with an accuracy to train on"},
		},
		Run: w.runDistance,
	}
}

// maxPairs bounds --pairs: each pair's distances are kept in memory.
const maxPairs = 1_000_000

// runDistance runs %distance.
func (w *Workspace) runDistance(ctx context.Context, call *magic.Call) error {
	st := w.snapshot()
	cs, err := st.needCells("distance")
	if err != nil {
		return err
	}
	pairs := call.Int("pairs")
	if pairs < 1 || pairs > maxPairs {
		return call.Usagef("pairs", "--pairs must be between 1 and %d", maxPairs)
	}
	if call.Int("seed") < 0 {
		return call.Usagef("seed", "--seed must be ≥ 0")
	}
	if cs.len() < 2 {
		return fmt.Errorf("distance: %d cell loaded: need at least 2", cs.len())
	}
	pairs = w.capped(call, "pairs", pairs, 0, func(q *Quick) int { return q.Pairs })
	var z []float32
	dim := 0
	switch call.String("encoder") {
	case "supervised":
		if z, dim, err = w.supervisedEmbeddings(ctx, call, cs); err != nil {
			return err
		}
	default:
		if st.emb == nil || st.emb.cells != cs {
			return fmt.Errorf("distance: no embeddings of the loaded cells: run %%embed first")
		}
		z, dim = st.emb.z, st.emb.dim
	}
	rng := rand.New(rand.NewPCG(uint64(call.Int("seed")), 0xd157))
	edits, dists := make([]float64, pairs), make([]float64, pairs)
	byEdit := map[int][]float64{}
	p := call.Progress(display.ProgressConfig{Delay: progressDelay, Label: "distance", Unit: "pair", Total: int64(pairs)})
	_ = p.Start()
	for k := range pairs {
		if k%256 == 0 {
			if ctx.Err() != nil {
				_ = p.Finish("stopped")
				return interrupted("distance", context.Cause(ctx), fmt.Sprintf("after %d pairs", k))
			}
			_ = p.Set(int64(k))
		}
		i := rng.IntN(cs.len())
		j := rng.IntN(cs.len() - 1)
		if j >= i {
			j++
		}
		e := cs.editDistance(i, j)
		edits[k], dists[k] = float64(e), l2(z, dim, i, j)
		byEdit[e] = append(byEdit[e], dists[k])
	}
	_ = p.Set(int64(pairs))
	_ = p.Finish(fmt.Sprintf("%d pairs", pairs))
	rho, err := analysis.Spearman(edits, dists)
	if err != nil {
		return fmt.Errorf("distance: %w", err)
	}
	pearson := stat.Correlation(edits, dists, nil)
	var boxes []plot.BoxGroup
	var rows [][]string
	var js []map[string]any
	for _, e := range slices.Sorted(maps.Keys(byEdit)) {
		v := byEdit[e]
		boxes = append(boxes, plot.BoxGroup{Key: e, Values: v})
		sorted := slices.Sorted(slices.Values(v))
		med := stat.Quantile(0.5, stat.Empirical, sorted, nil)
		mean, std := stat.PopMeanStdDev(v, nil)
		rows = append(rows, []string{strconv.Itoa(e), strconv.Itoa(len(v)), fmt.Sprintf("%.4f", med),
			fmt.Sprintf("%.4f", mean), fmt.Sprintf("%.4f", std)})
		js = append(js, map[string]any{"edit_distance": e, "pairs": len(v), "median": med, "mean": mean, "std": std})
	}
	enc := call.String("encoder")
	f, err := plot.Boxes(boxes, plot.BoxOptions{
		Title:  fmt.Sprintf("%s embedding distance vs edit distance (%d %s pairs)", enc, pairs, cs.space),
		XLabel: "graph edit distance", YLabel: "L2 distance of embeddings",
	})
	if err != nil {
		return fmt.Errorf("distance: %w", err)
	}
	fig, err := figureBundle(f, fmt.Sprintf("<box plots of the %s L2 distance per edit distance, %d pairs>", enc, pairs))
	if err != nil {
		return fmt.Errorf("distance: %w", err)
	}
	table := tablesBundle(titledTable{
		title:  fmt.Sprintf("%s: Spearman rank correlation %s, Pearson %s", enc, formatCorr(rho), formatCorr(pearson)),
		header: []string{"edit distance", "pairs", "median L2", "mean L2", "std L2"}, rows: rows,
	})
	b, err := withJSON(table, map[string]any{"encoder": enc, "pairs": pairs, "spearman": num(rho),
		"pearson": num(pearson), "groups": js})
	if err != nil {
		return fmt.Errorf("distance: %w", err)
	}
	if err := call.Display(fig); err != nil {
		return err
	}
	call.Result(b)
	return nil
}

// supervisedEmbeddings trains the supervised baseline's GIN on the
// validation accuracies of --train random loaded cells and encodes every
// loaded cell with it.
func (w *Workspace) supervisedEmbeddings(ctx context.Context, call *magic.Call, cs *cellSet) ([]float32, int, error) {
	n := call.Int("train")
	var known []int
	for i, v := range cs.valid {
		if !math.IsNaN(v) {
			known = append(known, i)
		}
	}
	switch {
	case n < 2:
		return nil, 0, call.Usagef("train", "--train must be ≥ 2")
	case len(known) < 2:
		return nil, 0, fmt.Errorf("distance: --encoder supervised trains on accuracies, but %d loaded cells have one", len(known))
	}
	n = w.capped(call, "training cells", n, 0, func(q *Quick) int { return q.Train })
	rng := rand.New(rand.NewPCG(uint64(call.Int("seed")), 0x5e9))
	rng.Shuffle(len(known), func(i, j int) { known[i], known[j] = known[j], known[i] })
	train := known[:min(n, len(known))]
	y := make([]float64, len(train))
	for k, i := range train {
		y[k] = cs.valid[i]
	}
	data, err := cs.encoded()
	if err != nil {
		return nil, 0, fmt.Errorf("distance: %w", err)
	}
	const dim = 16 // the reference width, supervised.Config's default
	z := make([]float32, cs.len()*dim)
	p := call.Progress(display.ProgressConfig{Delay: progressDelay, Unit: "epoch",
		Label: fmt.Sprintf("training the supervised GIN on %d cells", len(train))})
	_ = p.Start()
	cfg := supervised.Config{OnEpoch: func(done, total int) {
		_ = p.SetTotal(int64(total))
		_ = p.Set(int64(done))
	}}
	if err := cfg.Embed(ctx, data, train, y, rng, z); err != nil {
		_ = p.Finish("stopped")
		if ctx.Err() != nil {
			return nil, 0, interrupted("distance", err, "")
		}
		return nil, 0, fmt.Errorf("distance: %w", err)
	}
	_ = p.Finish("done")
	return z, dim, nil
}

// formatCorr formats a correlation, "undefined" for NaN.
func formatCorr(r float64) string {
	if math.IsNaN(r) {
		return "undefined"
	}
	return fmt.Sprintf("%.3f", r)
}

// editDistance returns the graph edit distance of cells i and j.
func (s *cellSet) editDistance(i, j int) int {
	if s.space == bench.Space201 {
		return cell.EditDistance201(s.c201[i], s.c201[j])
	}
	return cell.EditDistance101(s.c101[i], s.c101[j])
}

// l2 returns the Euclidean distance between rows i and j of the n×dim
// embeddings z.
func l2(z []float32, dim, i, j int) float64 {
	a, b := z[i*dim:(i+1)*dim], z[j*dim:(j+1)*dim]
	s := 0.0
	for k := range a {
		d := float64(a[k] - b[k])
		s += d * d
	}
	return math.Sqrt(s)
}
