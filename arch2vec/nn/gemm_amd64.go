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

// useAVX512 selects the AVX-512 kernels.
var useAVX512 = simd == simdAVX512

// detectedSIMD is the level found at start-up (after ARCH2VEC_SIMD).
var detectedSIMD = simd

// setSIMD switches every kernel choice to level (at most detectedSIMD), so
// that tests can run each path in one process. Not safe while kernels run.
func setSIMD(level int) {
	simd = min(level, detectedSIMD)
	useAVX512 = simd == simdAVX512
	vecCols = vecColsFor(simd)
}

func cpuid(eax, ecx uint32) (a, b, c, d uint32)

func xgetbv() (eax, edx uint32)

// kernelSet is the micro-kernels of one block height.
type kernelSet struct {
	rows     int
	w32, w16 func(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool, bias, al, be *float32, relu bool)
	masked   func(k int, a *float32, sai, sap int, b *float32, ldb int, c *float32, ldc int, acc bool, bias, al, be *float32, relu bool, mask uint16)
}

// at returns the kernel arguments of e for the column block starting at j:
// pointers to its first bias, scale and shift (nil where e has none).
func (e *epi) at(j int) (bias, al, be *float32) {
	if e.bias != nil {
		bias = &e.bias[j]
	}
	if e.al != nil {
		al, be = &e.al[j], &e.be[j]
	}
	return bias, al, be
}

// gemmSerial is gemmEx without prologue or epilogue.
func gemmSerial(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	gemmEx(m, n, k, a, sai, sap, b, ldb, c, ldc, acc, epi{})
}

// gemmEx runs the AVX-512 micro-kernels over R×32 and R×16 blocks of c
// (R = 8, and m mod 8 for the last rows), and the masked 16-wide kernels on
// the last n mod 16 columns. Bounds were checked by the callers; the kernels touch exactly
// the elements the portable code would (masked lanes are neither loaded
// nor stored, and cannot fault). ep (may be nil) is applied inside the
// kernels.
func gemmEx(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool, ep epi) {
	ep.check(n)
	if simd == simdAVX2 && m > 0 && n > 0 && k > 0 {
		gemmAVX2(m, n, k, a, sai, sap, b, ldb, c, ldc, acc, ep)
		return
	}
	if !useAVX512 || m == 0 || n == 0 || k == 0 {
		gemmEpiGeneric(m, n, k, a, sai, sap, b, ldb, c, ldc, acc, ep)
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
		ks := &kernels512[min(8, m-i)]
		ai, ci := &a[i*sai], i*ldc
		j := 0
		for ; j+32 <= n16; j += 32 {
			bi, al, be := ep.at(j)
			ks.w32(k, ai, sai4, sap4, &b[j], ldb4, &c[ci+j], ldc4, acc, bi, al, be, ep.relu)
		}
		if j < n16 {
			bi, al, be := ep.at(j)
			ks.w16(k, ai, sai4, sap4, &b[j], ldb4, &c[ci+j], ldc4, acc, bi, al, be, ep.relu)
		}
		if mask != 0 {
			bi, al, be := ep.at(n16)
			ks.masked(k, ai, sai4, sap4, &b[n16], ldb4, &c[ci+n16], ldc4, acc, bi, al, be, ep.relu, mask)
		}
		i += ks.rows
	}
}

// gemmAVX2 is gemmSerial on AVX2 machines: R×16 kernels (R = 6, and m mod 6
// for the last rows), and masked R×16 kernels (R ≤ 4) on the last n mod 16
// columns. Every element is the same FMA chain as on the AVX-512 path.
func gemmAVX2(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool, ep epi) {
	_ = a[(m-1)*sai+(k-1)*sap]
	_ = b[(k-1)*ldb+n-1]
	_ = c[(m-1)*ldc+n-1]
	n16 := n &^ 15
	sai4, sap4, ldb4, ldc4 := 4*sai, 4*sap, 4*ldb, 4*ldc
	if n16 < n {
		mask := &avx2Masks[16-(n-n16)]
		bi, al, be := ep.at(n16)
		for i := 0; i < m; {
			rows := min(4, m-i)
			kernelsAVX2m[rows](k, &a[i*sai], sai4, sap4, &b[n16], ldb4, &c[i*ldc+n16], ldc4, acc, bi, al, be, ep.relu, mask)
			i += rows
		}
	}
	for i := 0; i < m; {
		rows := min(6, m-i)
		kern := kernelsAVX2[rows]
		for j := 0; j < n16; j += 16 {
			bi, al, be := ep.at(j)
			kern(k, &a[i*sai], sai4, sap4, &b[j], ldb4, &c[i*ldc+j], ldc4, acc, bi, al, be, ep.relu)
		}
		i += rows
	}
}

// avx2Masks[16−w:] is the lane mask of a w-column block (w < 16) for the
// masked AVX2 kernels: w lanes of −1, then zeros.
var avx2Masks = func() (t [32]int32) {
	for i := range 16 {
		t[i] = -1
	}
	return t
}()
