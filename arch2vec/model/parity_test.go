package model

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"github.com/arch2vec/arch2vec/arch2vec/internal/sharedtest"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// parityCase is one mode of the PyTorch reference fixture
// (../shared/fixtures/arch2vec_parity.json.gz, see its README).
type parityCase struct {
	Mode      string                     `json:"mode"`
	State     map[string]json.RawMessage `json:"state_dict"`
	Mu        json.RawMessage            `json:"mu"`
	Logvar    json.RawMessage            `json:"logvar"`
	OpsRecon  json.RawMessage            `json:"ops_recon"`
	AdjRecon  json.RawMessage            `json:"adj_recon"`
	Loss      float64                    `json:"loss"`
	Grad      map[string]json.RawMessage `json:"grad"`
	GradNorm  float64                    `json:"grad_norm_before_clip"`
	AfterAdam map[string]json.RawMessage `json:"state_dict_after_adam_step"`
	Noise     json.RawMessage            `json:"noise"`
}

type parityFixture struct {
	Adj   json.RawMessage `json:"module_adjacency"`
	Ops   json.RawMessage `json:"module_operations"`
	Cases []parityCase    `json:"cases"`
}

func loadParity(t testing.TB) *parityFixture {
	t.Helper()
	f, err := os.Open(sharedtest.Path(t, "fixtures/arch2vec_parity.json.gz"))
	if err != nil {
		t.Fatalf("parity fixture: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("parity fixture: %v", err)
	}
	var fx parityFixture
	if err := json.NewDecoder(zr).Decode(&fx); err != nil {
		t.Fatalf("parity fixture: %v", err)
	}
	if len(fx.Cases) != 2 {
		t.Fatalf("parity fixture: %d cases, want 2", len(fx.Cases))
	}
	return &fx
}

// flat decodes a JSON number or nested array of numbers into a flat slice.
func flat(t testing.TB, raw json.RawMessage) []float32 {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("fixture value: %v", err)
	}
	var out []float32
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case float64:
			out = append(out, float32(x))
		case []any:
			for _, e := range x {
				walk(e)
			}
		default:
			t.Fatalf("fixture value of type %T", v)
		}
	}
	walk(v)
	return out
}

func flatMap(t testing.TB, m map[string]json.RawMessage) map[string][]float32 {
	out := make(map[string][]float32, len(m))
	for k, v := range m {
		out[k] = flat(t, v)
	}
	return out
}

// closeness tracks the worst deviation of got from want under the fixture
// tolerance: 1e-4 relative, or 1e-5 absolute where |want| < 1e-3.
type closeness struct {
	maxRel, maxAbs float64 // over the relative and the absolute regime
	bad            int
	first          string
}

func (c *closeness) add(what string, got, want []float32, rtol, atol, small float64) {
	if len(got) != len(want) {
		c.bad++
		if c.first == "" {
			c.first = fmt.Sprintf("%s: %d values, want %d", what, len(got), len(want))
		}
		return
	}
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		d := math.Abs(g - w)
		ok := true
		if math.Abs(w) < small {
			c.maxAbs = math.Max(c.maxAbs, d)
			ok = d <= atol
		} else {
			c.maxRel = math.Max(c.maxRel, d/math.Abs(w))
			ok = d <= rtol*math.Abs(w)
		}
		if !ok || math.IsNaN(g) {
			c.bad++
			if c.first == "" {
				c.first = fmt.Sprintf("%s[%d]: got %g, want %g", what, i, g, w)
			}
		}
	}
}

