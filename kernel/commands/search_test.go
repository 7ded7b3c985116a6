package commands

import (
	"math"
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
