package nn

import (
	"math/rand/v2"
	"testing"
)

// TestCSRVectorMatchesPortable runs the sparse product on every vector
// level this machine has and on the portable path, bit for bit.
func TestCSRVectorMatchesPortable(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	c := newCSRCase(rng, 300, 40, 256, true)
	c.rel = true
	var want []float32
	atLevel(simdNone, func() { want = c.run() })
	for _, l := range vectorLevels() {
		var got []float32
		atLevel(l, func() { got = c.run() })
		if i := sameF32(got, want); i >= 0 {
			t.Errorf("%s: element %d: got %g, want %g", levelName[l], i, got[i], want[i])
		}
	}
}

// BenchmarkCSRMatMulEval is a GIN-like aggregation: 224 rows of 4
// entries over a 500-row table, 128 columns.
func BenchmarkCSRMatMulEval(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	c := newCSRCase(rng, 224, 500, 128, false)
	for r := range c.rows {
		c.ptr[r+1] = c.ptr[r] + 4
	}
	c.col = make([]int32, 4*c.rows)
	c.val = make([]float32, 4*c.rows)
	for i := range c.col {
		c.col[i], c.val[i] = int32(rng.IntN(500)), 1
	}
	c.rel = true
	out := make([]float32, c.rows*c.n)
	b.ReportAllocs()
	for b.Loop() {
		CSRMatMulEvalTo(out, c.rows, c.n, c.ptr, c.col, c.val, c.b, c.bias, c.al, c.be, true)
	}
	b.ReportMetric(float64(c.rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
