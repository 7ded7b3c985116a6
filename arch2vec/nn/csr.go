package nn

import "fmt"

// CSRMatMulEvalTo sets c (rows×n, row-major) to S·b with S a sparse
// rows×len(b)/n matrix in compressed-row form (row r holds the entries
// val[t] at columns col[t] for t in [ptr[r], ptr[r+1])) and b dense
// row-major with n columns, followed by an evaluation-mode epilogue:
//
//	c[r][j] = epi(bias[j] + Σ_t val[t]·b[col[t]][j])
//
// summed in increasing t (each product rounded, then added), where epi is
// v·al[j] + be[j] (product rounded, then added) when al is not nil, then
// max(v, 0) (NaN and −0 become 0) when relu. bias may be nil (start from
// 0). It is the aggregation of a message-passing layer after its linear
// map has been applied to the distinct node states: a few row additions
// instead of a product with the weight matrix. The AVX-512 path (n a
// multiple of 128) gives bit-identical results to the portable one.
//
// It panics if a slice is too short or an index is out of range
// (programmer errors).
func CSRMatMulEvalTo(c []float32, rows, n int, ptr, col []int32, val, b, bias, al, be []float32, relu bool) {
	checkLen("csr c", c, rows*n)
	if len(ptr) < rows+1 {
		panic(fmt.Sprintf("nn: csr ptr: length %d, want at least %d", len(ptr), rows+1))
	}
	if rows == 0 || n == 0 {
		return
	}
	nnz := int(ptr[rows])
	if int(ptr[0]) > nnz || len(col) < nnz || len(val) < nnz {
		panic(fmt.Sprintf("nn: csr: %d entries, col %d, val %d", nnz, len(col), len(val)))
	}
	if bias != nil {
		checkLen("csr bias", bias, n)
	}
	if al != nil {
		checkLen("csr scale", al, n)
		checkLen("csr shift", be, n)
	}
	rowsB := len(b) / n
	for r := range rows {
		if ptr[r] > ptr[r+1] {
			panic(fmt.Sprintf("nn: csr: row %d has ptr %d > %d", r, ptr[r], ptr[r+1]))
		}
	}
	for _, k := range col[ptr[0]:nnz] {
		if k < 0 || int(k) >= rowsB {
			panic(fmt.Sprintf("nn: csr: column %d out of %d rows of b", k, rowsB))
		}
	}
	if csrVector(c, rows, n, ptr, col, val, b, bias, al, be, relu) {
		return
	}
	csrGeneric(c, rows, n, ptr, col, val, b, bias, al, be, relu)
}

// csrGeneric is the portable CSRMatMulEvalTo (arguments checked).
func csrGeneric(c []float32, rows, n int, ptr, col []int32, val, b, bias, al, be []float32, relu bool) {
	for r := range rows {
		cr := c[r*n : (r+1)*n]
		if bias != nil {
			copy(cr, bias[:n])
		} else {
			clear(cr)
		}
		for t := ptr[r]; t < ptr[r+1]; t++ {
			v, br := val[t], b[int(col[t])*n:int(col[t]+1)*n]
			for j, w := range br {
				cr[j] += float32(v * w)
			}
		}
		if al != nil {
			for j, v := range cr {
				cr[j] = float32(v*al[j]) + be[j]
			}
		}
		if relu {
			for j, v := range cr {
				if !(v > 0) {
					cr[j] = 0
				}
			}
		}
	}
}
