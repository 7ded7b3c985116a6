package nn

import "math"

// BatchNorm1d is torch.nn.BatchNorm1d over the rows of a rows×F matrix
// (eps 1e-5, momentum 0.1, affine).
//
// In training mode it normalises with the batch mean and biased variance of
// all rows, and moves the running statistics toward the batch mean and the
// unbiased variance. In evaluation mode it uses the running statistics.
// Statistics are accumulated in float64 and the output is x·α + β' with
// α = γ/√(var+eps) and β' = β − mean·α, as PyTorch's CPU kernel computes it.
//
// Columns are independent, so large batches are processed in two fixed
// column halves on two goroutines with bit-identical results.
type BatchNorm1d struct {
	F                       int
	Weight, Bias            *Param // γ and β, trainable
	RunningMean, RunningVar *Param // buffers
	NumBatches              *Param // buffer: number of training batches seen (num_batches_tracked)
	Eps, Momentum           float32

	x           []float32 // input of the last Forward (aliased)
	rows        int
	train, relu bool
	mean        []float32 // statistics used by the last Forward
	invstd      []float32
	alpha, beta []float32 // per-column scale and shift of the last Forward
	y, dy, dx   []float32

	fwd, bwd func(lo, hi int) // method values, bound once (no allocation per call)
}

// NewBatchNorm1d returns a layer with γ=1, β=0, running mean 0 and running
// variance 1; params are named prefix+"weight", "bias", "running_mean",
// "running_var" and "num_batches_tracked".
func NewBatchNorm1d(prefix string, f int) *BatchNorm1d {
	bn := &BatchNorm1d{
		F: f, Eps: 1e-5, Momentum: 0.1,
		Weight: NewParam(prefix+"weight", f), Bias: NewParam(prefix+"bias", f),
		RunningMean: NewBuffer(prefix+"running_mean", f), RunningVar: NewBuffer(prefix+"running_var", f),
		NumBatches: NewBuffer(prefix + "num_batches_tracked"),
		mean:       make([]float32, f), invstd: make([]float32, f),
		alpha: make([]float32, f), beta: make([]float32, f),
	}
	for i := 0; i < f; i++ {
		bn.Weight.Data[i], bn.RunningVar.Data[i] = 1, 1
	}
	bn.fwd, bn.bwd = bn.forwardCols, bn.backwardCols
	return bn
}

// Params returns γ and β.
func (bn *BatchNorm1d) Params() []*Param { return []*Param{bn.Weight, bn.Bias} }

// Buffers returns the running mean, the running variance and the batch count.
func (bn *BatchNorm1d) Buffers() []*Param {
	return []*Param{bn.RunningMean, bn.RunningVar, bn.NumBatches}
}

// Forward normalises x (rows×F). The result is owned by the layer and valid
// until the next Forward; x is retained for Backward. Training mode needs at
// least 2 rows (the unbiased variance), as in PyTorch; it panics otherwise.
func (bn *BatchNorm1d) Forward(x []float32, rows int, train bool) []float32 {
	return bn.forward(x, rows, train, false)
}

// ForwardReLU is ReLU(Forward(x)) in one pass; pair it with BackwardReLU.
func (bn *BatchNorm1d) ForwardReLU(x []float32, rows int, train bool) []float32 {
	return bn.forward(x, rows, train, true)
}

// Forwarded returns the output of the last Forward (owned by the layer).
func (bn *BatchNorm1d) Forwarded() []float32 { return bn.y }

func (bn *BatchNorm1d) forward(x []float32, rows int, train, relu bool) []float32 {
	checkLen("batchnorm x", x, rows*bn.F)
	if train && rows < 2 {
		panic("nn: batchnorm: training needs more than one row")
	}
	bn.x, bn.rows, bn.train, bn.relu = x, rows, train, relu
	bn.y = grow(bn.y, rows*bn.F)
	parallelRange(bn.fwd, bn.F, 16, 8*rows*bn.F)
	if train {
		bn.NumBatches.Data[0]++
	}
	return bn.y
}

