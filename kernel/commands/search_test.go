package commands

import (
	"math"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
)

// TestSearchReward checks that %search on NAS-Bench-201 CIFAR-10 maximises
// the paper's 12-epoch validation accuracy by default and the loaded
// 200-epoch one with --reward loaded, while the table always reports the
// loaded accuracies of the incumbents; and that other datasets use the
// loaded accuracy either way.
func TestSearchReward(t *testing.T) {
	tab, err := bench.NB201()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		load, flags, reward string
		col                 func(r *bench.Row201) float64
	}{
		{"--limit 200", "", "12-epoch validation accuracy", func(r *bench.Row201) float64 { return r.Valid12[bench.CIFAR10] }},
		{"--limit 200", "--reward loaded", "validation accuracy", func(r *bench.Row201) float64 { return r.Valid200[bench.CIFAR10] }},
		{"--limit 200 --dataset cifar100", "", "validation accuracy", func(r *bench.Row201) float64 { return r.Valid200[bench.CIFAR100] }},
	}
	for _, tc := range tests {
		t.Run(tc.load+" "+tc.flags, func(t *testing.T) {
			s := newSession(t)
			s.run("%load_cells nasbench201 " + tc.load)
			v, _ := s.run("%search random --runs 1 --queries 200 " + tc.flags)
			j := jsonOf(t, v)["random"].(map[string]any)
			if j["reward"] != tc.reward {
				t.Errorf("reward = %v, want %q", j["reward"], tc.reward)
			}
			// 200 queries over 200 cells visit all of them: the incumbent
			// is the cell with the best reward, reported with its loaded
			// validation accuracy.
			cs := s.ws.snapshot().cells
			best, bestR := -1, math.Inf(-1)
			for i, id := range cs.id {
				if r := tc.col(&tab.Rows[id]); r > bestR {
					best, bestR = i, r
				}
			}
			if got, want := j["valid_mean"].(float64), cs.valid[best]; math.Abs(got-want) > 1e-12 {
				t.Errorf("incumbent's validation = %v, want %v (cell %d)", got, want, best)
			}
			if got := j["final_regret"].(float64); got != 0 {
				t.Errorf("final regret = %v after querying every cell, want 0", got)
			}
		})
	}
	s := newSession(t)
	s.run("%load_cells nasbench201 --limit 20")
	s.fail("%search random --reward best", "--reward")
}

// TestSearchDatasetAndTime checks --dataset (another NAS-Bench-201
// dataset's accuracies and costs for the same cells), the time axis under
// --budget, random search run beside another method, and the drawing of
// the best cell.
func TestSearchDatasetAndTime(t *testing.T) {
	tab, err := bench.NB201()
	if err != nil {
		t.Fatal(err)
	}
	s := newSession(t)
	s.run("%load_cells nasbench201 --limit 300")
	v, rec := s.run("%search random --runs 3 --budget 400000 --dataset cifar100")
	j := jsonOf(t, v)["random"].(map[string]any)
	if j["dataset"] != "cifar100" || j["reward"] != "validation accuracy" {
		t.Errorf("dataset %v, reward %v: want cifar100's validation accuracy", j["dataset"], j["reward"])
	}
	ts := j["regret_time"].([]any)
	if len(ts) < 2 || ts[len(ts)-1].(float64) < 400000 || ts[0].(float64) >= ts[1].(float64) {
		t.Errorf("regret_time = %v, want an increasing grid reaching the budget", ts)
	}
	// Each run's reported incumbent is judged on CIFAR-100.
	st := s.ws.snapshot()
	for _, tr := range st.search.runs["random"].traces {
		q, _ := tr.Final()
		id := st.cells.id[q.Incumbent]
		if want := tab.Rows[id].Valid200[bench.CIFAR100] / 100; q.BestValid != want {
			t.Errorf("incumbent %d: validation %v, want its CIFAR-100 accuracy %v", q.Incumbent, q.BestValid, want)
		}
		if q.Time < 400000 {
			t.Errorf("run stopped at %v s, before the budget", q.Time)
		}
	}
	best := displays(rec, "image/svg+xml")
	if len(best) < 2 || !strings.Contains(best[len(best)-1].Data["text/plain"].(string), "best cell found by random") {
		t.Errorf("want the regret figure and the best cell drawn, got %d SVG displays", len(best))
	}
	// A method on another axis replaces the figure's methods; rl needs
	// embeddings, so bo/rl are checked in TestPipeline. Here: random is
	// not run twice for the same setting.
	s.run("%search random --runs 2 --budget 200000 --dataset cifar100")
	if n := len(s.ws.snapshot().search.runs["random"].traces); n != 2 {
		t.Errorf("random has %d runs after a second %%search random, want the latest 2", n)
	}
	s.fail("%search random --dataset mnist", "--dataset")
}

// TestSearchSupervised checks --encoder supervised: the paper's baselines
// run without %embed, under their own names, beside random search.
func TestSearchSupervised(t *testing.T) {
	s := newSession(t)
	s.run("%load_cells nasbench201 --limit 300")
	v, _ := s.run("%search bo --encoder supervised --runs 1 --queries 20")
	j := jsonOf(t, v)
	for _, m := range []string{"sup-bo", "random"} {
		r, ok := j[m].(map[string]any)
		if !ok || r["runs"] != 1.0 {
			t.Errorf("%s: %v, want one run", m, j[m])
		}
	}
	v, _ = s.run("%search rl --encoder supervised --runs 2 --queries 20")
	j = jsonOf(t, v)
	if r, ok := j["sup-rl"].(map[string]any); !ok || r["runs"] != 2.0 || j["sup-bo"] == nil {
		t.Errorf("after sup-rl: %v, want sup-rl (2 runs) beside sup-bo", j)
	}
	for _, tr := range s.ws.snapshot().search.runs["sup-rl"].traces {
		if tr.Method != "sup-rl" || len(tr.Queries) != 20 {
			t.Errorf("trace %s with %d queries, want sup-rl with 20", tr.Method, len(tr.Queries))
		}
	}
	s.fail("%search random --encoder supervised", "--encoder")
	s.fail("%search bo --encoder best", "--encoder")
}
