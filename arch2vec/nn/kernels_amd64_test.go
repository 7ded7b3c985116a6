package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// vectorLevels are the SIMD levels this machine can run, best first.
func vectorLevels() []int {
	var ls []int
	for _, l := range []int{simdAVX512, simdAVX2} {
		if l <= detectedSIMD {
			ls = append(ls, l)
		}
	}
	return ls
}

var levelName = map[int]string{simdNone: "portable", simdAVX2: "avx2", simdAVX512: "avx512"}

// atLevel runs f with the kernels of level selected, restoring the start-up
// choice afterwards.
func atLevel(level int, f func()) {
	defer setSIMD(detectedSIMD)
	setSIMD(level)
	f()
}

// edgeSlice is n random normals with, when special, NaN, ±Inf, ±0,
// denormals and tiny normals sprinkled in (about one value in eight).
func edgeSlice(rng *rand.Rand, n int, special bool) []float32 {
	s := randSlice(rng, n)
	if !special {
		return s
	}
	edges := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0,
		float32(math.Copysign(0, -1)), 1e-40, -3e-42, math.SmallestNonzeroFloat32, 1e-38}
	for i := range s {
		if rng.IntN(8) == 0 {
			s[i] = edges[rng.IntN(len(edges))]
		}
	}
	return s
}

// sameFloat reports whether a vector result v agrees with the portable p:
// both NaN, or equal infinities, or within tol of each other (the paths
// differ only by the rounding of fused multiply-adds).
func sameFloat(v, p float32, tol float64) bool {
	if math.IsNaN(tol) { // a NaN term (then removed by the ReLU): no rounding slack
		tol = 0
	}
	switch {
	case math.IsNaN(float64(p)) || math.IsNaN(float64(v)):
		return math.IsNaN(float64(p)) && math.IsNaN(float64(v))
	case math.IsInf(float64(p), 0) || math.IsInf(float64(v), 0):
		return v == p
	}
	return math.Abs(float64(v)-float64(p)) <= tol
}

// bitsEqual reports whether a and b are the same float32 (any NaN equals
// any NaN).
func bitsEqual(a, b float32) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

// gemmCase is one product laid out in padded, possibly unaligned storage:
// a, b and c start off floats into their slices, rows of b and c are
// n+pad apart, and a guard region follows c.
type gemmCase struct {
	m, n, k, off, pad int
	transA, acc       bool
	a, b, c0          []float32
	ep                epi // none, or a random bias and/or scale-shift(-ReLU)
}

func newGemmCase(rng *rand.Rand, m, n, k, off, pad int, transA, acc, special bool) *gemmCase {
	g := &gemmCase{m: m, n: n, k: k, off: off, pad: pad, transA: transA, acc: acc}
	g.a = edgeSlice(rng, off+m*k, special)
	g.b = edgeSlice(rng, off+k*(n+pad), special)
	g.c0 = edgeSlice(rng, off+m*(n+pad)+16, special && acc)
	if e := rng.IntN(4); e > 0 {
		g.ep = epi{relu: rng.IntN(2) == 0}
		if e&1 != 0 {
			g.ep.bias = edgeSlice(rng, n, special)
		}
		if e&2 != 0 {
			g.ep.al, g.ep.be = edgeSlice(rng, n, special), edgeSlice(rng, n, special)
		}
	}
	return g
}

// run computes the product with the current kernels into a copy of c0.
func (g *gemmCase) run(serial bool) []float32 {
	c := append([]float32(nil), g.c0...)
	sai, sap := g.k, 1
	if g.transA {
		sai, sap = 1, g.m
	}
	ld := g.n + g.pad
	a, b, cc := g.a[g.off:], g.b[g.off:], c[g.off:]
	if serial {
		gemmEx(g.m, g.n, g.k, a, sai, sap, b, ld, cc, ld, g.acc, g.ep)
	} else {
		gemmEpiGeneric(g.m, g.n, g.k, a, sai, sap, b, ld, cc, ld, g.acc, g.ep)
	}
	return c
}