// forwardCols computes statistics and output for columns lo..hi-1.
func (bn *BatchNorm1d) forwardCols(lo, hi int) {
	f, rows, x := bn.F, bn.rows, bn.x
	const W = 64
	for j0 := lo; j0 < hi; j0 += W {
		w := min(W, hi-j0)
		if bn.train {
			var sum, sq [W]float64
			s, q := sum[:w], sq[:w]
			if !batchStats(x[j0:], rows, f, s, q) {
				batchStatsGeneric(x[j0:], rows, f, s, q)
			}
			mom := float64(bn.Momentum)
			for j := range s {
				jj := j0 + j
				bn.mean[jj] = float32(s[j])
				bn.invstd[jj] = float32(1 / math.Sqrt(q[j]/float64(rows)+float64(bn.Eps)))
				bn.RunningMean.Data[jj] = float32((1-mom)*float64(bn.RunningMean.Data[jj]) + mom*s[j])
				bn.RunningVar.Data[jj] = float32((1-mom)*float64(bn.RunningVar.Data[jj]) + mom*q[j]/float64(rows-1))
			}
		} else {
			bn.evalStats(j0, j0+w)
		}
		bn.affine(j0, j0+w)
		al, be := bn.alpha[j0:j0+w], bn.beta[j0:j0+w]
		scaleShift(bn.y[j0:], x[j0:], rows, f, al, be, bn.relu)
	}
}

// evalStats sets the mean and 1/√(var+eps) of columns lo..hi-1 from the
// running statistics (evaluation mode).
func (bn *BatchNorm1d) evalStats(lo, hi int) {
	for j := lo; j < hi; j++ {
		bn.mean[j] = bn.RunningMean.Data[j]
		bn.invstd[j] = float32(1 / math.Sqrt(float64(bn.RunningVar.Data[j])+float64(bn.Eps)))
	}
}

// affine sets α = invstd·γ and β' = β − mean·α for columns lo..hi-1.
func (bn *BatchNorm1d) affine(lo, hi int) {
	for j := lo; j < hi; j++ {
		a := bn.invstd[j] * bn.Weight.Data[j]
		bn.alpha[j] = a
		bn.beta[j] = bn.Bias.Data[j] - bn.mean[j]*a
	}
}

// EvalAffine returns the per-column scale α and shift β' with which
// evaluation mode computes y = x·α + β' (from the running statistics, γ
// and β, exactly as Forward does), for [Linear.ForwardEval]. The slices
// are owned by the layer and valid until its next Forward or EvalAffine.
// It overwrites the statistics kept for Backward: back-propagate first.
func (bn *BatchNorm1d) EvalAffine() (alpha, beta []float32) {
	bn.evalStats(0, bn.F)
	bn.affine(0, bn.F)
	return bn.alpha, bn.beta
}

// batchStatsGeneric sets s[j] to the mean of column j of the rows×len(s)
// block of x (rows ld apart) and q[j] to Σ (x−mean)², in float64.
func batchStatsGeneric(x []float32, rows, ld int, s, q []float64) {
	w := len(s)
	for r := 0; r < rows; r++ {
		for j, v := range x[r*ld : r*ld+w] {
			s[j] += float64(v)
		}
	}
	for j := range s {
		s[j] /= float64(rows)
	}
	for r := 0; r < rows; r++ {
		for j, v := range x[r*ld : r*ld+w] {
			d := float64(v) - s[j]
			q[j] += d * d
		}
	}
}

// scaleShiftGeneric is the portable scaleShift.
func scaleShiftGeneric(y, x []float32, rows, ld int, al, be []float32, relu bool) {
	w := len(al)
	for r := 0; r < rows; r++ {
		xr, yr := x[r*ld:r*ld+w], y[r*ld:r*ld+w]
		if relu {
			for j, v := range xr {
				b := math.Float32bits(v*al[j] + be[j])
				yr[j] = math.Float32frombits(b &^ uint32(int32(b)>>31))
			}
		} else {
			for j, v := range xr {
				yr[j] = v*al[j] + be[j]
			}
		}
	}
}

// Backward takes dy for the last Forward (through the ReLU if it was
// ForwardReLU; pass the gradient of the ReLU output then), sets the
// gradients of γ and β (overwriting them) and returns dx (rows×F, owned by
// the layer). dy is not modified.
func (bn *BatchNorm1d) Backward(dy []float32) []float32 {
	checkLen("batchnorm dy", dy, bn.rows*bn.F)
	bn.dy = dy
	bn.dx = grow(bn.dx, bn.rows*bn.F)
	parallelRange(bn.bwd, bn.F, 16, 10*bn.rows*bn.F)
	return bn.dx
}

