package nn

// csr128 is the AVX-512 CSRMatMulEvalTo on one 128-column block: c, b,
// bias, al and be point at the block's first column, ldb and ldc are the
// byte strides of b and c rows; al and bias may be nil.
//
//go:noescape
func csr128(rows int, ptr, col *int32, val, b *float32, ldb int, c *float32, ldc int, bias, al, be *float32, relu bool)

// csrVector runs csr128 over the 128-column blocks when AVX-512 is on and
// n is a multiple of 128; it reports whether it did.
func csrVector(c []float32, rows, n int, ptr, col []int32, val, b, bias, al, be []float32, relu bool) bool {
	if !useAVX512 || n%128 != 0 {
		return false
	}
	var cp *int32
	var vp *float32
	if len(col) > 0 {
		cp, vp = &col[0], &val[0]
	} else {
		var z0 int32
		var z1 float32
		cp, vp = &z0, &z1
	}
	for j := 0; j < n; j += 128 {
		var bi, a, s *float32
		if bias != nil {
			bi = &bias[j]
		}
		if al != nil {
			a, s = &al[j], &be[j]
		}
		csr128(rows, &ptr[0], cp, vp, &b[j], 4*n, &c[j], 4*n, bi, a, s, relu)
	}
	return true
}
