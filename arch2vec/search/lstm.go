package search

import (
	"math"
	"math/rand/v2"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// lstmCell is torch.nn.LSTMCell in float32 with explicit forward and
// backward passes over one sequence. Gates are stacked in PyTorch's order
// i, f, g, o:
//
//	[i f g o] = W_ih·x + b_ih + W_hh·h + b_hh
//	i, f, o = σ(·);  g = tanh(·)
//	c' = f⊙c + i⊙g;  h' = o⊙tanh(c')
//
// The state starts at zero (PyTorch's hx=None). Forward appends a step to
// the sequence; Backward runs backpropagation through time over all steps
// since the last Reset and accumulates into the parameters' Grad.
type lstmCell struct {
	in, hid            int
	wih, whh, bih, bhh *nn.Param

	steps int
	xs    []float32 // steps×in inputs
	hs    []float32 // (steps+1)×hid, row 0 is the zero initial state
	cs    []float32 // (steps+1)×hid
	gates []float32 // steps×4hid activated gates
	tcs   []float32 // steps×hid tanh(c)
	pre   []float32 // 4hid scratch
	dg    []float32 // 4hid scratch
	dhn   []float32 // hid: gradient flowing to the previous h
	dcn   []float32 // hid: gradient flowing to the previous c
}

// newLSTMCell returns a cell with PyTorch's initialisation: every weight
// and bias uniform in ±1/√hid, drawn in the order weight_ih, weight_hh,
// bias_ih, bias_hh.
func newLSTMCell(prefix string, in, hid int, rng *rand.Rand) *lstmCell {
	l := &lstmCell{in: in, hid: hid,
		wih: nn.NewParam(prefix+"weight_ih", 4*hid, in), whh: nn.NewParam(prefix+"weight_hh", 4*hid, hid),
		bih: nn.NewParam(prefix+"bias_ih", 4*hid), bhh: nn.NewParam(prefix+"bias_hh", 4*hid),
		pre: make([]float32, 4*hid), dg: make([]float32, 4*hid),
		dhn: make([]float32, hid), dcn: make([]float32, hid)}
	bound := 1 / math.Sqrt(float64(hid))
	for _, p := range l.params() {
		for i := range p.Data {
			p.Data[i] = float32((2*rng.Float64() - 1) * bound)
		}
	}
	l.Reset()
	return l
}

func (l *lstmCell) params() []*nn.Param { return []*nn.Param{l.wih, l.whh, l.bih, l.bhh} }

// Reset forgets the sequence: the next Forward starts from h = c = 0.
func (l *lstmCell) Reset() {
	l.steps = 0
	l.xs = l.xs[:0]
	l.hs = append(l.hs[:0], make([]float32, l.hid)...)
	l.cs = append(l.cs[:0], make([]float32, l.hid)...)
	l.gates = l.gates[:0]
	l.tcs = l.tcs[:0]
}

// Forward advances the state by one input x (len in) and returns the new
// h, a view valid until the next Forward or Reset.
func (l *lstmCell) Forward(x []float32) []float32 {
	H, t := l.hid, l.steps
	hPrev := l.hs[t*H : (t+1)*H]
	cPrev := l.cs[t*H : (t+1)*H]
	pre := l.pre
	for r := 0; r < 4*H; r++ {
		s := l.bih.Data[r] + l.bhh.Data[r]
		for j, v := range l.wih.Data[r*l.in : (r+1)*l.in] {
			s += v * x[j]
		}
		for j, v := range l.whh.Data[r*H : (r+1)*H] {
			s += v * hPrev[j]
		}
		pre[r] = s
	}
	l.xs = append(l.xs, x[:l.in]...)
	g0 := len(l.gates)
	l.gates = append(l.gates, pre...)
	gt := l.gates[g0:]
	l.hs = append(l.hs, make([]float32, H)...)
	l.cs = append(l.cs, make([]float32, H)...)
	l.tcs = append(l.tcs, make([]float32, H)...)
	h, c, tc := l.hs[(t+1)*H:], l.cs[(t+1)*H:], l.tcs[t*H:]
	for j := 0; j < H; j++ {
		i, f := sigmoid32(gt[j]), sigmoid32(gt[H+j])
		g, o := tanh32(gt[2*H+j]), sigmoid32(gt[3*H+j])
		gt[j], gt[H+j], gt[2*H+j], gt[3*H+j] = i, f, g, o
		c[j] = f*cPrev[j] + i*g
		tc[j] = tanh32(c[j])
		h[j] = o * tc[j]
	}
	l.steps++
	return h
}

// Backward takes dh (steps×hid), the loss gradient with respect to each
// step's output h, and accumulates the parameter gradients by
// backpropagation through time. If dx is not nil (steps×in) it receives
// the gradient with respect to each step's input (for a trainable
// [Encoder]).
func (l *lstmCell) Backward(dh, dx []float32) {
	H := l.hid
	clear(l.dhn)
	clear(l.dcn)
	for t := l.steps - 1; t >= 0; t-- {
		gt := l.gates[t*4*H : (t+1)*4*H]
		tc := l.tcs[t*H : (t+1)*H]
		cPrev := l.cs[t*H : (t+1)*H]
		hPrev := l.hs[t*H : (t+1)*H]
		x := l.xs[t*l.in : (t+1)*l.in]
		dg := l.dg
		for j := 0; j < H; j++ {
			i, f, g, o := gt[j], gt[H+j], gt[2*H+j], gt[3*H+j]
			d := dh[t*H+j] + l.dhn[j]
			dc := d*o*(1-tc[j]*tc[j]) + l.dcn[j]
			dg[j] = dc * g * i * (1 - i)
			dg[H+j] = dc * cPrev[j] * f * (1 - f)
			dg[2*H+j] = dc * i * (1 - g*g)
			dg[3*H+j] = d * tc[j] * o * (1 - o)
			l.dcn[j] = dc * f
		}
		clear(l.dhn)
		if dx != nil {
			dxt := dx[t*l.in : (t+1)*l.in]
			clear(dxt)
			for r, d := range dg {
				for j, v := range l.wih.Data[r*l.in : (r+1)*l.in] {
					dxt[j] += d * v
				}
			}
		}
		for r, d := range dg {
			if d == 0 {
				continue
			}
			l.bih.Grad[r] += d
			l.bhh.Grad[r] += d
			wi := l.wih.Grad[r*l.in : (r+1)*l.in]
			for j, v := range x {
				wi[j] += d * v
			}
			wh := l.whh.Grad[r*H : (r+1)*H]
			whd := l.whh.Data[r*H : (r+1)*H]
			for j, v := range hPrev {
				wh[j] += d * v
				l.dhn[j] += d * whd[j]
			}
		}
	}
}

func sigmoid32(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

func tanh32(x float32) float32 { return float32(math.Tanh(float64(x))) }
