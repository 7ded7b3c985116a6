package nn

// Vector paths of the BatchNorm passes, column sums and scaling: AVX-512
// (nn_amd64.s, 16 columns per vector) or AVX2+FMA (bn_avx2_amd64.s, 8
// columns), chosen by simd. Both run every column through the same
// instructions in the same order, so they give bit-identical results.

//go:noescape
func bnSums(gp, x, y *float32, rows, ld int, mean *float32, s, d *float64)

//go:noescape
func bnSums32(gp, x, y *float32, rows, ld int, mean *float32, s, d *float64)

//go:noescape
func bnDx(dx, gp, x, y *float32, rows, w, ld int, mean, mg, kk, sc *float32, train bool)

//go:noescape
func bnStats(x *float32, rows, ld int, n float64, mean, sq *float64)

//go:noescape
func scaleShiftRows(y, x *float32, rows, w, ld int, al, be *float32, relu bool)

//go:noescape
func bnSumsAVX2(gp, x, y *float32, rows, ld int, mean *float32, s, d *float64)

//go:noescape
func bnDxAVX2(dx, gp, x, y *float32, rows, w, ld int, mean, mg, kk, sc *float32, train bool)

//go:noescape
func bnStatsAVX2(x *float32, rows, ld int, n float64, mean, sq *float64)

//go:noescape
func scaleShiftRowsAVX2(y, x *float32, rows, w, ld int, al, be *float32, relu bool)

//go:noescape
func scaleVec512(dst, x *float32, n int, s float32)

//go:noescape
func scaleVecAVX2(dst, x *float32, n int, s float32)

// vecCols is the column granularity of the vector BatchNorm passes: 16
// with AVX-512, 8 with AVX2, 0 (no vector path) otherwise.
var vecCols = vecColsFor(simd)

func vecColsFor(level int) int {
	switch level {
	case simdAVX512:
		return 16
	case simdAVX2:
		return 8
	}
	return 0
}

// vecFits reports whether the vector passes apply to w columns of rows rows.
func vecFits(w, rows int) bool {
	return vecCols != 0 && w%vecCols == 0 && rows > 0 && w > 0
}

// scaleShift sets y[r·ld+j] = x[r·ld+j]·al[j] + be[j] (ReLU'd when relu) for
// r < rows, j < len(al).
func scaleShift(y, x []float32, rows, ld int, al, be []float32, relu bool) {
	w := len(al)
	if !vecFits(w, rows) {
		scaleShiftGeneric(y, x, rows, ld, al, be, relu)
		return
	}
	_ = x[(rows-1)*ld+w-1]
	_ = y[(rows-1)*ld+w-1]
	_ = be[w-1]
	if vecCols == 16 {
		scaleShiftRows(&y[0], &x[0], rows, w, ld, &al[0], &be[0], relu)
	} else {
		scaleShiftRowsAVX2(&y[0], &x[0], rows, w, ld, &al[0], &be[0], relu)
	}
}

// scaleTo sets dst[i] = s·x[i] for i < len(x).
func scaleTo(dst, x []float32, s float32) {
	n := len(x)
	dst = dst[:n]
	v := 0
	if vecCols != 0 {
		v = n &^ (vecCols - 1)
	}
	if v > 0 {
		if vecCols == 16 {
			scaleVec512(&dst[0], &x[0], v, s)
		} else {
			scaleVecAVX2(&dst[0], &x[0], v, s)
		}
	}
	for i := v; i < n; i++ {
		dst[i] = s * x[i]
	}
}

// backSums sets s[j] = Σ_r g'[r,j] and d[j] = Σ_r g'[r,j]·(x[r,j]−mean[j])
// for j < len(s) (see bnSums; y nil means no ReLU mask). It reports false,
// doing nothing, when the vector path does not apply.
func backSums(g, x, y []float32, rows, ld int, mean []float32, s, d []float64) bool {
	w := len(s)
	if !vecFits(w, rows) {
		return false
	}
	last := (rows-1)*ld + w - 1
	_, _, _, _ = g[last], x[last], mean[w-1], d[w-1]
	var yp *float32
	if y != nil {
		_ = y[last]
	}
	for j := 0; j < w; j += vecCols {
		if y != nil {
			yp = &y[j]
		}
		if vecCols == 16 && j+32 <= w {
			bnSums32(&g[j], &x[j], yp, rows, ld, &mean[j], &s[j], &d[j])
			j += 16
		} else if vecCols == 16 {
			bnSums(&g[j], &x[j], yp, rows, ld, &mean[j], &s[j], &d[j])
		} else {
			bnSumsAVX2(&g[j], &x[j], yp, rows, ld, &mean[j], &s[j], &d[j])
		}
	}
	return true
}

// backDx is the vector path of the BatchNorm input gradient (see bnDx); it
// reports false, doing nothing, when it does not apply.
func backDx(dx, g, x, y []float32, rows, ld int, mean, mg, kk, sc []float32, train bool) bool {
	w := len(sc)
	if !vecFits(w, rows) {
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
	if vecCols == 16 {
		bnDx(&dx[0], &g[0], &x[0], yp, rows, w, ld, &mean[0], &mg[0], &kk[0], &sc[0], train)
	} else {
		bnDxAVX2(&dx[0], &g[0], &x[0], yp, rows, w, ld, &mean[0], &mg[0], &kk[0], &sc[0], train)
	}
	return true
}

// batchStats sets mean[j] and sq[j] = Σ_r (x[r,j]−mean[j])² for
// j < len(mean) (see bnStats); it reports false, doing nothing, when the
// vector path does not apply.
func batchStats(x []float32, rows, ld int, mean, sq []float64) bool {
	w := len(mean)
	if !vecFits(w, rows) {
		return false
	}
	_, _ = x[(rows-1)*ld+w-1], sq[w-1]
	for j := 0; j < w; j += vecCols {
		if vecCols == 16 {
			bnStats(&x[j], rows, ld, float64(rows), &mean[j], &sq[j])
		} else {
			bnStatsAVX2(&x[j], rows, ld, float64(rows), &mean[j], &sq[j])
		}
	}
	return true
}
