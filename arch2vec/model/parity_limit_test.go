package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// e64 is the worst deviation of one tensor from a reference under the
// fixture's tolerance (1e-4 relative, 1e-5 absolute where |ref| < 1e-3).
type e64 struct {
	rel, abs float64 // worst relative (|ref| ≥ 1e-3) and absolute (|ref| < 1e-3) error
	scaled   float64 // worst max|got−ref| / max|ref| of a tensor with max|ref| ≥ 1e-3
	bad      int     // values beyond the tolerance
	nrel     int     // values judged relatively (|ref| ≥ 1e-3)
}

func cmp64(got, ref []float64) e64 {
	var e e64
	var mx, md float64
	for i, w := range ref {
		d := math.Abs(got[i] - w)
		mx, md = math.Max(mx, math.Abs(w)), math.Max(md, d)
		if math.Abs(w) < 1e-3 {
			e.abs = math.Max(e.abs, d)
			if d > 1e-5 || math.IsNaN(d) {
				e.bad++
			}
			continue
		}
		e.nrel++
		e.rel = math.Max(e.rel, d/math.Abs(w))
		if d > 1e-4*math.Abs(w) || math.IsNaN(d) {
			e.bad++
		}
	}
	if mx >= 1e-3 {
		e.scaled = md / mx
	}
	return e
}

func (e *e64) merge(o e64) {
	e.rel, e.abs, e.scaled = math.Max(e.rel, o.rel), math.Max(e.abs, o.abs), math.Max(e.scaled, o.scaled)
	e.bad, e.nrel = e.bad+o.bad, e.nrel+o.nrel
}

func (e e64) String() string {
	return fmt.Sprintf("%.2e/%.1e/%.1e %5d", e.rel, e.abs, e.scaled, e.bad)
}

// limitTensor is one output, gradient or running statistic of a case:
// ours (float32), the fixture's (PyTorch float32) and the float64 truth.
type limitTensor struct {
	name       string
	ours, fix  []float32
	truth, r32 []float64 // exact, and with float32 storage rounding only
}

// limitRun runs one fixture case through our model and through ref64
// (exact, and with every stored tensor rounded to float32).
func limitRun(t *testing.T, fx *parityFixture, pc parityCase) (ts []limitTensor, exact *ref64Out) {
	b := parityBatch(t, fx)
	train := pc.Mode == "train"
	st := flatMap(t, pc.State)
	var noise []float32
	if train {
		noise = flat(t, pc.Noise)
	}
	m := NewVAE(VAEConfig{InputDim: 5}, rand.New(rand.NewPCG(1, 1)))
	if err := m.LoadStateDict(st); err != nil {
		t.Fatal(err)
	}
	loss := m.StepWithNoise(b, train, noise, nil)
	exact = newRef64(st, b.B, b.N, b.C, false).run(to64(b.Adj), to64(b.Ops), to64(noise), train)
	r32 := newRef64(st, b.B, b.N, b.C, true).run(to64(b.Adj), to64(b.Ops), to64(noise), train)
	// Where our error grows: the encoder's intermediate activations.
	for l := range m.layers {
		L := &m.layers[l]
		t.Logf("layer %d vs truth, ours / f32 storage: aggregation %s / %s, inner BN+ReLU %s / %s, output %s / %s", l,
			cmp64(to64(L.agg), exact.agg[l]), cmp64(r32.agg[l], exact.agg[l]),
			cmp64(to64(L.bn0.Forwarded()), exact.h0[l]), cmp64(r32.h0[l], exact.h0[l]),
			cmp64(to64(L.bn1.Forwarded()), exact.x[l]), cmp64(r32.x[l], exact.x[l]))
	}
	mu, lv, ops, adj := m.Outputs()
	ts = []limitTensor{
		{"mu", mu, flat(t, pc.Mu), exact.mu, r32.mu},
		{"logvar", lv, flat(t, pc.Logvar), exact.logvar, r32.logvar},
		{"ops_recon", ops, flat(t, pc.OpsRecon), exact.ops, r32.ops},
		{"adj_recon", adj, flat(t, pc.AdjRecon), exact.adj, r32.adj},
		{"loss", []float32{loss}, []float32{float32(pc.Loss)}, []float64{exact.loss}, []float64{r32.loss}},
	}
	grads := flatMap(t, pc.Grad)
	for _, p := range m.Params() {
		ts = append(ts, limitTensor{"grad " + p.Name, p.Grad, grads[p.Name], exact.grad[p.Name], r32.grad[p.Name]})
	}
	if train {
		after := flatMap(t, pc.AfterAdam)
		for _, p := range m.Buffers() {
			if e, ok := exact.running[p.Name]; ok {
				ts = append(ts, limitTensor{p.Name, p.Data, after[p.Name], e, r32.running[p.Name]})
			}
		}
	}
	return ts, exact
}

