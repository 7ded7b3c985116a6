package nn

import "os"

//go:generate go run gen_kernels.go

// SIMD levels of the amd64 kernels.
const (
	simdNone = iota
	simdAVX2 // AVX2 + FMA: 6×16 and 1×16 product kernels
	simdAVX512
)

// simd is the best level the CPU and the OS support (CPUID; XCR0 bits 1, 2
// for the YMM state and 5, 6, 7 for the opmask/ZMM state), capped by the
// environment variable ARCH2VEC_SIMD ("none", "avx2" or "avx512"), which
// lets the tests run every path on one machine.
var simd = func() int {
	level := simdNone
	maxID, _, _, _ := cpuid(0, 0)
	_, _, ecx1, _ := cpuid(1, 0)
	if maxID >= 7 && ecx1&(1<<27) != 0 { // OSXSAVE
		xcr0, _ := xgetbv()
		_, ebx7, _, _ := cpuid(7, 0)
		avx2 := ecx1&(1<<28) != 0 && ecx1&(1<<12) != 0 && ebx7&(1<<5) != 0 && xcr0&6 == 6
		if avx2 {
			level = simdAVX2
		}
		if avx2 && ebx7&(1<<16) != 0 && xcr0&0xe6 == 0xe6 {
			level = simdAVX512
		}
	}
	switch os.Getenv("ARCH2VEC_SIMD") {
	case "none":
		level = simdNone
	case "avx2":
		level = min(level, simdAVX2)
	}
	return level
}()

// useAVX512 selects the AVX-512 kernels and BatchNorm passes.
var useAVX512 = simd == simdAVX512

//go:noescape
func kern8x32(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool)

//go:noescape
func kern8x16(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool)

//go:noescape
func kern1x32(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool)

//go:noescape
func kern1x16(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool)

//go:noescape
func kern8x16m(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool, mask uint16)

//go:noescape
func kern1x16m(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool, mask uint16)

//go:noescape
func kern6x16avx2(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool)

//go:noescape
func kern1x16avx2(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool)

//go:noescape
func bnSums(gp, x, y *float32, rows, ld int, mean *float32, s, d *float64)

//go:noescape
func bnDx(dx, gp, x, y *float32, rows, w, ld int, mean, mg, kk, sc *float32, train bool)

//go:noescape
func bnStats(x *float32, rows, ld int, n float64, mean, sq *float64)

//go:noescape
func scaleShiftRows(y, x *float32, rows, w, ld int, al, be *float32, relu bool)

// scaleShift sets y[r·ld+j] = x[r·ld+j]·al[j] + be[j] (ReLU'd when relu) for
// r < rows, j < len(al).
func scaleShift(y, x []float32, rows, ld int, al, be []float32, relu bool) {
	w := len(al)
	if !useAVX512 || w%16 != 0 || rows == 0 || w == 0 {
		scaleShiftGeneric(y, x, rows, ld, al, be, relu)
		return
	}
	_ = x[(rows-1)*ld+w-1]
	_ = y[(rows-1)*ld+w-1]
	_ = be[w-1]
	scaleShiftRows(&y[0], &x[0], rows, w, ld, &al[0], &be[0], relu)
}

func cpuid(eax, ecx uint32) (a, b, c, d uint32)

func xgetbv() (eax, edx uint32)

// kernelSet is the micro-kernels of one block height.
type kernelSet struct {
	rows     int
	w32, w16 func(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool)
	masked   func(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool, mask uint16)
}

var (
	kernels8 = kernelSet{8, kern8x32, kern8x16, kern8x16m}
	kernels1 = kernelSet{1, kern1x32, kern1x16, kern1x16m}
)

