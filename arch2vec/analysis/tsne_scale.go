package analysis

import "math"

// ScaleToUnit splits an n×2 layout (row-major, as [TSNE] writes it) into
// its two axes and divides each by its largest magnitude, so that both
// lie in [−1, 1] and reach ±1: the scaling of arch2vec's figure 4
// (emb_x = emb[:, 0] / max|emb[:, 0]|). An axis that is all zeros stays
// zero; non-finite values are copied unchanged and ignored for the scale.
// It panics if len(layout) is odd.
func ScaleToUnit(layout []float64) (x, y []float64) {
	if len(layout)%2 != 0 {
		panic("analysis: scale to unit: layout of odd length")
	}
	n := len(layout) / 2
	x, y = make([]float64, n), make([]float64, n)
	for i := range n {
		x[i], y[i] = layout[2*i], layout[2*i+1]
	}
	scaleByMaxAbs(x)
	scaleByMaxAbs(y)
	return x, y
}

// scaleByMaxAbs divides v by its largest finite magnitude, if not 0.
func scaleByMaxAbs(v []float64) {
	big := 0.0
	for _, a := range v {
		if !math.IsInf(a, 0) && !math.IsNaN(a) {
			big = max(big, math.Abs(a))
		}
	}
	if big == 0 {
		return
	}
	for i := range v {
		v[i] /= big
	}
}
