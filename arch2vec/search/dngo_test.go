package search

import (
	"context"
	"math"
	"slices"
	"testing"
)

// TestDNGOFit: a DNGO surrogate fitted on 40 cells of a smooth table
// interpolates them, is less certain elsewhere, and ranks unseen cells
// better than chance.
func TestDNGOFit(t *testing.T) {
	tab := synthTable(600, 3, 8, 1, 1)
	sur := DNGOModel{}.New(tab)
	rng := newRand(1, 2)
	var cells []int
	var y []float64
	for c := 0; c < 600; c += 15 {
		cells, y = append(cells, c), append(y, tab.Valid[c])
	}
	if err := sur.Fit(context.Background(), cells, y, rng); err != nil {
		t.Fatal(err)
	}
	mean, variance := make([]float64, 600), make([]float64, 600)
	if err := sur.Predict(context.Background(), mean, variance); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	var rmse, vSeen, vAll float64
	for _, c := range cells {
		seen[c] = true
		rmse += (mean[c] - tab.Valid[c]) * (mean[c] - tab.Valid[c]) / float64(len(cells))
		vSeen += variance[c] / float64(len(cells))
	}
	for _, v := range variance {
		vAll += v / 600
	}
	rmse = math.Sqrt(rmse)
	// Unseen cells predicted above the median are better on average than
	// those below.
	var hi, lo, nh, nl float64
	med := median(mean)
	for c := range mean {
		if seen[c] {
			continue
		}
		if mean[c] > med {
			hi, nh = hi+tab.Valid[c], nh+1
		} else {
			lo, nl = lo+tab.Valid[c], nl+1
		}
	}
	t.Logf("train RMSE %.4f, mean variance seen %.3g vs all %.3g, unseen accuracy above/below median prediction %.4f/%.4f", rmse, vSeen, vAll, hi/nh, lo/nl)
	if rmse > 0.02 {
		t.Errorf("train RMSE %.4f, want ≤ 0.02", rmse)
	}
	if !(vSeen < vAll) {
		t.Errorf("variance at training cells %.3g not below the table mean %.3g", vSeen, vAll)
	}
	if !(hi/nh > lo/nl+0.01) {
		t.Errorf("predictions do not rank unseen cells: %.4f vs %.4f", hi/nh, lo/nl)
	}
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return s[len(s)/2]
}
