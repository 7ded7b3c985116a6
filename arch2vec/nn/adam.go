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
		for j := range d {
			gj := g[j]
			m[j] += (gj - m[j]) * c1 // torch lerp_(grad, 1-β1)
			v[j] = v[j]*fb2 + gj*gj*c2
			den := float32(math.Sqrt(float64(v[j])))/bc2s + feps
			d[j] -= stepSize * (m[j] / den)
		}
	}
}

// ClipGradNorm is torch.nn.utils.clip_grad_norm_ with the L2 norm: it
// returns the global norm of all gradients (before clipping) and, when
// maxNorm/(norm+1e-6) < 1, scales every gradient by that factor.
func ClipGradNorm(params []*Param, maxNorm float32) (total float32) {
	var s float64
	for _, p := range params {
		var ps float64
		for _, g := range p.Grad {
			ps += float64(g) * float64(g)
		}
		pn := float32(math.Sqrt(ps)) // torch takes the norm of per-tensor norms
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
