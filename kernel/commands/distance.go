package commands

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/arch2vec/arch2vec/arch2vec/analysis"
	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/plot"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/magic"
)

// distanceCommand returns %distance.
func (w *Workspace) distanceCommand() *magic.Command {
	return &magic.Command{
		Name:    "distance",
		Summary: "Compare embedding distances with graph edit distances of cell pairs",
		Doc: "Draws --pairs random pairs of distinct loaded cells (with --seed) and compares the L2 " +
			"distance of their embeddings with their exact graph edit distance, as in arch2vec's " +
			"Figure 3: a good embedding places cells that differ by few edits close together. Draws " +
			"the mean ± std of the L2 distance at each edit distance and returns the table (also as " +
			"application/json) with the Pearson correlation. Needs %embed first.",
		Example: "%distance --pairs 5000",
		Flags: []magic.Flag{
			{Name: "pairs", Kind: magic.Int, Default: "2000", Help: "random cell pairs"},
			{Name: "seed", Kind: magic.Int, Default: "1", Help: "seed of the pair draw"},
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
	if st.emb == nil || st.emb.cells != cs {
		return fmt.Errorf("distance: no embeddings of the loaded cells: run %%embed first")
	}
	if cs.len() < 2 {
		return fmt.Errorf("distance: %d cell loaded: need at least 2", cs.len())
	}
	rng := rand.New(rand.NewPCG(uint64(call.Int("seed")), 0xd157))
	edits, dists := make([]int, pairs), make([]float64, pairs)
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
		edits[k], dists[k] = cs.editDistance(i, j), st.emb.l2(i, j)
	}
	_ = p.Set(int64(pairs))
	_ = p.Finish(fmt.Sprintf("%d pairs", pairs))
	groups, corr, err := analysis.GroupBy(edits, dists)
	if err != nil {
		return fmt.Errorf("distance: %w", err)
	}
	band := plot.Band{Label: "L2 distance"}
	var rows [][]string
	var js []map[string]any
	for _, g := range groups {
		band.X = append(band.X, float64(g.Key))
		band.Mean = append(band.Mean, g.Mean)
		band.Std = append(band.Std, g.Std)
		rows = append(rows, []string{strconv.Itoa(g.Key), strconv.Itoa(g.N), fmt.Sprintf("%.4f", g.Mean), fmt.Sprintf("%.4f", g.Std)})
		js = append(js, map[string]any{"edit_distance": g.Key, "pairs": g.N, "mean": g.Mean, "std": g.Std})
	}
	f, err := plot.Bands([]plot.Band{band}, plot.BandOptions{
		Title:  fmt.Sprintf("embedding distance vs edit distance (%d %s pairs)", pairs, cs.space),
		XLabel: "graph edit distance", YLabel: "L2 distance of embeddings",
	})
	if err != nil {
		return fmt.Errorf("distance: %w", err)
	}
	fig, err := figureBundle(f, fmt.Sprintf("<L2 distance against edit distance, %d pairs>", pairs))
	if err != nil {
		return fmt.Errorf("distance: %w", err)
	}
	table := tablesBundle(titledTable{
		title:  fmt.Sprintf("Pearson correlation %s", formatCorr(corr)),
		header: []string{"edit distance", "pairs", "mean L2", "std L2"}, rows: rows,
	})
	b, err := withJSON(table, map[string]any{"pairs": pairs, "pearson": num(corr), "groups": js})
	if err != nil {
		return fmt.Errorf("distance: %w", err)
	}
	if err := call.Display(fig); err != nil {
		return err
	}
	call.Result(b)
	return nil
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

// l2 returns the Euclidean distance between the embeddings of cells i, j.
func (e *embedding) l2(i, j int) float64 {
	a, b := e.z[i*e.dim:(i+1)*e.dim], e.z[j*e.dim:(j+1)*e.dim]
	s := 0.0
	for k := range a {
		d := float64(a[k] - b[k])
		s += d * d
	}
	return math.Sqrt(s)
}
