package model

import (
	"math"
	"strings"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// ref64 is a float64 re-implementation of the GIN-VAE's forward pass, loss
// and backward pass (arch2vec.md §2, PyTorch's formulas) with plain loops,
// used to measure how far our float32 results and the PyTorch fixture each
// are from the exact answer for the fixture's (float32) weights, batch and
// noise. The one float32 step it keeps is the sigmoid of the decoder
// (see sigmoid32): its quantisation near 0 and 1 is part of the loss both
// implementations compute. With round32 every stored tensor (each layer's output, each
// gradient handed from one layer to the next) is rounded to float32, while
// every sum and formula inside a layer stays exact: an idealised float32
// implementation whose only error is the storage rounding that any float32
// implementation, PyTorch's included, must make.
type ref64 struct {
	b, n, c, hid, lat, layers int
	round32                   bool
	variant                   string // a deliberate semantic change, for the sensitivity check ("" = PyTorch's)
	// roundOnly, when not empty, rounds to float32 only the tensors stored
	// in the stages of the pass whose name starts with it: "enc" (encoder),
	// "enc<l>agg", "enc<l>lin0", "enc<l>bn0", "enc<l>lin1", "enc<l>bn1"
	// (one tensor of GIN layer l), "head" (μ, log σ, σ, z), "dec" (the
	// logit gradients) or "bwd" (the backward pass). It finds where the
	// storage rounding is amplified; stage is the current stage.
	roundOnly, stage string
	w                map[string][]float64 // weights and buffers by state_dict name
}

// ref64Out holds the outputs, loss, gradients and intermediates of a pass.
type ref64Out struct {
	mu, logvar, ops, adj []float64
	loss                 float64
	grad                 map[string][]float64
	running              map[string][]float64 // running statistics after a train pass
	// Per GIN layer: the aggregation, the inner BN+ReLU output, the outer
	// BN+ReLU output (the layer's output).
	agg, h0, x [][]float64
	// Per BatchNorm (inner then outer of each layer): max over rows and
	// columns of |x|/σ_batch, the factor by which the relative rounding of
	// its input is amplified in x̂ (train mode; 0 in eval mode).
	bnAmp []float64
}

func newRef64(state map[string][]float32, b, n, c int, round32 bool) *ref64 {
	r := &ref64{b: b, n: n, c: c, hid: 128, lat: 16, layers: 4, round32: round32, w: map[string][]float64{}}
	for k, v := range state {
		r.w[k] = to64(v)
	}
	return r
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// q rounds every element of v to float32 when round32 is set.
func (r *ref64) q(v []float64) []float64 {
	if r.round32 || (r.roundOnly != "" && strings.HasPrefix(r.stage, r.roundOnly)) {
		for i, x := range v {
			v[i] = float64(float32(x))
		}
	}
	return v
}

func (r *ref64) qs(x float64) float64 {
	if r.round32 || (r.roundOnly != "" && strings.HasPrefix(r.stage, r.roundOnly)) {
		return float64(float32(x))
	}
	return x
}

// linear64 is y = x·Wᵀ + b for rows rows.
func linear64(x, w, bias []float64, rows, in, out int) []float64 {
	y := make([]float64, rows*out)
	for i := 0; i < rows; i++ {
		for o := 0; o < out; o++ {
			s := bias[o]
			for k := 0; k < in; k++ {
				s += x[i*in+k] * w[o*in+k]
			}
			y[i*out+o] = s
		}
	}
	return y
}

// linearBack64 returns dx, dW and db of linear64.
func linearBack64(dy, x, w []float64, rows, in, out int) (dx, dw, db []float64) {
	dx, dw, db = make([]float64, rows*in), make([]float64, out*in), make([]float64, out)
	for i := 0; i < rows; i++ {
		for j := 0; j < out; j++ {
			g := dy[i*out+j]
			db[j] += g
			for k := 0; k < in; k++ {
				dw[j*in+k] += g * x[i*in+k]
				dx[i*in+k] += g * w[j*in+k]
			}
		}
	}
	return dx, dw, db
}

// bn64 is the state a BatchNorm1d+ReLU keeps for its backward pass.
type bn64 struct {
	xhat, y, gamma []float64
	invstd         []float64
	train          bool
	amp            float64 // max |x|·invstd (train mode)
}

// bnForward64 is BatchNorm1d (eps 1e-5) followed by ReLU; in training mode
// it also returns the new running mean and variance (momentum 0.1,
// unbiased variance).
func (r *ref64) bnForward64(x []float64, rows, f int, prefix string, train bool) (*bn64, []float64, []float64) {
	g, beta := r.w[prefix+"weight"], r.w[prefix+"bias"]
	rm, rv := r.w[prefix+"running_mean"], r.w[prefix+"running_var"]
	st := &bn64{xhat: make([]float64, rows*f), y: make([]float64, rows*f), gamma: g, invstd: make([]float64, f), train: train}
	nrm, nrv := make([]float64, f), make([]float64, f)
	for j := 0; j < f; j++ {
		mean, v := rm[j], rv[j]
		if train {
			mean = 0
			for i := 0; i < rows; i++ {
				mean += x[i*f+j]
			}
			mean /= float64(rows)
			v = 0
			for i := 0; i < rows; i++ {
				d := x[i*f+j] - mean
				v += d * d
			}
			nrm[j] = 0.9*rm[j] + 0.1*mean
			nrv[j] = 0.9*rv[j] + 0.1*v/float64(rows-1)
			if r.variant == "unbiased-norm" {
				v /= float64(rows - 1)
			} else {
				v /= float64(rows)
			}
		}
		is := 1 / math.Sqrt(v+1e-5)
		switch r.variant {
		case "eps-on-std":
			is = 1 / (math.Sqrt(v) + 1e-5)
		case "eps-1e-3":
			is = 1 / math.Sqrt(v+1e-3)
		}
		if train {
			for i := 0; i < rows; i++ {
				st.amp = math.Max(st.amp, math.Abs(x[i*f+j])*is)
			}
		}
		st.invstd[j] = is
		for i := 0; i < rows; i++ {
			xh := (x[i*f+j] - mean) * is
			st.xhat[i*f+j] = xh
			st.y[i*f+j] = math.Max(g[j]*xh+beta[j], 0)
		}
	}
	r.q(st.y)
	return st, nrm, nrv
}

// bnBackward64 returns dx, dγ and dβ of bnForward64 for dy (the gradient of
// the ReLU output).
func bnBackward64(st *bn64, dy []float64, rows, f int) (dx, dg, db []float64) {
	dx, dg, db = make([]float64, rows*f), make([]float64, f), make([]float64, f)
	gr := make([]float64, rows)
	for j := 0; j < f; j++ {
		for i := 0; i < rows; i++ {
			g := dy[i*f+j]
			if st.y[i*f+j] <= 0 {
				g = 0
			}
			gr[i] = g
			db[j] += g
			dg[j] += g * st.xhat[i*f+j]
		}
		sc := st.gamma[j] * st.invstd[j]
		for i := 0; i < rows; i++ {
			if st.train {
				dx[i*f+j] = sc * (gr[i] - db[j]/float64(rows) - st.xhat[i*f+j]*dg[j]/float64(rows))
			} else {
				dx[i*f+j] = sc * gr[i]
			}
		}
	}
	return dx, dg, db
}

// gin64 is the GIN aggregation (1+ε)·x + A·x per graph (A = asym, b graphs
// of n nodes, f features) or, with transposed, its backward (1+ε)·x + Aᵀ·x.
func gin64(x, asym []float64, eps float64, b, n, f int, transposed bool) []float64 {
	out := make([]float64, b*n*f)
	for g := 0; g < b; g++ {
		a := asym[g*n*n : (g+1)*n*n]
		for i := 0; i < n; i++ {
			for k := 0; k < f; k++ {
				s := (1 + eps) * x[(g*n+i)*f+k]
				for j := 0; j < n; j++ {
					w := a[i*n+j]
					if transposed {
						w = a[j*n+i]
					}
					s += w * x[(g*n+j)*f+k]
				}
				out[(g*n+i)*f+k] = s
			}
		}
	}
	return out
}

// sigmoid32 is the sigmoid as every float32 implementation computes it,
// PyTorch's and ours: of the float32 logit, rounded to float32. Near 0 and 1
// its output is quantised (1−p is a multiple of 2⁻²⁴, exactly 1 above
// x ≈ 16.6), and the loss and its gradient (p−y for a wrong-way saturated
// adjacency entry, a 100/count log clamp when p is exactly 0 or 1) follow
// that quantisation, not the exact sigmoid; an exact sigmoid there would
// move the loss by 0.5.
func sigmoid32(x float64) float64 { return float64(nn.Sigmoid(float32(x))) }

// bce64 is PyTorch's binary cross-entropy term with its log clamp at −100,
// and dp = (p−y)/max(p(1−p), 1e-12) its derivative.
func bce64(p, y float64) (loss, dp float64) {
	lp := math.Max(math.Log(p), -100)
	lq := math.Max(math.Log1p(-p), -100)
	return -(y*lp + (1-y)*lq), (p - y) / math.Max(p*(1-p), 1e-12)
}

// run is one step: forward, loss (VAEReconstructed_Loss) and backward on
// the batch (adj B×N×N strict upper triangle, ops B×N×C); noise is used in
// training mode.
func (r *ref64) run(adj, ops, noise []float64, train bool) *ref64Out {
	b, n, c, hid, lat := r.b, r.n, r.c, r.hid, r.lat
	rows := b * n
	out := &ref64Out{grad: map[string][]float64{}, running: map[string][]float64{}}
	asym := make([]float64, b*n*n)
	for g := 0; g < b; g++ {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				v := adj[g*n*n+i*n+j]
				if i > j {
					v += adj[g*n*n+j*n+i]
				}
				asym[g*n*n+i*n+j] = v
			}
		}
	}
	eps := r.w["eps"]
	type layerState struct {
		in, agg, h0 []float64
		bn0, bn1    *bn64
	}
	ls := make([]layerState, r.layers)
	x, fin := ops, c
	for l := 0; l < r.layers; l++ {
		p := "mlps." + itoa(l) + "."
		r.stage = "enc" + itoa(l) + "agg"
		agg := r.q(gin64(x, asym, eps[l], b, n, fin, false))
		r.stage = "enc" + itoa(l) + "lin0"
		h := r.q(linear64(agg, r.w[p+"linears.0.weight"], r.w[p+"linears.0.bias"], rows, fin, hid))
		r.stage = "enc" + itoa(l) + "bn0"
		bn0, m0, v0 := r.bnForward64(h, rows, hid, p+"batch_norms.0.", train)
		r.stage = "enc" + itoa(l) + "lin1"
		h2 := r.q(linear64(bn0.y, r.w[p+"linears.1.weight"], r.w[p+"linears.1.bias"], rows, hid, hid))
		q1 := "batch_norms." + itoa(l) + "."
		r.stage = "enc" + itoa(l) + "bn1"
		bn1, m1, v1 := r.bnForward64(h2, rows, hid, q1, train)
		if train {
			out.running[p+"batch_norms.0.running_mean"], out.running[p+"batch_norms.0.running_var"] = m0, v0
			out.running[q1+"running_mean"], out.running[q1+"running_var"] = m1, v1
		}
		ls[l] = layerState{in: x, agg: agg, h0: bn0.y, bn0: bn0, bn1: bn1}
		out.bnAmp = append(out.bnAmp, bn0.amp, bn1.amp)
		out.agg, out.h0, out.x = append(out.agg, agg), append(out.h0, bn0.y), append(out.x, bn1.y)
		x, fin = bn1.y, hid
	}
	r.stage = "head"
	mu := r.q(linear64(x, r.w["fc1.weight"], r.w["fc1.bias"], rows, hid, lat))
	lv := r.q(linear64(x, r.w["fc2.weight"], r.w["fc2.bias"], rows, hid, lat))
	std := make([]float64, rows*lat)
	z := make([]float64, rows*lat)
	for i := range z {
		std[i] = r.qs(math.Exp(lv[i]))
		z[i] = mu[i]
		if train {
			z[i] = mu[i] + noise[i]*std[i]
		}
	}
	r.q(z)
	ol := linear64(z, r.w["decoder.weight.weight"], r.w["decoder.weight.bias"], rows, lat, c)
	opsRec := make([]float64, rows*c)
	for i, v := range ol {
		opsRec[i] = sigmoid32(v)
	}
	adjRec := make([]float64, b*n*n)
	for g := 0; g < b; g++ {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				s := 0.0
				for d := 0; d < lat; d++ {
					s += z[(g*n+i)*lat+d] * z[(g*n+j)*lat+d]
				}
				adjRec[g*n*n+i*n+j] = sigmoid32(s)
			}
		}
	}
	// Loss and its gradient with respect to the logits.
	r.stage = "dec"
	var lossOps, lossAdj, kl float64
	dol := make([]float64, rows*c)
	for i, p := range opsRec {
		l, dp := bce64(p, ops[i])
		lossOps += l
		dol[i] = r.qs(r.qs(dp/float64(rows*c)) * p * (1 - p))
	}
	dal := make([]float64, b*n*n)
	for g := 0; g < b; g++ {
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				k := g*n*n + i*n + j
				l, dp := bce64(adjRec[k], adj[k])
				lossAdj += l
				p := adjRec[k]
				dal[k] = r.qs(r.qs(dp/float64(b*n*n)) * p * (1 - p))
			}
		}
	}
	for i := range mu {
		kl += 1 + 2*lv[i] - mu[i]*mu[i] - std[i]*std[i]
	}
	kc := -0.5 / float64(rows) / float64(rows)
	out.loss = lossOps/float64(rows*c) + lossAdj/float64(b*n*n) + kc*kl
	// Decoder backward.
	r.stage = "bwd"
	dz, dw, db := linearBack64(dol, z, r.w["decoder.weight.weight"], rows, lat, c)
	out.grad["decoder.weight.weight"], out.grad["decoder.weight.bias"] = r.q(dw), r.q(db)
	for g := 0; g < b; g++ {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				w := dal[g*n*n+i*n+j] + dal[g*n*n+j*n+i]
				for d := 0; d < lat; d++ {
					dz[(g*n+i)*lat+d] += w * z[(g*n+j)*lat+d]
				}
			}
		}
	}
	r.q(dz)
	dmu, dlv := make([]float64, rows*lat), make([]float64, rows*lat)
	for i := range dz {
		dmu[i] = dz[i] + kc*(-2*mu[i])
		dlv[i] = kc * (2 - 2*std[i]*std[i])
		if train {
			dlv[i] += dz[i] * noise[i] * std[i]
		}
	}
	r.q(dmu)
	r.q(dlv)
	dx1, dw1, db1 := linearBack64(dmu, x, r.w["fc1.weight"], rows, hid, lat)
	dx2, dw2, db2 := linearBack64(dlv, x, r.w["fc2.weight"], rows, hid, lat)
	out.grad["fc1.weight"], out.grad["fc1.bias"] = r.q(dw1), r.q(db1)
	out.grad["fc2.weight"], out.grad["fc2.bias"] = r.q(dw2), r.q(db2)
	dx := make([]float64, rows*hid)
	for i := range dx {
		dx[i] = dx1[i] + dx2[i]
	}
	r.q(dx)
	deps := make([]float64, r.layers)
	for l := r.layers - 1; l >= 0; l-- {
		p, q1 := "mlps."+itoa(l)+".", "batch_norms."+itoa(l)+"."
		L := ls[l]
		fin := hid
		if l == 0 {
			fin = c
		}
		d, dg, dbb := bnBackward64(L.bn1, dx, rows, hid)
		out.grad[q1+"weight"], out.grad[q1+"bias"] = r.q(dg), r.q(dbb)
		r.q(d)
		d, dw, db := linearBack64(d, L.h0, r.w[p+"linears.1.weight"], rows, hid, hid)
		out.grad[p+"linears.1.weight"], out.grad[p+"linears.1.bias"] = r.q(dw), r.q(db)
		r.q(d)
		d, dg, dbb = bnBackward64(L.bn0, d, rows, hid)
		out.grad[p+"batch_norms.0.weight"], out.grad[p+"batch_norms.0.bias"] = r.q(dg), r.q(dbb)
		r.q(d)
		dagg, dw, db := linearBack64(d, L.agg, r.w[p+"linears.0.weight"], rows, fin, hid)
		out.grad[p+"linears.0.weight"], out.grad[p+"linears.0.bias"] = r.q(dw), r.q(db)
		r.q(dagg)
		for i, v := range dagg {
			deps[l] += v * L.in[i]
		}
		dx = r.q(gin64(dagg, asym, eps[l], b, n, fin, true))
	}
	out.grad["eps"] = r.q(deps)
	out.mu, out.logvar, out.ops, out.adj = mu, lv, opsRec, adjRec
	return out
}
