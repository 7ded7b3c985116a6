package search

import "math"

// Acquisition selects the expected-improvement formula of a [BO] run.
type Acquisition int

const (
	// EIReference is arch2vec's dngo.py formula: with the predictive
	// variance v used where the standard deviation belongs and a fixed
	// target τ (BO.Target),
	//	u = (μ − τ)/v,  EI = v·(φ(u) + u·Φ(u)).
	EIReference Acquisition = iota
	// EITextbook is the usual expected improvement over the incumbent's
	// observed value τ = max y, with σ = √v:
	//	u = (μ − τ)/σ,  EI = σ·(φ(u) + u·Φ(u)).
	EITextbook
)

// String returns "reference" or "textbook".
func (a Acquisition) String() string {
	switch a {
	case EIReference:
		return "reference"
	case EITextbook:
		return "textbook"
	}
	return "Acquisition(?)"
}

// logEI returns log EI for scale s (v or σ) and u = (μ − τ)/s, so that
// candidates keep their order where EI itself underflows to 0 (with the
// reference formula u is often below −40 for most of the table, where the
// reference's float32 EI is exactly 0 and ties are broken by
// torch.argsort's internal order).
//
// EI = s·h(u) with h(u) = φ(u) + u·Φ(u). For u > −5, h is computed
// directly. Below, the direct form cancels (h ≈ φ(u)/u²), so with x = −u
// and Laplace's continued fraction for the Mills ratio
// Φ(u)/φ(u) = 1/(x + c), c = 1/(x + 2/(x + 3/(x + …))), it uses
// h = φ(u)·c/(x + c), which has no cancellation.
func logEI(s, u float64) float64 {
	if !(s > 0) {
		return math.Inf(-1)
	}
	if u > -5 {
		h := math.Exp(-u*u/2)/math.Sqrt(2*math.Pi) + u*0.5*math.Erfc(-u/math.Sqrt2)
		if h <= 0 {
			return math.Inf(-1)
		}
		return math.Log(s) + math.Log(h)
	}
	x := -u
	t := 0.0
	for k := millsTerms; k >= 2; k-- {
		t = float64(k) / (x + t)
	}
	c := 1 / (x + t)
	return math.Log(s) - u*u/2 - 0.5*math.Log(2*math.Pi) + math.Log(c) - math.Log(x+c)
}

// millsTerms is the depth of the continued fraction in logEI: at x = 5,
// 20 terms leave an error of 1e-13 in log h and 30 none measurable against
// 2000 terms; convergence is faster for larger x.
const millsTerms = 30

// topK keeps the k best (index, score) pairs seen, best first; ties go to
// the lower index when indices are offered in increasing order.
type topK struct {
	idx   []int
	score []float64
	k     int
}

func newTopK(k int) *topK { return &topK{k: k, idx: make([]int, 0, k), score: make([]float64, 0, k)} }

func (t *topK) reset() { t.idx, t.score = t.idx[:0], t.score[:0] }

func (t *topK) offer(i int, s float64) {
	if math.IsNaN(s) {
		s = math.Inf(-1)
	}
	n := len(t.idx)
	if n == t.k && !(s > t.score[n-1]) {
		return
	}
	if n < t.k {
		t.idx, t.score = append(t.idx, 0), append(t.score, 0)
		n++
	}
	j := n - 1
	for ; j > 0 && s > t.score[j-1]; j-- {
		t.idx[j], t.score[j] = t.idx[j-1], t.score[j-1]
	}
	t.idx[j], t.score[j] = i, s
}
