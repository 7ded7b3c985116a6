package nn

import "fmt"

// MatMulTo sets c (m×n) = a (m×k) · b (k×n), all row-major. c must not
// alias a or b. It panics if a slice is too short.
func MatMulTo(c, a, b []float32, m, k, n int) {
	checkGemm(c, a, b, m, k, n)
	gemm(m, n, k, a, k, 1, b, n, c, n, false, epi{})
}

// MatMulTransATo sets c (m×n) = aᵀ · b with a stored k×m and b k×n,
// row-major. c must not alias a or b. It panics if a slice is too short.
func MatMulTransATo(c, a, b []float32, m, k, n int) {
	checkGemm(c, a, b, m, k, n)
	gemm(m, n, k, a, 1, m, b, n, c, n, false, epi{})
}

// MatMulAddTo adds a (m×k) · b (k×n) to c (m×n).
func MatMulAddTo(c, a, b []float32, m, k, n int) {
	checkGemm(c, a, b, m, k, n)
	gemm(m, n, k, a, k, 1, b, n, c, n, true, epi{})
}

func checkGemm(c, a, b []float32, m, k, n int) {
	if len(a) < m*k || len(b) < k*n || len(c) < m*n {
		panic(fmt.Sprintf("nn: matmul: lengths a=%d b=%d c=%d for %d×%d·%d×%d", len(a), len(b), len(c), m, k, k, n))
	}
}

// gemm computes c[i*ldc+j] (+)= Σ_p a[i*sai+p*sap] · b[p*ldb+j] for
// i < m, j < n, p < k (accumulating when acc, overwriting otherwise), with
// the optional prologue and epilogue ep.
func gemm(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool, ep epi) {
	if m < 16 || 2*m*n*k < parallelFlops || serial.Load() {
		gemmEx(m, n, k, a, sai, sap, b, ldb, c, ldc, acc, ep)
		return
	}
	h := (m / 2) &^ 7 // fixed split, a multiple of the micro-kernel height
	split(&job{m: h, n: n, k: k, a: a, sai: sai, sap: sap, b: b, ldb: ldb, c: c, ldc: ldc, acc: acc, ep: ep},
		&job{m: m - h, n: n, k: k, a: a[h*sai:], sai: sai, sap: sap, b: b, ldb: ldb, c: c[h*ldc:], ldc: ldc, acc: acc, ep: ep})
}

// gemmGeneric is the portable kernel: four rows of c at a time (sharing
// each load of b), each element a sequence of multiply-adds in increasing
// p, as on the vector paths. Zeros of a are multiplied like any other
// value (0·Inf and 0·NaN give NaN, as on the vector paths and in PyTorch).
func gemmGeneric(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	i := 0
	for ; i+4 <= m; i += 4 {
		c0 := c[i*ldc : i*ldc+n]
		c1 := c[(i+1)*ldc : (i+1)*ldc+n]
		c2 := c[(i+2)*ldc : (i+2)*ldc+n]
		c3 := c[(i+3)*ldc : (i+3)*ldc+n]
		if !acc {
			clear(c0)
			clear(c1)
			clear(c2)
			clear(c3)
		}
		for p := 0; p < k; p++ {
			ap := i*sai + p*sap
			a0, a1, a2, a3 := a[ap], a[ap+sai], a[ap+2*sai], a[ap+3*sai]
			bp := b[p*ldb : p*ldb+n]
			for j, bv := range bp {
				c0[j] += a0 * bv
				c1[j] += a1 * bv
				c2[j] += a2 * bv
				c3[j] += a3 * bv
			}
		}
	}
	for ; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		if !acc {
			clear(ci)
		}
		for p := 0; p < k; p++ {
			av := a[i*sai+p*sap]
			bp := b[p*ldb : p*ldb+n]
			for j, bv := range bp {
				ci[j] += av * bv
			}
		}
	}
}

// epi is an optional prologue and epilogue of a product (gemmEx; the zero
// value has neither): without
// acc, rows of c start from bias instead of zero (when bias is not nil);
// at the end every element becomes c·al[j] + be[j] (when al is not nil),
// then max(·, 0) when relu. The vector kernels apply both in registers;
// the results are those of a separate bias copy and scaleShift pass.
type epi struct {
	bias, al, be []float32
	relu         bool
}

// check panics if a vector of e is shorter than n.
func (e *epi) check(n int) {
	if (e.bias != nil && len(e.bias) < n) || (e.al != nil && (len(e.al) < n || len(e.be) < n)) {
		panic(fmt.Sprintf("nn: matmul: epilogue vectors shorter than %d columns", n))
	}
}

// gemmEpiGeneric is gemmEx on the portable code.
func gemmEpiGeneric(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool, ep epi) {
	if !acc && ep.bias != nil {
		for i := 0; i < m; i++ {
			copy(c[i*ldc:i*ldc+n], ep.bias[:n])
		}
		acc = true
	}
	gemmGeneric(m, n, k, a, sai, sap, b, ldb, c, ldc, acc)
	if ep.al != nil && m > 0 {
		scaleShiftGeneric(c, c, m, ldc, ep.al[:n], ep.be, ep.relu)
	}
}