// scaled checks every tensor against its own scale instead: max|got−want|
// ≤ tol·max|want|. The train case needs it: the fixture's train values are
// not within 1e-4 element-wise of the exact answer themselves. Against a
// float64 re-implementation (TestParityFloat32Limit) the PyTorch fixture
// misses the strict criterion on 20,962 values (worst 8.4e-3 relative,
// 1.1e-4 of a tensor's scale) and ours on 3,804 (2.2e-3, 2.8e-5 of the
// scale); rounding only the stored tensors to float32, every sum exact,
// already misses it on 91. The train map (four train-mode BatchNorm layers,
// z = μ + noise·exp(log σ)) amplifies the float32 rounding of the early
// encoder activations that much, so only an implementation reproducing
// PyTorch's rounding bit for bit could meet 1e-4 element-wise; the scaled
// tolerances (1e-4 forward, 2e-4 gradients) cover the fixture's own error
// plus ours. See also TestParityTrainConditioning.
func (c *closeness) scaled(what string, got, want []float32, tol float64) {
	var mx, e float64
	for i := range want {
		mx = math.Max(mx, math.Abs(float64(want[i])))
		e = math.Max(e, math.Abs(float64(got[i]-want[i])))
	}
	if mx < 1e-3 {
		// Tensors that are noise around zero (Linear biases in front of a
		// train-mode BatchNorm have exactly zero gradient) keep the
		// absolute tolerance.
		c.maxAbs = math.Max(c.maxAbs, e)
		if e > 1e-5 {
			c.bad++
			if c.first == "" {
				c.first = fmt.Sprintf("%s: max error %g", what, e)
			}
		}
		return
	}
	c.maxRel = math.Max(c.maxRel, e/mx)
	if e > tol*mx || len(got) != len(want) {
		c.bad++
		if c.first == "" {
			c.first = fmt.Sprintf("%s: max error %g, %g of its scale %g", what, e, e/mx, mx)
		}
	}
}

func (c *closeness) report(t *testing.T, what string) {
	t.Helper()
	t.Logf("%s: max rel err %.3g (|ref| ≥ 1e-3), max abs err %.3g (|ref| < 1e-3)", what, c.maxRel, c.maxAbs)
	if c.bad > 0 {
		t.Errorf("%s: %d values out of tolerance; first %s", what, c.bad, c.first)
	}
}

func (c *closeness) logOnly(t *testing.T, what string) {
	t.Helper()
	t.Logf("%s: max rel err %.3g (|ref| ≥ 1e-3), max abs err %.3g (|ref| < 1e-3), %d values beyond 1e-4/1e-5 (informational)",
		what, c.maxRel, c.maxAbs, c.bad)
}

func parityBatch(t testing.TB, fx *parityFixture) *Batch {
	adj, ops := flat(t, fx.Adj), flat(t, fx.Ops)
	b := &Batch{B: 32, N: 7, C: 5, Adj: adj, Ops: ops}
	if len(adj) != 32*49 || len(ops) != 32*35 {
		t.Fatalf("fixture batch: %d adjacency, %d op values", len(adj), len(ops))
	}
	return b
}

func TestParity(t *testing.T) {
	fx := loadParity(t)
	b := parityBatch(t, fx)
	for _, pc := range fx.Cases {
		t.Run(pc.Mode, func(t *testing.T) {
			m := NewVAE(VAEConfig{InputDim: 5}, rand.New(rand.NewPCG(1, 1)))
			if got := m.NumParams(); got != 122617 {
				t.Errorf("NumParams = %d, want 122617", got)
			}
			state := flatMap(t, pc.State)
			if err := m.LoadStateDict(state); err != nil {
				t.Fatal(err)
			}
			train := pc.Mode == "train"
			var noise []float32
			if train {
				noise = flat(t, pc.Noise)
			}
			loss := m.StepWithNoise(b, train, noise, nil)
			mu, lv, ops, adj := m.Outputs()
			outs := []struct {
				name      string
				got, want []float32
			}{
				{"mu", mu, flat(t, pc.Mu)},
				{"logvar", lv, flat(t, pc.Logvar)},
				{"ops_recon", ops, flat(t, pc.OpsRecon)},
				{"adj_recon", adj, flat(t, pc.AdjRecon)},
				{"loss", []float32{loss}, []float32{float32(pc.Loss)}},
			}
			var fwd, fwdScaled closeness
			for _, o := range outs {
				fwd.add(o.name, o.got, o.want, 1e-4, 1e-5, 1e-3)
				fwdScaled.scaled(o.name, o.got, o.want, 1e-4)
			}
			if train {
				fwd.logOnly(t, "forward, element-wise")
				fwdScaled.report(t, "forward, scaled by each tensor's max")
			} else {
				fwd.report(t, "forward")
			}
			var lc closeness
			lc.add("loss", []float32{loss}, []float32{float32(pc.Loss)}, 1e-4, 1e-5, 1e-3)
			lc.report(t, "loss")
			t.Logf("loss %.8g, want %.8g", loss, pc.Loss)

			grads := flatMap(t, pc.Grad)
			var gc, gs closeness
			names := make([]string, 0, len(grads))
			for _, p := range m.Params() {
				names = append(names, p.Name)
				want, ok := grads[p.Name]
				if !ok {
					t.Errorf("fixture has no gradient for %s", p.Name)
					continue
				}
				gc.add(p.Name, p.Grad, want, 1e-4, 1e-5, 1e-3)
				gs.scaled(p.Name, p.Grad, want, 2e-4)
			}
			if len(grads) != len(names) {
				t.Errorf("fixture has %d gradients, model %d params", len(grads), len(names))
			}
			if train {
				gc.logOnly(t, "gradients, element-wise")
				gs.report(t, "gradients, scaled by each tensor's max (tol 2e-4)")
			} else {
				gc.report(t, "gradients")
			}
			norm := nn.ClipGradNorm(m.Params(), math.MaxFloat32)
			var nc closeness
			nc.add("grad norm", []float32{norm}, []float32{float32(pc.GradNorm)}, 1e-4, 1e-5, 1e-3)
			nc.report(t, "grad norm")

			after := flatMap(t, pc.AfterAdam)
			if train {
				var bc closeness
				for _, p := range m.Buffers() {
					bc.add(p.Name, p.Data, after[p.Name], 1e-4, 1e-5, 1e-3)
				}
				bc.report(t, "running statistics after the train step")
			}
			// The optimiser, fed with the fixture's own gradients, clipped.
			for _, p := range m.Params() {
				copy(p.Grad, grads[p.Name])
			}
			clipped := nn.ClipGradNorm(m.Params(), 5)
			if d := math.Abs(float64(clipped) - pc.GradNorm); d > 1e-4*pc.GradNorm {
				t.Errorf("fixture grad norm %g, recomputed %g", pc.GradNorm, clipped)
			}
			var opt nn.Adam
			opt.Step(m.Params())
			var ac closeness
			for _, p := range m.Params() {
				ac.add(p.Name, p.Data, after[p.Name], 0, 1e-6, math.Inf(1))
			}
			ac.report(t, "weights after one clipped Adam step (absolute)")
		})
	}
}