// TestParityFloat32Limit is the evidence that the train case of the PyTorch
// fixture cannot be met element-wise at 1e-4 (1e-5 absolute below 1e-3) by
// any float32 implementation that does not reproduce PyTorch's own rounding
// bit for bit, while the eval case can (TestParity asserts it). It runs the
// float64 re-implementation ref64 on the fixture's weights, batch and noise
// and compares three ways per tensor: ours vs the float64 truth, the
// fixture vs the truth, ours vs the fixture. It fails if the evidence stops
// holding:
//
//   - eval: the truth meets the strict criterion against the fixture (so
//     ref64 has PyTorch's semantics), as does float32 storage rounding;
//   - train: the loss of the truth agrees with the fixture to 1e-6 (no
//     semantic difference in the loss, KL, BCE clamp or reparameterisation),
//     yet the exact answer itself misses the strict criterion against the
//     fixture on many values: the fixture carries float32 error beyond
//     1e-4 element-wise;
//   - train: our float32 results are closer to the truth than the
//     fixture's (fewer values beyond the criterion, smaller worst relative
//     and scaled error); in both modes our worst error is at most 5e-5 of
//     its tensor's largest value;
//   - train: over the tensors, the fixture's error (scaled by each
//     tensor's largest value) follows the error of float32 storage
//     rounding (log-log correlation ≥ 0.9): rounding noise amplified by
//     the conditioning, not a semantic difference in some layer;
//   - train: rounding only the stored tensors to float32 (every sum
//     exact), or even one tensor (the first Linear output of GIN layer 0),
//     already moves values beyond the criterion: the train map is that
//     ill-conditioned;
//   - train: changing BatchNorm's semantics (unbiased variance in the
//     normalisation, ε on σ instead of σ², ε = 1e-3) makes the truth's worst
//     error against the fixture ten times larger (and three times as many
//     values miss), so the remaining gap is no such difference.
func TestParityFloat32Limit(t *testing.T) {
	fx := loadParity(t)
	for _, pc := range fx.Cases {
		t.Run(pc.Mode, func(t *testing.T) {
			ts, exact := limitRun(t, fx, pc)
			var oursT, fixT, oursFix, r32T, truthFix e64
			var logFix, logR32 []float64 // per-tensor scaled errors vs the truth
			t.Logf("%-36s %-28s %-28s %-28s %-28s", "tensor", "ours vs truth", "fixture vs truth", "ours vs fixture", "f32 storage vs truth")
			t.Logf("%-36s %-28s (max rel where |ref| ≥ 1e-3 / max abs below / max error ÷ tensor max / count beyond 1e-4,1e-5)", "", "")
			for _, x := range ts {
				a, f, o, q := cmp64(to64(x.ours), x.truth), cmp64(to64(x.fix), x.truth), cmp64(to64(x.ours), to64(x.fix)), cmp64(x.r32, x.truth)
				oursT.merge(a)
				fixT.merge(f)
				oursFix.merge(o)
				r32T.merge(q)
				truthFix.merge(cmp64(x.truth, to64(x.fix)))
				if f.scaled > 0 && q.scaled > 0 {
					logFix, logR32 = append(logFix, math.Log(f.scaled)), append(logR32, math.Log(q.scaled))
				}
				t.Logf("%-36s %s %s %s %s", x.name, a, f, o, q)
			}
			t.Logf("%-36s %s %s %s %s", "all", oursT, fixT, oursFix, r32T)
			t.Logf("truth judged by the strict criterion against the fixture: %s; %d of the values are judged relatively (|ref| ≥ 1e-3)", truthFix, fixT.nrel)
			// A regression guard for our own numerics, independent of
			// PyTorch's rounding (observed: 1e-6 eval, 2.8e-5 train).
			if oursT.scaled > 5e-5 {
				t.Errorf("%s: ours vs the float64 truth %s: worst error above 5e-5 of its tensor's scale", pc.Mode, oursT)
			}
			if pc.Mode == "eval" {
				if truthFix.bad > 0 || r32T.bad > 0 {
					t.Errorf("eval: the float64 truth (%d values) or float32 storage rounding (%d) misses the strict criterion: ref64 lost PyTorch's semantics", truthFix.bad, r32T.bad)
				}
				return
			}
			if d := math.Abs(exact.loss-pc.Loss) / pc.Loss; d > 1e-6 {
				t.Errorf("train: float64 loss %.9g, fixture %.9g (rel %.2g): a semantic difference in the loss", exact.loss, pc.Loss, d)
			}
			if truthFix.bad < 1000 {
				t.Errorf("train: the float64 truth misses the strict criterion against the fixture on only %d values: the fixture may be attainable, tighten TestParity", truthFix.bad)
			}
			if oursT.bad >= fixT.bad || oursT.rel >= fixT.rel || oursT.scaled >= fixT.scaled {
				t.Errorf("train: ours vs truth %s is not closer than the fixture vs truth %s: look for a numerical or semantic problem on our side", oursT, fixT)
			}
			if r32T.bad == 0 {
				t.Errorf("train: float32 storage rounding alone meets the strict criterion: the conditioning argument no longer holds")
			}
			// The fixture's error is distributed over the tensors as
			// float32 storage rounding is (amplified by each tensor's
			// conditioning, over five decades); a semantic difference
			// would stand out in the tensors it touches.
			if c := pearson(logFix, logR32); c < 0.9 {
				t.Errorf("train: fixture-vs-truth errors correlate only %.3f with float32 rounding over %d tensors: look for a semantic difference", c, len(logFix))
			} else {
				t.Logf("train: log of the per-tensor scaled error, fixture vs truth against float32 storage rounding vs truth: correlation %.3f over %d tensors", c, len(logFix))
			}
			limitOneTensor(t, fx, pc, exact)
			limitVariants(t, fx, pc, truthFix)
			t.Logf("train BatchNorm amplification max |x|/σ per layer (inner, outer): %.1f", exact.bnAmp)
		})
	}
}

