package experiment

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// nb101Grid are the budgets (simulated seconds) the NB101 subset table
// reports: one run per seed at the largest, read off at each.
var nb101Grid = []float64{1e5, 5e5, 1e6}

// TestPaperNB101 runs arch2vec-BO, arch2vec-RL and random search on the
// 20,001-cell NAS-Bench-101 subset with embeddings from a model pretrained
// on the whole space (423,624 cells, reference config: 8 epochs, seed 1).
// Opt-in:
//
//	ARCH2VEC_EXPERIMENTS=1 go test -run TestPaperNB101 -v -timeout 60m ./arch2vec/experiment/
//
// ARCH2VEC_RUNS101 (default 50) is the number of runs per method,
// ARCH2VEC_EMB101 a file caching the embeddings, ARCH2VEC_METHODS and
// ARCH2VEC_QUIRKS as for TestPaperNB201. Only validation accuracy is
// reported: the subset has no test accuracies.
func TestPaperNB101(t *testing.T) {
	if os.Getenv("ARCH2VEC_EXPERIMENTS") == "" {
		t.Skip("set ARCH2VEC_EXPERIMENTS=1 to run the NAS-Bench-101 subset experiment")
	}
	ctx := context.Background()
	start := time.Now()
	cells, hashes, err := cell.Enumerate101Hashed(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("enumerated %d cells in %s", len(cells), time.Since(start).Round(time.Millisecond))
	emb, ok := readEmb(t, os.Getenv("ARCH2VEC_EMB101"), len(cells))
	if !ok {
		data, err := model.NewDataset101(cells)
		if err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		var res *model.Result
		emb, res, err = PretrainEmbed(ctx, model.Config{}, data, model.Hooks{OnEpoch: logEpoch(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("pretrained and embedded %d cells (%s) in %s", data.Len, res.Config, time.Since(start).Round(time.Millisecond))
		writeEmb(t, os.Getenv("ARCH2VEC_EMB101"), emb)
	}
	sub, err := bench.NB101Subset()
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := NB101Table(sub, hashes, emb)
	if err != nil {
		t.Fatal(err)
	}
	meanTime := 0.0
	for _, v := range st.Time {
		meanTime += v
	}
	meanTime /= float64(st.Len())
	reference := os.Getenv("ARCH2VEC_QUIRKS") != "0"
	b := search.Budget{Seconds: nb101Grid[len(nb101Grid)-1]}
	bo := search.BO{Budget: b}
	rl := search.Reinforce{Budget: b}
	if reference {
		bo.ReferenceQuirks = search.BOQuirksReference
		rl.ReferenceQuirks = search.RLQuirksNB101
	}
	want := wantMethods()
	var methods []search.Method
	for _, m := range []search.Method{bo, rl, search.Random{Budget: b}} {
		if want[m.Name()] {
			methods = append(methods, m)
		}
	}
	outs, err := Compare(ctx, methods, st, Seeds(envInt(t, "ARCH2VEC_RUNS101", 50)), 2, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "NAS-Bench-101 subset: %d cells, best validation %.2f %%, mean cost %.0f s; reference quirks %v\n",
		st.Len(), 100*maxOf(st.Valid), meanTime, reference)
	fmt.Fprintf(&sb, "  final validation accuracy %% (mean ± std) and validation regret at each budget:\n  %-8s %5s %8s", "method", "runs", "queries")
	for _, g := range nb101Grid {
		fmt.Fprintf(&sb, " %26s", fmt.Sprintf("%.0e s", g))
	}
	sb.WriteString("\n")
	for _, o := range outs {
		acc := search.Aggregate(o.Traces, nb101Grid, search.BestValid)
		reg := search.Aggregate(o.Traces, nb101Grid, search.RegretValid)
		fmt.Fprintf(&sb, "  %-8s %5d %8.1f", o.Method, o.Summary.N, o.MeanQueries)
		for i := range nb101Grid {
			fmt.Fprintf(&sb, " %26s", fmt.Sprintf("%.2f ± %.2f (%.4f)", 100*acc.Mean[i], 100*acc.Std[i], reg.Mean[i]))
		}
		fmt.Fprintf(&sb, "  [%s]\n", o.Wall.Round(time.Second))
	}
	writeWelch(&sb, outs, "validation", func(o Outcome) []float64 { return search.Finals(o.Traces, search.BestValid) })
	t.Log("\n" + sb.String())
}

func logEpoch(t *testing.T) func(model.EpochStats) error {
	return func(e model.EpochStats) error {
		t.Logf("pretrain epoch %d (train mode %v): loss %.5f acc_ops %.4f acc_adj %.4f validity %.4f uniqueness %.4f; %.1f s, %.0f cells/s",
			e.Epoch, e.TrainMode, e.Loss, e.HeldOut.AccOps, e.HeldOut.AccAdj, e.Validity.Validity, e.Validity.Uniqueness, e.Seconds, e.CellsPerSec)
		return nil
	}
}
