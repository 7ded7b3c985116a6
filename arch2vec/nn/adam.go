package nn

import (
	"fmt"
	"math"
)

// Adam is torch.optim.Adam (single-tensor path, no weight decay, no amsgrad):
//
//	m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
//	p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps)
//
// The zero values of LR, Beta1, Beta2 and Eps mean the PyTorch defaults
// 1e-3, 0.9, 0.999 and 1e-8. The moment buffers are allocated on the first
// Step, in the order of the params slice.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	step                  int
	m, v                  [][]float32
}

// AdamState is the serialisable state of an Adam optimiser: the step count
// and the first and second moments, one slice per parameter in the order of
// the params passed to Step.
type AdamState struct {
	Step int
	M, V [][]float32
}

// State returns a deep copy of the optimiser state.
func (a *Adam) State() AdamState {
	s := AdamState{Step: a.step, M: make([][]float32, len(a.m)), V: make([][]float32, len(a.v))}
	for i := range a.m {
		s.M[i] = append([]float32(nil), a.m[i]...)
		s.V[i] = append([]float32(nil), a.v[i]...)
	}
	return s
}

// SetState restores a state from State. It returns an error if the moments
// do not match params in number or length.
func (a *Adam) SetState(s AdamState, params []*Param) error {
	if s.Step == 0 && len(s.M) == 0 {
		a.step, a.m, a.v = 0, nil, nil
		return nil
	}
	if len(s.M) != len(params) || len(s.V) != len(params) {
		return fmt.Errorf("nn: adam state: %d/%d moments for %d params", len(s.M), len(s.V), len(params))
	}
	for i, p := range params {
		if len(s.M[i]) != len(p.Data) || len(s.V[i]) != len(p.Data) {
			return fmt.Errorf("nn: adam state: moment %d (%s) has length %d/%d, want %d", i, p.Name, len(s.M[i]), len(s.V[i]), len(p.Data))
		}
	}
	st := AdamState{Step: s.Step, M: s.M, V: s.V}
	cp := (&Adam{step: st.Step, m: st.M, v: st.V}).State()
	a.step, a.m, a.v = cp.Step, cp.M, cp.V
	return nil
}

func orDefault(x, def float64) float64 {
	if x == 0 {
		return def
	}
	return x
}

// Step applies one update to every param from its Grad. It panics if params
// change in number or size between calls.
func (a *Adam) Step(params []*Param) {
	lr, b1, b2, eps := orDefault(a.LR, 1e-3), orDefault(a.Beta1, 0.9), orDefault(a.Beta2, 0.999), orDefault(a.Eps, 1e-8)
	if a.m == nil {
		a.m = make([][]float32, len(params))
		a.v = make([][]float32, len(params))
		for i, p := range params {
			a.m[i] = make([]float32, len(p.Data))
			a.v[i] = make([]float32, len(p.Data))
		}
	}
	if len(a.m) != len(params) {
		panic(fmt.Sprintf("nn: adam: %d params, state has %d", len(params), len(a.m)))
	}
	a.step++
	bc1 := 1 - math.Pow(b1, float64(a.step))
	bc2 := 1 - math.Pow(b2, float64(a.step))
	stepSize := float32(lr / bc1)
	bc2s := float32(math.Sqrt(bc2))
	c1, c2, fb2, feps := float32(1-b1), float32(1-b2), float32(b2), float32(eps)
	for i, p := range params {
		m, v, g, d := a.m[i], a.v[i], p.Grad, p.Data
		if len(m) != len(d) || len(g) != len(d) {
			panic(fmt.Sprintf("nn: adam: param %s has %d values, state %d", p.Name, len(d), len(m)))
		}
		adamUpdate(d, g, m, v, c1, fb2, c2, bc2s, feps, stepSize)
	}
}

// adamScalar is the element update of Adam.Step, in float32 as torch's
// single-tensor path; adamUpdate runs it on the vector path where it can.
// The explicit float32 conversions forbid the compiler to fuse a multiply
// and an add (as it may on arm64, or amd64 with GOAMD64=v3), so every
// platform and both paths round each operation the same way.
func adamScalar(d, g, m, v []float32, c1, b2, c2, bc2s, eps, step float32) {
	g, m, v = g[:len(d)], m[:len(d)], v[:len(d)]
	for j := range d {
		gj := g[j]
		m[j] += float32((gj - m[j]) * c1) // torch lerp_(grad, 1-β1)
		v[j] = float32(v[j]*b2) + float32(gj*gj*c2)
		den := float32(float32(math.Sqrt(float64(v[j])))/bc2s) + eps
		d[j] -= float32(step * (m[j] / den))
	}
}

// ClipGradNorm is torch.nn.utils.clip_grad_norm_ with the L2 norm: it
// returns the global norm of all gradients (before clipping) and, when
// maxNorm/(norm+1e-6) < 1, scales every gradient by that factor.
func ClipGradNorm(params []*Param, maxNorm float32) (total float32) {
	var s float64
	for _, p := range params {
		pn := float32(math.Sqrt(sumSquares(p.Grad))) // torch takes the norm of per-tensor norms
		s += float64(pn) * float64(pn)
	}
	total = float32(math.Sqrt(s))
	coef := maxNorm / (total + 1e-6)
	if coef < 1 {
		for _, p := range params {
			for j := range p.Grad {
				p.Grad[j] *= coef
			}
		}
	}
	return total
}

// sumSquares returns Σ x² in float64 (each square is exact), accumulated in
// eight interleaved partial sums (element j into sum j mod 8, the tail into
// the first) that are then added in order: a fixed order on every platform,
// and eight independent addition chains instead of one latency-bound one.
func sumSquares(x []float32) float64 {
	var p [8]float64
	n := len(x) &^ 7
	for j := 0; j < n; j += 8 {
		v := (*[8]float32)(x[j : j+8])
		p[0] += float64(v[0]) * float64(v[0])
		p[1] += float64(v[1]) * float64(v[1])
		p[2] += float64(v[2]) * float64(v[2])
		p[3] += float64(v[3]) * float64(v[3])
		p[4] += float64(v[4]) * float64(v[4])
		p[5] += float64(v[5]) * float64(v[5])
		p[6] += float64(v[6]) * float64(v[6])
		p[7] += float64(v[7]) * float64(v[7])
	}
	for _, v := range x[n:] {
		p[0] += float64(v) * float64(v)
	}
	s := p[0]
	for _, v := range p[1:] {
		s += v
	}
	return s
}
