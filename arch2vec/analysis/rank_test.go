package analysis

import (
	"math"
	"testing"
)

func TestSpearman(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		want float64
	}{
		{"monotone, not linear", []float64{1, 2, 3, 4, 5}, []float64{1, 4, 9, 16, 1000}, 1},
		{"reversed", []float64{1, 2, 3, 4}, []float64{9, 7, 5, -1}, -1},
		// scipy.stats.spearmanr([1,2,2,3,4],[2,1,3,3,5]).correlation = 0.7631578947368421
		{"ties averaged", []float64{1, 2, 2, 3, 4}, []float64{2, 1, 3, 3, 5}, 0.7631578947368421},
		{"constant", []float64{1, 1, 1}, []float64{1, 2, 3}, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Spearman(tc.x, tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if math.IsNaN(tc.want) != math.IsNaN(got) || (!math.IsNaN(got) && math.Abs(got-tc.want) > 1e-12) {
				t.Errorf("Spearman = %v, want %v", got, tc.want)
			}
		})
	}
	for _, bad := range [][2][]float64{{{1}, {1}}, {{1, 2}, {1}}, {{1, math.NaN()}, {1, 2}}} {
		if _, err := Spearman(bad[0], bad[1]); err == nil {
			t.Errorf("Spearman(%v, %v): no error", bad[0], bad[1])
		}
	}
}
