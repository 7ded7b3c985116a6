package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// csrCase is a random sparse product: rows rows of up to 9 entries over
// nb rows of b, n columns.
type csrCase struct {
	rows, nb, n           int
	ptr, col              []int32
	val, b, bias, al, be  []float32
	noBias, noAffine, rel bool
}

func newCSRCase(rng *rand.Rand, rows, nb, n int, special bool) *csrCase {
	c := &csrCase{rows: rows, nb: nb, n: n, ptr: make([]int32, rows+1)}
	for r := range rows {
		k := rng.IntN(10)
		for range k {
			c.col = append(c.col, int32(rng.IntN(nb)))
			c.val = append(c.val, float32(rng.NormFloat64()))
		}
		c.ptr[r+1] = int32(len(c.col))
	}
	c.b = edgeSlice(rng, nb*n, special)
	c.bias, c.al, c.be = randSlice(rng, n), randSlice(rng, n), randSlice(rng, n)
	return c
}

// naive is CSRMatMulEvalTo element by element, in the documented order.
func (c *csrCase) naive() []float32 {
	out := make([]float32, c.rows*c.n)
	for r := range c.rows {
		for j := range c.n {
			var s float32
			if !c.noBias {
				s = c.bias[j]
			}
			for t := c.ptr[r]; t < c.ptr[r+1]; t++ {
				p := c.val[t] * c.b[int(c.col[t])*c.n+j]
				s += p
			}
			if !c.noAffine {
				p := s * c.al[j]
				s = p + c.be[j]
			}
			if c.rel && !(s > 0) {
				s = 0
			}
			out[r*c.n+j] = s
		}
	}
	return out
}

func (c *csrCase) run() []float32 {
	out := make([]float32, c.rows*c.n)
	bias, al, be := c.bias, c.al, c.be
	if c.noBias {
		bias = nil
	}
	if c.noAffine {
		al, be = nil, nil
	}
	CSRMatMulEvalTo(out, c.rows, c.n, c.ptr, c.col, c.val, c.b, bias, al, be, c.rel)
	return out
}

// sameF32 reports the first index where a and b differ in bits (NaNs of
// any payload are equal), or -1.
func sameF32(a, b []float32) int {
	for i := range a {
		x, y := a[i], b[i]
		if math.Float32bits(x) != math.Float32bits(y) && !(x != x && y != y) {
			return i
		}
	}
	return -1
}

// TestCSRMatMulEval checks the sparse product against the element-wise
// definition, bit for bit, on the path this machine selects, for widths
// the vector path takes (128, 256) and others (48).
func TestCSRMatMulEval(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name                   string
		rows, nb, n            int
		noBias, noAffine, relu bool
		special                bool
	}{
		{"full 128", 37, 11, 128, false, false, true, false},
		{"no bias 128", 20, 5, 128, true, false, true, false},
		{"no affine no relu 256", 9, 30, 256, false, true, false, false},
		{"special values 128", 25, 7, 128, false, false, true, true},
		{"narrow 48", 13, 6, 48, false, false, true, false},
		{"one row", 1, 1, 128, false, false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCSRCase(rng, tc.rows, tc.nb, tc.n, tc.special)
			c.noBias, c.noAffine, c.rel = tc.noBias, tc.noAffine, tc.relu
			if i := sameF32(c.run(), c.naive()); i >= 0 {
				t.Errorf("element %d: got %g, want %g", i, c.run()[i], c.naive()[i])
			}
		})
	}
}

// TestCSRMatMulEvalPanics checks the documented programmer-error panics.
func TestCSRMatMulEvalPanics(t *testing.T) {
	c := make([]float32, 2*16)
	b := make([]float32, 3*16)
	for _, tc := range []struct {
		name     string
		ptr, col []int32
		val      []float32
	}{
		{"short ptr", []int32{0, 1}, []int32{0}, []float32{1}},
		{"column out of range", []int32{0, 1, 1}, []int32{3}, []float32{1}},
		{"decreasing ptr", []int32{0, 1, 0}, []int32{0}, []float32{1}},
		{"short val", []int32{0, 1, 2}, []int32{0, 1}, []float32{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			CSRMatMulEvalTo(c, 2, 16, tc.ptr, tc.col, tc.val, b, nil, nil, nil, false)
		})
	}
}