// TestParityTrainConditioning measures the float32 noise floor of the train
// case: the change of every gradient when half of the weights move by one
// ulp. It fails if the floor is so low that the scaled tolerance of
// TestParity (2e-4) would be lax by more than a factor of 50, i.e. it keeps
// the justification of that tolerance honest.
func TestParityTrainConditioning(t *testing.T) {
	fx := loadParity(t)
	b := parityBatch(t, fx)
	pc := fx.Cases[1]
	grads := func(perturb bool) [][]float32 {
		m := NewVAE(VAEConfig{InputDim: 5}, rand.New(rand.NewPCG(1, 1)))
		st := flatMap(t, pc.State)
		if perturb {
			r := rand.New(rand.NewPCG(5, 5))
			keys := make([]string, 0, len(st))
			for k := range st {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				v := st[k]
				for i := range v {
					if r.IntN(2) == 0 {
						v[i] = math.Nextafter32(v[i], float32(math.Inf(1)))
					}
				}
			}
		}
		if err := m.LoadStateDict(st); err != nil {
			t.Fatal(err)
		}
		m.StepWithNoise(b, true, flat(t, pc.Noise), nil)
		var g [][]float32
		for _, p := range m.Params() {
			g = append(g, append([]float32(nil), p.Grad...))
		}
		return g
	}
	g0, g1 := grads(false), grads(true)
	var c closeness
	for i := range g0 {
		c.scaled("", g1[i], g0[i], 1)
	}
	t.Logf("one-ulp weight perturbation moves the train gradients by up to %.3g of their scale (%.3g absolute for tensors below 1e-3)", c.maxRel, c.maxAbs)
	if c.maxRel < 2e-4/50 {
		t.Errorf("train case is well conditioned (%.3g): tighten TestParity's scaled tolerance", c.maxRel)
	}
}

// Sanity of the fixture's naming: every tensor we load is in the state.
func TestParityNames(t *testing.T) {
	fx := loadParity(t)
	m := NewVAE(VAEConfig{InputDim: 5}, rand.New(rand.NewPCG(1, 1)))
	var missing []string
	for _, p := range append(append([]*nn.Param(nil), m.Params()...), m.Buffers()...) {
		if _, ok := fx.Cases[0].State[p.Name]; !ok {
			missing = append(missing, p.Name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("names not in the fixture: %s", strings.Join(missing, ", "))
	}
}
