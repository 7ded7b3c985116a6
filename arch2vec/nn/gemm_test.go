package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// TestGemm checks every kernel path (8- and 1-row blocks, 32/16-wide and
// portable tail columns, strided and transposed A, accumulate) against a
// float64 reference, and that the parallel split does not change a bit.
func TestGemm(t *testing.T) {
	SetParallel(true)
	defer SetParallel(false)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][3]int{{1, 1, 1}, {3, 5, 7}, {8, 16, 4}, {9, 33, 17}, {17, 48, 0}, {224, 128, 128}, {128, 128, 224}, {224, 16, 128}, {23, 133, 5}, {64, 5, 224}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, transA := range []bool{false, true} {
			for _, acc := range []bool{false, true} {
				t.Run(fmt.Sprintf("%dx%dx%d/t=%v/acc=%v", m, n, k, transA, acc), func(t *testing.T) {
					a, b := randSlice(rng, m*k), randSlice(rng, k*n)
					c0 := randSlice(rng, m*n)
					sai, sap := k, 1
					if transA {
						sai, sap = 1, m
					}
					c := append([]float32(nil), c0...)
					gemm(m, n, k, a, sai, sap, b, n, c, n, acc, epi{})
					serial := append([]float32(nil), c0...)
					gemmSerial(m, n, k, a, sai, sap, b, n, serial, n, acc)
					portable := append([]float32(nil), c0...)
					gemmGeneric(m, n, k, a, sai, sap, b, n, portable, n, acc)
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							var want float64
							if acc {
								want = float64(c0[i*n+j])
							}
							var mag float64
							for p := 0; p < k; p++ {
								v := float64(a[i*sai+p*sap]) * float64(b[p*n+j])
								want += v
								mag += math.Abs(v)
							}
							got := float64(c[i*n+j])
							if math.Abs(got-want) > 1e-5*(mag+1) {
								t.Fatalf("c[%d,%d] = %g, want %g", i, j, got, want)
							}
							if p := float64(portable[i*n+j]); math.Abs(p-want) > 1e-5*(mag+1) {
								t.Fatalf("portable c[%d,%d] = %g, want %g", i, j, p, want)
							}
							if c[i*n+j] != serial[i*n+j] {
								t.Fatalf("c[%d,%d]: parallel %g, serial %g", i, j, c[i*n+j], serial[i*n+j])
							}
						}
					}
				})
			}
		}
	}
}

func TestMatMulPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MatMulTo with a short c did not panic")
		}
	}()
	MatMulTo(make([]float32, 3), make([]float32, 4), make([]float32, 4), 2, 2, 2)
}

func benchGemm(b *testing.B, m, n, k int, transA bool) {
	rng := rand.New(rand.NewPCG(1, 1))
	a, bb, c := randSlice(rng, m*k), randSlice(rng, k*n), make([]float32, m*n)
	b.ReportAllocs()
	for b.Loop() {
		if transA {
			MatMulTransATo(c, a, bb, m, k, n)
		} else {
			MatMulTo(c, a, bb, m, k, n)
		}
	}
	b.ReportMetric(float64(2*m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkGemm224x128x128(b *testing.B) { benchGemm(b, 224, 128, 128, false) }
func BenchmarkGemm128x128x224(b *testing.B) { benchGemm(b, 128, 128, 224, false) }

func TestTranspose(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {3, 8}, {128, 5}, {5, 128}, {16, 24}, {7, 19}} {
		r, c := sz[0], sz[1]
		src := randSlice(rand.New(rand.NewPCG(1, 1)), r*c)
		dst := make([]float32, r*c)
		transposeTo(dst, src, r, c)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				if dst[j*r+i] != src[i*c+j] {
					t.Fatalf("%dx%d: dst[%d,%d] = %g, want %g", r, c, j, i, dst[j*r+i], src[i*c+j])
				}
			}
		}
	}
}

