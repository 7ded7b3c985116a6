package nn

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"unsafe"
)

// Linear is torch.nn.Linear: y = x·Wᵀ + b for every row of x, with W Out×In.
type Linear struct {
	In, Out int    // input and output widths
	W, B    *Param // weight (Out×In) and bias (Out)

	wt    []float32 // In×Out copy of W, refreshed when W differs from wsnap
	wsnap []float32 // W as of the last transposition
	x     []float32 // input of the last Forward (aliased, not copied)
	rows  int
	y     []float32 // rows×Out, owned
	dx    []float32 // rows×In, owned

	evalOnly bool // the last forward was ForwardEval (no backward possible)
}

// NewLinear returns a layer with PyTorch's default initialisation: weight
// and bias uniform in ±1/√In, drawn from rng (weight row-major, then bias).
// The params are named prefix+"weight" and prefix+"bias".
func NewLinear(prefix string, in, out int, rng *rand.Rand) *Linear {
	l := &Linear{In: in, Out: out, W: NewParam(prefix+"weight", out, in), B: NewParam(prefix+"bias", out)}
	bound := 1 / math.Sqrt(float64(in))
	for _, p := range []*Param{l.W, l.B} {
		for i := range p.Data {
			p.Data[i] = float32((2*rng.Float64() - 1) * bound)
		}
	}
	return l
}

// Params returns the weight and the bias.
func (l *Linear) Params() []*Param { return []*Param{l.W, l.B} }

// Forward computes y (rows×Out) from x (rows×In). The result is owned by the
// layer and valid until the next Forward; x is retained for Backward and
// must not change until then. It panics if x is too short.
func (l *Linear) Forward(x []float32, rows int) []float32 {
	l.Refresh()
	return l.ForwardFresh(x, rows)
}

// Refresh brings the layer's transposed copy of W up to date (a bytewise
// comparison of W with the snapshot of the last transposition, 64 KB for
// a 128×128 layer). Forward calls it; call it yourself before a series of
// ForwardFresh calls.
func (l *Linear) Refresh() {
	if !l.wtFresh() {
		l.wt = grow(l.wt, l.In*l.Out)
		transposeTo(l.wt, l.W.Data, l.Out, l.In)
		l.wsnap = append(l.wsnap[:0], l.W.Data...)
	}
}

// ForwardFresh is Forward without the check that W changed: the caller
// promises that W.Data has not been written since the last Forward or
// Refresh (as within one evaluation pass over many tiles of a batch).
func (l *Linear) ForwardFresh(x []float32, rows int) []float32 {
	checkLen("linear forward x", x, rows*l.In)
	if len(l.wt) != l.In*l.Out {
		l.Refresh()
	}
	l.x, l.rows, l.evalOnly = x, rows, false
	l.y = grow(l.y, rows*l.Out)
	// Rows start from the bias inside the kernel.
	gemm(rows, l.Out, l.In, x, l.In, 1, l.wt, l.Out, l.y, l.Out, false, epi{bias: l.B.Data})
	return l.y
}

// ForwardEval is ForwardFresh followed by y·al + be per column and, with
// relu, max(·, 0): an evaluation-mode BatchNorm (see
// [BatchNorm1d.EvalAffine]) and ReLU fused into the product, with the same
// results as the separate passes. The output cannot be back-propagated
// (Backward would need the layer's own output); use it for inference.
func (l *Linear) ForwardEval(x []float32, rows int, al, be []float32, relu bool) []float32 {
	checkLen("linear forward x", x, rows*l.In)
	checkLen("linear eval scale", al, l.Out)
	checkLen("linear eval shift", be, l.Out)
	if len(l.wt) != l.In*l.Out {
		l.Refresh()
	}
	l.x, l.rows, l.evalOnly = nil, 0, true
	l.y = grow(l.y, rows*l.Out)
	if !vecFits(l.Out, rows) {
		// BatchNorm would take its portable (unfused) pass: do the same.
		gemm(rows, l.Out, l.In, x, l.In, 1, l.wt, l.Out, l.y, l.Out, false, epi{bias: l.B.Data})
		scaleShift(l.y, l.y, rows, l.Out, al[:l.Out], be, relu)
		return l.y
	}
	gemm(rows, l.Out, l.In, x, l.In, 1, l.wt, l.Out, l.y, l.Out, false, epi{bias: l.B.Data, al: al, be: be, relu: relu})
	return l.y
}

