package search

import (
	"math"
	"math/rand/v2"
)

// synthTable returns an M×D table whose validation accuracy is a smooth
// bump of the embedding (optimum near the centre c = (0.5, …)) and whose
// times are uniform in [lo, hi] seconds. Embeddings are standard normal.
func synthTable(m, d int, seed uint64, lo, hi float64) *Table {
	return synthTableAt(m, d, seed, lo, hi, 0.5)
}

// synthTableAt is synthTable with the optimum near (c, c, …).
func synthTableAt(m, d int, seed uint64, lo, hi, c float64) *Table {
	rng := rand.New(rand.NewPCG(seed, 7))
	t := &Table{Emb: make([]float32, m*d), Dim: d,
		Valid: make([]float64, m), Test: make([]float64, m), Time: make([]float64, m)}
	for i := 0; i < m; i++ {
		r2 := 0.0
		for j := 0; j < d; j++ {
			v := rng.NormFloat64()
			t.Emb[i*d+j] = float32(v)
			r2 += (v - c) * (v - c)
		}
		t.Valid[i] = 0.80 + 0.15*math.Exp(-r2/(2*float64(d)))
		t.Test[i] = t.Valid[i] - 0.005 + 0.002*rng.NormFloat64()
		t.Time[i] = lo + (hi-lo)*rng.Float64()
	}
	return t
}