// magnitude is Σ_p |a(i,p)·b(p,j)| (+|c0|), the scale of rounding error.
func (g *gemmCase) magnitude(i, j int) float64 {
	sai, sap := g.k, 1
	if g.transA {
		sai, sap = 1, g.m
	}
	ld := g.n + g.pad
	var s float64
	if g.acc {
		s = math.Abs(float64(g.c0[g.off+i*ld+j]))
	} else if g.ep.bias != nil {
		s = math.Abs(float64(g.ep.bias[j]))
	}
	for p := 0; p < g.k; p++ {
		s += math.Abs(float64(g.a[g.off+i*sai+p*sap]) * float64(g.b[g.off+p*ld+j]))
	}
	if g.ep.al != nil {
		s = s*math.Abs(float64(g.ep.al[j])) + math.Abs(float64(g.ep.be[j]))
	}
	return s
}

// reluNaN reports the one accepted difference: with a ReLU epilogue, a NaN
// on one path may be +0 on the other, because IEEE 754 leaves the sign of
// a NaN produced from several NaN operands open (the fused and the unfused
// multiply-add pick different operands) and the ReLU keeps NaNs with a
// clear sign bit only.
func (g *gemmCase) reluNaN(v, p float32) bool {
	if g.ep.al == nil || !g.ep.relu {
		return false
	}
	return v != v && p == 0 || p != p && v == 0
}

// check compares the vector kernels of every available level with the
// portable code on g, element by element, including that nothing outside
// the m×n block (the row padding, the guard and the prefix) is written,
// and that all vector levels agree bit for bit.
func (g *gemmCase) check(t *testing.T) {
	t.Helper()
	want := g.run(false)
	var first []float32
	for _, level := range vectorLevels() {
		var got []float32
		atLevel(level, func() { got = g.run(true) })
		ld := g.n + g.pad
		for idx := range got {
			r := idx - g.off
			inside := r >= 0 && r < g.m*ld && r%ld < g.n
			if !inside {
				if !bitsEqual(got[idx], g.c0[idx]) {
					t.Fatalf("%s: wrote c[%d] outside the block", levelName[level], idx)
				}
				continue
			}
			i, j := r/ld, r%ld
			if g.reluNaN(got[idx], want[idx]) {
				continue
			}
			if !sameFloat(got[idx], want[idx], 3e-6*g.magnitude(i, j)+1e-44) {
				t.Fatalf("%s: c[%d,%d] = %g, portable %g", levelName[level], i, j, got[idx], want[idx])
			}
			if first != nil && !bitsEqual(got[idx], first[idx]) {
				t.Fatalf("%s: c[%d,%d] = %g differs from the other vector level's %g", levelName[level], i, j, got[idx], first[idx])
			}
		}
		first = got
	}
}

