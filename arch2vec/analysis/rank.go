package analysis

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// Spearman returns the rank correlation of x and y: the Pearson
// correlation of their ranks, tied values sharing the mean of their ranks
// (scipy.stats.spearmanr's definition). It suits edit distances, which
// are small integers with many ties. It is NaN when either is constant,
// and an error when the slices differ in length, hold fewer than two
// values or a value is NaN.
func Spearman(x, y []float64) (float64, error) {
	if len(x) != len(y) || len(x) < 2 {
		return math.NaN(), fmt.Errorf("analysis: spearman: %d and %d values", len(x), len(y))
	}
	rx, err := ranks(x)
	if err != nil {
		return math.NaN(), fmt.Errorf("analysis: spearman: x: %w", err)
	}
	ry, err := ranks(y)
	if err != nil {
		return math.NaN(), fmt.Errorf("analysis: spearman: y: %w", err)
	}
	return stat.Correlation(rx, ry, nil), nil
}

// ranks returns the 1-based ranks of x, ties averaged.
func ranks(x []float64) ([]float64, error) {
	idx := make([]int, len(x))
	for i := range idx {
		if math.IsNaN(x[i]) {
			return nil, fmt.Errorf("value %d is NaN", i)
		}
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(x))
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && x[idx[hi]] == x[idx[lo]] {
			hi++
		}
		mean := float64(lo+hi+1) / 2 // ranks lo+1 … hi
		for _, i := range idx[lo:hi] {
			r[i] = mean
		}
		lo = hi
	}
	return r, nil
}
