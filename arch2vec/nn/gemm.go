package nn

import "fmt"

// MatMulTo sets c (m×n) = a (m×k) · b (k×n), all row-major. c must not
// alias a or b. It panics if a slice is too short.
func MatMulTo(c, a, b []float32, m, k, n int) {
	checkGemm(c, a, b, m, k, n)
	gemm(m, n, k, a, k, 1, b, n, c, n, false)
}

// MatMulTransATo sets c (m×n) = aᵀ · b with a stored k×m and b k×n,
// row-major. c must not alias a or b. It panics if a slice is too short.
func MatMulTransATo(c, a, b []float32, m, k, n int) {
	checkGemm(c, a, b, m, k, n)
	gemm(m, n, k, a, 1, m, b, n, c, n, false)
}

// MatMulAddTo adds a (m×k) · b (k×n) to c (m×n).
func MatMulAddTo(c, a, b []float32, m, k, n int) {
	checkGemm(c, a, b, m, k, n)
	gemm(m, n, k, a, k, 1, b, n, c, n, true)
}

func checkGemm(c, a, b []float32, m, k, n int) {
	if len(a) < m*k || len(b) < k*n || len(c) < m*n {
		panic(fmt.Sprintf("nn: matmul: lengths a=%d b=%d c=%d for %d×%d·%d×%d", len(a), len(b), len(c), m, k, k, n))
	}
}

// gemm computes c[i*ldc+j] (+)= Σ_p a[i*sai+p*sap] · b[p*ldb+j] for
// i < m, j < n, p < k (accumulating when acc, overwriting otherwise).
func gemm(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	if m < 16 || 2*m*n*k < parallelFlops {
		gemmSerial(m, n, k, a, sai, sap, b, ldb, c, ldc, acc)
		return
	}
	h := (m / 2) &^ 7 // fixed split, a multiple of the micro-kernel height
	split(&job{m: h, n: n, k: k, a: a, sai: sai, sap: sap, b: b, ldb: ldb, c: c, ldc: ldc, acc: acc},
		&job{m: m - h, n: n, k: k, a: a[h*sai:], sai: sai, sap: sap, b: b, ldb: ldb, c: c[h*ldc:], ldc: ldc, acc: acc})
}

// gemmGeneric is the portable kernel: one row of c at a time, as a sequence
// of axpy updates in increasing p.
func gemmGeneric(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		if !acc {
			clear(ci)
		}
		for p := 0; p < k; p++ {
			av := a[i*sai+p*sap]
			if av == 0 {
				continue
			}
			bp := b[p*ldb : p*ldb+n]
			for j, bv := range bp {
				ci[j] += av * bv
			}
		}
	}
}