// gemmSerial runs the AVX-512 micro-kernels over 8×32, 8×16, 1×32 and 1×16
// blocks of c, and the masked 16-wide kernels on the last n mod 16
// columns. Bounds were checked by the callers; the kernels touch exactly
// the elements the portable code would (masked lanes are neither loaded
// nor stored, and cannot fault).
func gemmSerial(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	if simd == simdAVX2 && m > 0 && n >= 16 && k > 0 {
		gemmAVX2(m, n, k, a, sai, sap, b, ldb, c, ldc, acc)
		return
	}
	if !useAVX512 || m == 0 || n == 0 || k == 0 {
		gemmGeneric(m, n, k, a, sai, sap, b, ldb, c, ldc, acc)
		return
	}
	// The last elements read or written, so that a short slice panics
	// here rather than in the assembly.
	_ = a[(m-1)*sai+(k-1)*sap]
	_ = b[(k-1)*ldb+n-1]
	_ = c[(m-1)*ldc+n-1]
	n16 := n &^ 15
	mask := uint16(1)<<(n-n16) - 1
	sai4, sap4, ldb4, ldc4 := 4*sai, 4*sap, 4*ldb, 4*ldc
	for i := 0; i < m; {
		ks := &kernels1
		if i+8 <= m {
			ks = &kernels8
		}
		ai, ci := &a[i*sai], i*ldc
		j := 0
		for ; j+32 <= n16; j += 32 {
			ks.w32(k, ai, sai4, sap4, &b[j], ldb4, &c[ci+j], ldc4, acc)
		}
		if j < n16 {
			ks.w16(k, ai, sai4, sap4, &b[j], ldb4, &c[ci+j], ldc4, acc)
		}
		if mask != 0 {
			ks.masked(k, ai, sai4, sap4, &b[n16], ldb4, &c[ci+n16], ldc4, acc, mask)
		}
		i += ks.rows
	}
}

// gemmAVX2 is gemmSerial on AVX2 machines: 6×16 and 1×16 kernels, the
// portable code on the last n mod 16 columns.
func gemmAVX2(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	_ = a[(m-1)*sai+(k-1)*sap]
	_ = b[(k-1)*ldb+n-1]
	_ = c[(m-1)*ldc+n-1]
	n16 := n &^ 15
	if n16 < n {
		gemmGeneric(m, n-n16, k, a, sai, sap, b[n16:], ldb, c[n16:], ldc, acc)
	}
	sai4, sap4, ldb4, ldc4 := 4*sai, 4*sap, 4*ldb, 4*ldc
	for i := 0; i < m; {
		kern, rows := kern1x16avx2, 1
		if i+6 <= m {
			kern, rows = kern6x16avx2, 6
		}
		for j := 0; j < n16; j += 16 {
			kern(k, &a[i*sai], sai4, sap4, &b[j], ldb4, &c[i*ldc+j], ldc4, acc)
		}
		i += rows
	}
}

// backSums sets s[j] = Σ_r g'[r,j] and d[j] = Σ_r g'[r,j]·(x[r,j]−mean[j])
// for j < len(s) (see bnSums; y nil means no ReLU mask). It reports false,
// doing nothing, when the vector path does not apply.
func backSums(g, x, y []float32, rows, ld int, mean []float32, s, d []float64) bool {
	w := len(s)
	if !useAVX512 || w%16 != 0 || rows == 0 || w == 0 {
		return false
	}
	last := (rows-1)*ld + w - 1
	_, _, _, _ = g[last], x[last], mean[w-1], d[w-1]
	var yp *float32
	if y != nil {
		_ = y[last]
		yp = &y[0]
	}
	for j := 0; j < w; j += 16 {
		if y != nil {
			yp = &y[j]
		}
		bnSums(&g[j], &x[j], yp, rows, ld, &mean[j], &s[j], &d[j])
	}
	return true
}

// backDx is the vector path of the BatchNorm input gradient (see bnDx); it
// reports false, doing nothing, when it does not apply.
func backDx(dx, g, x, y []float32, rows, ld int, mean, mg, kk, sc []float32, train bool) bool {
	w := len(sc)
	if !useAVX512 || w%16 != 0 || rows == 0 || w == 0 {
		return false
	}
	last := (rows-1)*ld + w - 1
	_, _, _, _ = dx[last], g[last], x[last], mean[w-1]
	_, _ = mg[w-1], kk[w-1]
	var yp *float32
	if y != nil {
		_ = y[last]
		yp = &y[0]
	}
	bnDx(&dx[0], &g[0], &x[0], yp, rows, w, ld, &mean[0], &mg[0], &kk[0], &sc[0], train)
	return true
}

// batchStats sets mean[j] and sq[j] = Σ_r (x[r,j]−mean[j])² for
// j < len(mean) (see bnStats); it reports false, doing nothing, when the
// vector path does not apply.
func batchStats(x []float32, rows, ld int, mean, sq []float64) bool {
	w := len(mean)
	if !useAVX512 || w%16 != 0 || rows == 0 || w == 0 {
		return false
	}
	_, _ = x[(rows-1)*ld+w-1], sq[w-1]
	for j := 0; j < w; j += 16 {
		bnStats(&x[j], rows, ld, float64(rows), &mean[j], &sq[j])
	}
	return true
}