// Backward takes dy (rows×Out) for the last Forward, sets W.Grad and
// B.Grad (overwriting them) and, when needDX, returns dx (rows×In, owned by
// the layer); otherwise it returns nil.
func (l *Linear) Backward(dy []float32, needDX bool) []float32 {
	if l.evalOnly {
		panic("nn: linear " + l.W.Name + ": Backward after ForwardEval")
	}
	rows := l.rows
	checkLen("linear backward dy", dy, rows*l.Out)
	if len(l.W.Grad) != l.Out*l.In {
		panic(fmt.Sprintf("nn: linear %s: grad length %d", l.W.Name, len(l.W.Grad)))
	}
	// dW (Out×In) = dyᵀ · x
	gemm(l.Out, l.In, rows, dy, 1, l.Out, l.x, l.In, l.W.Grad, l.In, false, epi{})
	ColSumTo(l.B.Grad, dy, rows, l.Out)
	if !needDX {
		return nil
	}
	l.dx = grow(l.dx, rows*l.In)
	gemm(rows, l.In, l.Out, dy, l.Out, 1, l.W.Data, l.In, l.dx, l.In, false, epi{})
	return l.dx
}

// zeros256 is a zero mean for the plain column sums of ColSumTo.
var zeros256 [256]float32

// ColSumTo sets dst[j] = Σ_r x[r*n+j] over rows rows, summing in float64.
func ColSumTo(dst, x []float32, rows, n int) {
	checkLen("colsum x", x, rows*n)
	checkLen("colsum dst", dst, n)
	if n <= 256 {
		var s, d [256]float64
		if backSums(x, x, nil, rows, n, zeros256[:n], s[:n], d[:n]) {
			for j := range n {
				dst[j] = float32(s[j])
			}
			return
		}
	}
	var acc [256]float64
	for j0 := 0; j0 < n; j0 += len(acc) {
		w := min(len(acc), n-j0)
		s := acc[:w]
		clear(s)
		for r := 0; r < rows; r++ {
			xr := x[r*n+j0 : r*n+j0+w]
			for j, v := range xr {
				s[j] += float64(v)
			}
		}
		for j, v := range s {
			dst[j0+j] = float32(v)
		}
	}
}

// transposeTo sets dst (c×r) to the transpose of src (r×c). For c a
// multiple of 8 it moves 8 columns at a time: one contiguous read per source
// row, eight sequential write streams.
func transposeTo(dst, src []float32, r, c int) {
	j0 := 0
	if r > 0 {
		for ; j0+8 <= c; j0 += 8 {
			d0, d1, d2, d3 := dst[j0*r:j0*r+r], dst[(j0+1)*r:(j0+1)*r+r], dst[(j0+2)*r:(j0+2)*r+r], dst[(j0+3)*r:(j0+3)*r+r]
			d4, d5, d6, d7 := dst[(j0+4)*r:(j0+4)*r+r], dst[(j0+5)*r:(j0+5)*r+r], dst[(j0+6)*r:(j0+6)*r+r], dst[(j0+7)*r:(j0+7)*r+r]
			for i := range d0 {
				v := (*[8]float32)(src[i*c+j0:])
				d0[i], d1[i], d2[i], d3[i] = v[0], v[1], v[2], v[3]
				d4[i], d5[i], d6[i], d7[i] = v[4], v[5], v[6], v[7]
			}
		}
	}
	for j := j0; j < c; j++ {
		for i := 0; i < r; i++ {
			dst[j*r+i] = src[i*c+j]
		}
	}
}

// wtFresh reports whether wt is the transpose of the current W, by a
// bytewise comparison with the snapshot taken at the last transposition
// (memcmp speed; weights change only between steps, and callers may write
// W.Data directly, so no version counter could be trusted).
func (l *Linear) wtFresh() bool {
	n := len(l.W.Data)
	if len(l.wsnap) != n || n == 0 {
		return false
	}
	a := unsafe.Slice((*byte)(unsafe.Pointer(&l.W.Data[0])), 4*n)
	b := unsafe.Slice((*byte)(unsafe.Pointer(&l.wsnap[0])), 4*n)
	return bytes.Equal(a, b)
}
