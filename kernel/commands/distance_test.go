package commands

import (
	"math"
	"testing"
)

// TestDistanceSupervised checks %distance --encoder supervised (a GIN
// trained on accuracies, no %embed needed), the box plots and both
// correlations.
func TestDistanceSupervised(t *testing.T) {
	s := newSession(t)
	s.run("%load_cells nasbench201 --limit 400")
	s.fail("%distance", "run %embed first")
	v, rec := s.run("%distance --encoder supervised --train 100 --pairs 500")
	j := jsonOf(t, v)
	rho, _ := j["spearman"].(float64)
	if j["encoder"] != "supervised" || j["pairs"] != 500.0 || math.IsNaN(rho) || rho == 0 || j["pearson"] == nil {
		t.Errorf("distance json = %v", j)
	}
	n := 0
	for _, g := range j["groups"].([]any) {
		n += int(g.(map[string]any)["pairs"].(float64))
	}
	if n != 500 {
		t.Errorf("groups hold %d pairs, want 500", n)
	}
	if figs := displays(rec, "image/png"); len(figs) != 1 {
		t.Errorf("%d figures, want the box plots", len(figs))
	} else {
		checkFigure(t, figs[0])
	}
	s.fail("%distance --encoder supervised --train 1", "--train")
}