// TestKernelsAgainstPortable runs the micro-kernels of every available
// level over odd shapes (every block height 1..8, widths around 16 and 32,
// empty k), unaligned and padded storage, random bias prologues and
// scale-shift(-ReLU) epilogues, and NaN, ±Inf, ±0 and denormal inputs,
// against the portable product.
func TestKernelsAgainstPortable(t *testing.T) {
	if len(vectorLevels()) == 0 {
		t.Skip("no vector kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	sizes := [][3]int{{1, 1, 1}, {2, 3, 2}, {3, 15, 4}, {4, 16, 7}, {5, 17, 1}, {6, 31, 9}, {7, 7, 7},
		{7, 128, 7}, {8, 33, 3}, {9, 47, 16}, {11, 64, 0}, {13, 5, 33}, {15, 48, 2}, {17, 100, 5}, {31, 129, 8}}
	for _, sz := range sizes {
		for _, special := range []bool{false, true} {
			for _, transA := range []bool{false, true} {
				for _, acc := range []bool{false, true} {
					off, pad := rng.IntN(4), rng.IntN(3)
					name := fmt.Sprintf("%dx%dx%d/special=%v/t=%v/acc=%v/off=%d/pad=%d", sz[0], sz[1], sz[2], special, transA, acc, off, pad)
					t.Run(name, func(t *testing.T) {
						newGemmCase(rng, sz[0], sz[1], sz[2], off, pad, transA, acc, special).check(t)
					})
				}
			}
		}
	}
}

// FuzzKernels compares the vector kernels with the portable product on
// fuzzed shapes, strides, offsets and edge values.
func FuzzKernels(f *testing.F) {
	f.Add(uint8(7), uint8(128), uint8(7), uint8(0), uint64(1))
	f.Add(uint8(9), uint8(17), uint8(3), uint8(0xff), uint64(2))
	f.Add(uint8(1), uint8(1), uint8(0), uint8(0x12), uint64(3))
	f.Add(uint8(16), uint8(40), uint8(33), uint8(0x1c), uint64(4))
	f.Fuzz(func(t *testing.T, m, n, k, flags uint8, seed uint64) {
		if len(vectorLevels()) == 0 {
			t.Skip("no vector kernels on this machine")
		}
		rng := rand.New(rand.NewPCG(seed, 5))
		g := newGemmCase(rng, 1+int(m)%24, 1+int(n)%70, int(k)%40, int(flags>>2)&3, int(flags>>4)&3,
			flags&1 != 0, flags&2 != 0, flags&64 != 0)
		g.check(t)
	})
}

// bnCase is one BatchNorm-pass input: rows×w columns, rows ld = w+pad apart,
// starting off floats into the slices.
type bnCase struct {
	rows, w, ld, off int
	x, g, y          []float32
	mean, mg, kk, sc []float32
}

func newBNCase(rng *rand.Rand, rows, w, pad, off int, special bool) *bnCase {
	c := &bnCase{rows: rows, w: w, ld: w + pad, off: off}
	n := off + rows*c.ld
	c.x, c.g, c.y = edgeSlice(rng, n, special), edgeSlice(rng, n, special), edgeSlice(rng, n, special)
	c.mean, c.mg, c.kk, c.sc = randSlice(rng, w), randSlice(rng, w), randSlice(rng, w), randSlice(rng, w)
	return c
}

// passes runs every vector BatchNorm helper (falling back to the portable
// code where the vector path does not apply, as the layer does) and returns
// the outputs concatenated: stats, sums (with and without the ReLU mask),
// dx (train and eval, with and without the mask), scale-shift (with and
// without ReLU) and scaleTo.
func (c *bnCase) passes(portable bool) []float64 {
	var out []float64
	x, g, y := c.x[c.off:], c.g[c.off:], c.y[c.off:]
	ms, qs := make([]float64, c.w), make([]float64, c.w)
	if portable || !batchStats(x, c.rows, c.ld, ms, qs) {
		batchStatsGeneric(x, c.rows, c.ld, ms, qs)
	}
	out = append(append(out, ms...), qs...)
	for _, yy := range [][]float32{nil, y} {
		s, d := make([]float64, c.w), make([]float64, c.w)
		if portable || !backSums(g, x, yy, c.rows, c.ld, c.mean, s, d) {
			bn := &BatchNorm1d{F: c.ld, rows: c.rows, x: x, dy: g, y: yy, relu: yy != nil, mean: c.mean}
			if yy == nil {
				bn.y = x // unused without the mask
			}
			bn.sumsGeneric(0, c.w, s, d)
		}
		out = append(append(out, s...), d...)
		for _, train := range []bool{false, true} {
			dx := make([]float32, len(x))
			if portable || !backDx(dx, g, x, yy, c.rows, c.ld, c.mean, c.mg, c.kk, c.sc, train) {
				bn := &BatchNorm1d{F: c.ld, rows: c.rows, x: x, dy: g, y: yy, dx: dx, relu: yy != nil, train: train, mean: c.mean}
				if yy == nil {
					bn.y = x
				}
				bn.dxGeneric(0, c.w, c.mg, c.kk, c.sc)
			}
			out = appendF32(out, dx)
		}
	}
	for _, relu := range []bool{false, true} {
		ys := make([]float32, len(x))
		if portable {
			scaleShiftGeneric(ys, x, c.rows, c.ld, c.mg, c.kk, relu)
		} else {
			scaleShift(ys, x, c.rows, c.ld, c.mg, c.kk, relu)
		}
		out = appendF32(out, ys)
	}
	sx := make([]float32, len(x))
	if portable {
		for i, v := range x {
			sx[i] = 1.5 * v
		}
	} else {
		scaleTo(sx, x, 1.5)
	}
	return appendF32(out, sx)
}

func appendF32(out []float64, s []float32) []float64 {
	for _, v := range s {
		out = append(out, float64(v))
	}
	return out
}

// TestBatchNormKernels compares the vector BatchNorm passes of every
// available level with the portable code over odd row counts, widths that
// are and are not multiples of the vector width, padded rows, unaligned
// starts and edge values; the vector levels must agree bit for bit.
func TestBatchNormKernels(t *testing.T) {
	if len(vectorLevels()) == 0 {
		t.Skip("no vector kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(13, 14))
	for _, rows := range []int{1, 2, 3, 7, 33} {
		for _, w := range []int{8, 16, 24, 48, 128} {
			for _, special := range []bool{false, true} {
				c := newBNCase(rng, rows, w, rng.IntN(3), rng.IntN(3), special)
				t.Run(fmt.Sprintf("rows=%d/w=%d/special=%v/pad=%d/off=%d", rows, w, special, c.ld-w, c.off), func(t *testing.T) {
					want := c.passes(true)
					var first []float64
					for _, level := range vectorLevels() {
						var got []float64
						atLevel(level, func() { got = c.passes(false) })
						for i := range want {
							if !sameFloat64(got[i], want[i], 1e-5*(math.Abs(want[i])+1)) {
								t.Fatalf("%s: output %d = %g, portable %g", levelName[level], i, got[i], want[i])
							}
							if first != nil && vecColsFor(level) != 0 && w%16 == 0 && !(got[i] == first[i] || got[i] != got[i] && first[i] != first[i]) {
								t.Fatalf("%s: output %d = %g differs from the other vector level's %g", levelName[level], i, got[i], first[i])
							}
						}
						first = got
					}
				})
			}
		}
	}
}

func sameFloat64(v, p, tol float64) bool {
	switch {
	case math.IsNaN(p) || math.IsNaN(v):
		return math.IsNaN(p) && math.IsNaN(v)
	case math.IsInf(p, 0) || math.IsInf(v, 0):
		return v == p
	}
	return math.Abs(v-p) <= tol
}

// TestAdamKernels runs the vector Adam update of every available level
// against the portable loop for three steps over odd lengths, unaligned
// starts and edge gradients (zeros, denormals, ±Inf, NaN): the results
// must be bit-identical (the portable loop forbids fused multiply-adds).
func TestAdamKernels(t *testing.T) {
	if len(vectorLevels()) == 0 {
		t.Skip("no vector kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(41, 42))
	for _, n := range []int{1, 7, 16, 17, 33, 129, 1000} {
		for _, special := range []bool{false, true} {
			off := rng.IntN(3)
			d0, v0 := randSlice(rng, off+n), randSlice(rng, off+n)
			for i := range v0 {
				v0[i] *= v0[i]
			}
			m0 := randSlice(rng, off+n)
			grads := [3][]float32{edgeSlice(rng, off+n, special), edgeSlice(rng, off+n, special), edgeSlice(rng, off+n, special)}
			run := func(vector bool) []float32 {
				d, m, v := append([]float32(nil), d0...), append([]float32(nil), m0...), append([]float32(nil), v0...)
				for s, g := range grads {
					bc1, bc2 := 1-math.Pow(0.9, float64(s+1)), 1-math.Pow(0.999, float64(s+1))
					args := [6]float32{0.1, 0.999, 0.001, float32(math.Sqrt(bc2)), 1e-8, float32(1e-3 / bc1)}
					if vector {
						adamUpdate(d[off:], g[off:], m[off:], v[off:], args[0], args[1], args[2], args[3], args[4], args[5])
					} else {
						adamScalar(d[off:], g[off:], m[off:], v[off:], args[0], args[1], args[2], args[3], args[4], args[5])
					}
				}
				return append(append(d, m...), v...)
			}
			want := run(false)
			var first []float32
			for _, level := range vectorLevels() {
				var got []float32
				atLevel(level, func() { got = run(true) })
				for i := range want {
					if !bitsEqual(got[i], want[i]) {
						t.Fatalf("n=%d special=%v %s: value %d = %g, portable %g", n, special, levelName[level], i, got[i], want[i])
					}
					if first != nil && !bitsEqual(got[i], first[i]) {
						t.Fatalf("n=%d special=%v %s: value %d = %g differs from the other vector level's %g", n, special, levelName[level], i, got[i], first[i])
					}
				}
				first = got
			}
		}
	}
}
