//go:build !amd64

package nn

func gemmSerial(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	gemmGeneric(m, n, k, a, sai, sap, b, ldb, c, ldc, acc)
}

func gemmEx(m, n, k int, a []float32, sai, sap int, b []float32, ldb int, c []float32, ldc int, acc bool, ep epi) {
	ep.check(n)
	gemmEpiGeneric(m, n, k, a, sai, sap, b, ldb, c, ldc, acc, ep)
}

func scaleShift(y, x []float32, rows, ld int, al, be []float32, relu bool) {
	scaleShiftGeneric(y, x, rows, ld, al, be, relu)
}

func backSums(g, x, y []float32, rows, ld int, mean []float32, s, d []float64) bool { return false }

func backDx(dx, g, x, y []float32, rows, ld int, mean, mg, kk, sc []float32, train bool) bool {
	return false
}

func batchStats(x []float32, rows, ld int, mean, sq []float64) bool { return false }

func scaleTo(dst, x []float32, s float32) {
	for i, v := range x {
		dst[i] = s * v
	}
}

func vecFits(w, rows int) bool { return false }

func adamUpdate(d, g, m, v []float32, c1, b2, c2, bc2s, eps, step float32) {
	adamScalar(d, g, m, v, c1, b2, c2, bc2s, eps, step)
}