// limitOneTensor rounds only the first Linear output of GIN layer 0 (224×128
// values, each moved by at most 2⁻²⁴ relative) and counts the values of the
// exact train pass it moves beyond the strict criterion.
func limitOneTensor(t *testing.T, fx *parityFixture, pc parityCase, exact *ref64Out) {
	b := parityBatch(t, fx)
	r := newRef64(flatMap(t, pc.State), b.B, b.N, b.C, false)
	r.roundOnly = "enc0lin0"
	o := r.run(to64(b.Adj), to64(b.Ops), to64(flat(t, pc.Noise)), true)
	var e e64
	e.merge(cmp64(o.mu, exact.mu))
	e.merge(cmp64(o.logvar, exact.logvar))
	for k, g := range exact.grad {
		e.merge(cmp64(o.grad[k], g))
	}
	t.Logf("train: rounding one tensor (layer 0, first Linear output) to float32 moves μ, log σ and gradients by %s", e)
	if e.bad == 0 {
		t.Errorf("train: rounding one early tensor no longer moves any value beyond the strict criterion")
	}
}

// limitVariants changes BatchNorm's semantics in ref64 and checks that each
// change moves the truth much further from the fixture (base: the truth vs
// the fixture without a change).
func limitVariants(t *testing.T, fx *parityFixture, pc parityCase, base e64) {
	b := parityBatch(t, fx)
	st := flatMap(t, pc.State)
	want := map[string][]float32{"mu": flat(t, pc.Mu), "logvar": flat(t, pc.Logvar)}
	for k, v := range flatMap(t, pc.Grad) {
		want[k] = v
	}
	for _, v := range []string{"unbiased-norm", "eps-on-std", "eps-1e-3"} {
		r := newRef64(st, b.B, b.N, b.C, false)
		r.variant = v
		o := r.run(to64(b.Adj), to64(b.Ops), to64(flat(t, pc.Noise)), true)
		var e e64
		e.merge(cmp64(o.mu, to64(want["mu"])))
		e.merge(cmp64(o.logvar, to64(want["logvar"])))
		for k, g := range o.grad {
			e.merge(cmp64(g, to64(want[k])))
		}
		t.Logf("train: BatchNorm variant %-13s vs fixture: loss %.8g (fixture %.8g), %s", v, o.loss, pc.Loss, e)
		if e.rel < 10*base.rel || e.bad < 3*base.bad {
			t.Errorf("train: BatchNorm variant %s is about as close to the fixture (%s) as PyTorch's semantics (%s)", v, e, base)
		}
	}
}

// pearson is the correlation coefficient of x and y (0 if either is
// constant).
func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx, my = mx+x[i], my+y[i]
	}
	mx, my = mx/float64(len(x)), my/float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy, sxx, syy = sxy+dx*dy, sxx+dx*dx, syy+dy*dy
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}
