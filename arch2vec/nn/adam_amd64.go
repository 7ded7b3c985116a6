package nn

//go:noescape
func adamVec512(d, gr, m, v *float32, n int, c1, b2, c2, bc2s, eps, step float32)

//go:noescape
func adamVecAVX2(d, gr, m, v *float32, n int, c1, b2, c2, bc2s, eps, step float32)

// adamUpdate is adamScalar with the bulk of the elements on the vector
// path (bit-identical: the same unfused operations).
func adamUpdate(d, g, m, v []float32, c1, b2, c2, bc2s, eps, step float32) {
	n := len(d)
	g, m, v = g[:n], m[:n], v[:n]
	k := 0
	if vecCols != 0 {
		k = n &^ (vecCols - 1)
	}
	if k > 0 {
		if vecCols == 16 {
			adamVec512(&d[0], &g[0], &m[0], &v[0], k, c1, b2, c2, bc2s, eps, step)
		} else {
			adamVecAVX2(&d[0], &g[0], &m[0], &v[0], k, c1, b2, c2, bc2s, eps, step)
		}
	}
	adamScalar(d[k:], g[k:], m[k:], v[k:], c1, b2, c2, bc2s, eps, step)
}