// TestLinearWeightChange checks that Forward sees weights written directly
// into W.Data after an earlier Forward (the transposed cache is refreshed).
func TestLinearWeightChange(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	l := NewLinear("", 16, 32, rng)
	x := randSlice(rng, 3*16)
	l.Forward(x, 3)
	l.W.Data[5] += 1
	got := append([]float32(nil), l.Forward(x, 3)...)
	fresh := NewLinear("", 16, 32, rng)
	copy(fresh.W.Data, l.W.Data)
	copy(fresh.B.Data, l.B.Data)
	want := fresh.Forward(x, 3)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("y[%d] = %g, want %g", i, got[i], want[i])
		}
	}
}

// TestScaleShift compares the vector scale-shift(-ReLU) with the portable
// one: they differ only by the rounding of the fused multiply-add.
func TestScaleShift(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	const rows, ld, w = 5, 40, 32
	x := randSlice(rng, rows*ld)
	x[3] = float32(math.Copysign(0, -1))
	al, be := randSlice(rng, w), randSlice(rng, w)
	be[3] = 0
	for _, relu := range []bool{false, true} {
		got, want := make([]float32, rows*ld), make([]float32, rows*ld)
		scaleShift(got, x, rows, ld, al, be, relu)
		scaleShiftGeneric(want, x, rows, ld, al, be, relu)
		for i := range want {
			d := math.Abs(float64(got[i] - want[i]))
			if d > 1e-6*(math.Abs(float64(want[i]))+1) || (relu && (got[i] < 0 || math.Signbit(float64(got[i])))) {
				t.Fatalf("relu=%v: y[%d] = %g, want %g", relu, i, got[i], want[i])
			}
			if i%ld >= w && got[i] != 0 {
				t.Fatalf("relu=%v: wrote outside the width at %d", relu, i)
			}
		}
	}
}

// BenchmarkGemmTransA224 is the weight-gradient shape dW = dyᵀ·x.
func BenchmarkGemmTransA224(b *testing.B) { benchGemm(b, 128, 128, 224, true) }

// TestVectorBatchNormHelpers compares the AVX-512 batch statistics and
// backward sums with the portable code (where the vector path applies).
func TestVectorBatchNormHelpers(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const rows, ld, w = 13, 48, 32
	x, g, y := randSlice(rng, rows*ld), randSlice(rng, rows*ld), randSlice(rng, rows*ld)
	for i := range x {
		x[i] = 3*x[i] + 2
	}
	ms, qs := make([]float64, w), make([]float64, w)
	if !batchStats(x, rows, ld, ms, qs) {
		t.Skip("no vector path on this machine")
	}
	mg, qg := make([]float64, w), make([]float64, w)
	batchStatsGeneric(x, rows, ld, mg, qg)
	mean := make([]float32, w)
	for j := range ms {
		if math.Abs(ms[j]-mg[j]) > 1e-12*math.Abs(mg[j]) || math.Abs(qs[j]-qg[j]) > 1e-12*qg[j] {
			t.Fatalf("column %d: stats (%g, %g), want (%g, %g)", j, ms[j], qs[j], mg[j], qg[j])
		}
		mean[j] = float32(mg[j])
	}
	for _, yy := range [][]float32{nil, y} {
		s, d := make([]float64, w), make([]float64, w)
		backSums(g, x, yy, rows, ld, mean, s, d)
		for j := 0; j < w; j++ {
			var ws, wd float64
			for r := 0; r < rows; r++ {
				gv := g[r*ld+j]
				if yy != nil {
					gv = reluGrad(gv, yy[r*ld+j], true)
				}
				ws += float64(gv)
				wd += float64(gv) * float64(x[r*ld+j]-mean[j])
			}
			if math.Abs(s[j]-ws) > 1e-12*(math.Abs(ws)+1) || math.Abs(d[j]-wd) > 1e-12*(math.Abs(wd)+1) {
				t.Fatalf("relu=%v column %d: sums (%g, %g), want (%g, %g)", yy != nil, j, s[j], d[j], ws, wd)
			}
		}
	}
}
