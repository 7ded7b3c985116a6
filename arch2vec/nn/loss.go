package nn

import "math"

// bceEpsilon is PyTorch's EPSILON in binary_cross_entropy_backward.
const bceEpsilon = 1e-12

// BCESum returns Σ_i −[y·max(log p, −100) + (1−y)·max(log(1−p), −100)],
// PyTorch's binary cross-entropy with its log clamp, summed in float64.
// Divide by the element count for reduction "mean".
func BCESum(p, y []float32) float64 {
	checkLen("bce y", y, len(p))
	var s float64
	for i, pv := range p {
		if pv == y[i] && (pv == 0 || pv == 1) {
			continue // an exact hit adds exactly ±0: skip the logarithms
		}
		yv := float64(y[i])
		lp := math.Max(math.Log(float64(pv)), -100)
		lq := math.Max(math.Log1p(-float64(pv)), -100)
		s += (yv-1)*lq - yv*lp
	}
	return s
}

// BCEBackwardTo sets dp[i] = scale·(p−y)/max((1−p)·p, 1e-12), PyTorch's
// binary_cross_entropy_backward; scale is the upstream gradient (1/count
// for reduction "mean"). dp may alias p.
func BCEBackwardTo(dp, p, y []float32, scale float32) {
	checkLen("bce backward dp", dp, len(p))
	checkLen("bce backward y", y, len(p))
	for i, pv := range p {
		den := (1 - pv) * pv
		if den < bceEpsilon {
			den = bceEpsilon
		}
		dp[i] = scale * (pv - y[i]) / den
	}
}

// KLRef is the arch2vec KL term (models/model.py L233) for rows node
// vectors of d dimensions, where logvar holds log σ:
//
//	KLD = −0.5/rows · mean_rows Σ_d (1 + 2·logvar − μ² − exp(logvar)²)
//
// i.e. the per-node Gaussian KL divided by rows twice (rows = B·N). std may
// hold exp(logvar) already (float32, as the reparameterisation computes it)
// or be nil. When dmu and dlogvar are not nil it adds the gradients to them.
func KLRef(mu, logvar, std, dmu, dlogvar []float32, rows, d int) float32 {
	n := rows * d
	checkLen("kl mu", mu, n)
	checkLen("kl logvar", logvar, n)
	e := func(i int) float32 {
		if std != nil {
			return std[i]
		}
		return float32(math.Exp(float64(logvar[i])))
	}
	var s float64
	for i, m := range mu[:n] {
		ei := float64(e(i))
		s += 1 + 2*float64(logvar[i]) - float64(m)*float64(m) - ei*ei
	}
	c := -0.5 / float64(rows) / float64(rows)
	if dmu != nil {
		cf := float32(c)
		for i, m := range mu[:n] {
			ei := e(i)
			dmu[i] += cf * (-2 * m)
			dlogvar[i] += cf * (2 - 2*ei*ei)
		}
	}
	return float32(c * s)
}