// BackwardReLU is Backward for a ForwardReLU pass (an alias kept for
// symmetry: Backward applies the ReLU mask whenever the forward had it).
func (bn *BatchNorm1d) BackwardReLU(dy []float32) []float32 { return bn.Backward(dy) }

// backwardCols handles columns lo..hi-1: the ReLU mask (from the output),
// dγ = Σ g·x̂, dβ = Σ g and, in training mode, PyTorch's
// dx = (g − Σg/n − (x−μ)·k)·invstd·γ with k = Σg(x−μ)·invstd²/n; in
// evaluation mode dx = g·invstd·γ.
func (bn *BatchNorm1d) backwardCols(lo, hi int) {
	f, rows, x, dy := bn.F, bn.rows, bn.x, bn.dy
	const W = 64
	var y []float32
	if bn.relu {
		y = bn.y
	}
	for j0 := lo; j0 < hi; j0 += W {
		w := min(W, hi-j0)
		var sum, dot [W]float64
		s, d := sum[:w], dot[:w]
		mean := bn.mean[j0 : j0+w]
		var yj []float32
		if y != nil {
			yj = y[j0:]
		}
		if !backSums(dy[j0:], x[j0:], yj, rows, f, mean, s, d) {
			bn.sumsGeneric(j0, w, s, d)
		}
		var kk, mg, sc [W]float32
		for j := range s {
			jj := j0 + j
			bn.Weight.Grad[jj] = float32(d[j] * float64(bn.invstd[jj]))
			bn.Bias.Grad[jj] = float32(s[j])
			sc[j] = bn.invstd[jj] * bn.Weight.Data[jj]
			if bn.train {
				is := float64(bn.invstd[jj])
				kk[j] = float32(d[j] * is * is / float64(rows))
				mg[j] = float32(s[j] / float64(rows))
			}
		}
		if !backDx(bn.dx[j0:], dy[j0:], x[j0:], yj, rows, f, mean, mg[:w], kk[:w], sc[:w], bn.train) {
			bn.dxGeneric(j0, w, mg[:w], kk[:w], sc[:w])
		}
	}
}

// reluGrad returns dy masked by the ReLU output (threshold_backward: zero
// where y ≤ 0) when the forward had the ReLU, else dy.
func reluGrad(g, y float32, relu bool) float32 {
	if relu && y <= 0 {
		return 0
	}
	return g
}

// sumsGeneric is the portable column sums of backwardCols.
func (bn *BatchNorm1d) sumsGeneric(j0, w int, s, d []float64) {
	f, x, dy := bn.F, bn.x, bn.dy
	mean := bn.mean[j0 : j0+w]
	for r := 0; r < bn.rows; r++ {
		xr, gr := x[r*f+j0:r*f+j0+w], dy[r*f+j0:r*f+j0+w]
		yr := bn.y[r*f+j0 : r*f+j0+w]
		for j, g := range gr {
			g = reluGrad(g, yr[j], bn.relu)
			s[j] += float64(g)
			d[j] += float64(g) * float64(xr[j]-mean[j])
		}
	}
}

// dxGeneric is the portable input gradient of backwardCols.
func (bn *BatchNorm1d) dxGeneric(j0, w int, mg, kk, sc []float32) {
	f, x, dy := bn.F, bn.x, bn.dy
	mean := bn.mean[j0 : j0+w]
	for r := 0; r < bn.rows; r++ {
		xr, gr := x[r*f+j0:r*f+j0+w], dy[r*f+j0:r*f+j0+w]
		yr, dxr := bn.y[r*f+j0:r*f+j0+w], bn.dx[r*f+j0:r*f+j0+w]
		for j, g := range gr {
			g = reluGrad(g, yr[j], bn.relu)
			if bn.train {
				dxr[j] = (g - mg[j] - (xr[j]-mean[j])*kk[j]) * sc[j]
			} else {
				dxr[j] = g * sc[j]
			}
		}
	}
}
