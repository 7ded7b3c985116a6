package analysis

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// Group summarises the values that share one integer key, e.g. the latent
// distances of cell pairs at one edit distance.
type Group struct {
	Key  int
	N    int
	Mean float64
	// Std is the population standard deviation (numpy's np.std, as
	// arch2vec's plot scripts use); 0 for a single value.
	Std float64
}

// GroupBy groups values by key, in increasing key order, and returns the
// Pearson correlation between keys and values (NaN when either is
// constant). It returns an error if the slices differ in length or are
// empty, or a value is not finite.
func GroupBy(keys []int, values []float64) ([]Group, float64, error) {
	if len(keys) != len(values) || len(keys) == 0 {
		return nil, math.NaN(), fmt.Errorf("analysis: group: %d keys and %d values", len(keys), len(values))
	}
	sums := map[int]*[3]float64{} // n, sum, sum of squares
	fk := make([]float64, len(keys))
	for i, k := range keys {
		v := values[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, math.NaN(), fmt.Errorf("analysis: group: value %d is %v", i, v)
		}
		s := sums[k]
		if s == nil {
			s = new([3]float64)
			sums[k] = s
		}
		s[0]++
		s[1] += v
		s[2] += v * v
		fk[i] = float64(k)
	}
	var groups []Group
	for k, s := range sums {
		mean := s[1] / s[0]
		groups = append(groups, Group{Key: k, N: int(s[0]), Mean: mean, Std: math.Sqrt(max(0, s[2]/s[0]-mean*mean))})
	}
	slices.SortFunc(groups, func(a, b Group) int { return a.Key - b.Key })
	return groups, stat.Correlation(fk, values, nil), nil
}
