package model

import (
	"fmt"
	"github.com/arch2vec/arch2vec/arch2vec/internal/gradcheck"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

func TestNumParams(t *testing.T) {
	for _, tc := range []struct {
		name  string
		input int
		want  int
	}{{"NB101", 5, 122617}, {"NB201", 7, 122907}, {"DARTS", 11, 123487}} {
		t.Run(tc.name, func(t *testing.T) {
			m := NewVAE(VAEConfig{InputDim: tc.input}, rand.New(rand.NewPCG(1, 1)))
			if got := m.NumParams(); got != tc.want {
				t.Errorf("NumParams = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestGradFullLoss compares the gradient of Step with central differences
// of the loss for a sample of entries of every parameter tensor (all of ε),
// in evaluation mode and in training mode with dropout 0.3 (the same noise
// and mask for every evaluation). This covers the decoder heads, the inner
// product, the reparameterisation and the KL term through the whole net.
//
// The heads and the noise are scaled down so that no reconstruction comes
// within 1e-3 of 0 or 1: near saturation float32 quantises 1−p so coarsely
// that −log(1−p) jumps with every ulp, and at exactly 1 PyTorch's log clamp
// makes the loss jump by 100/(B·N·N), so finite differences would measure
// rounding noise. A ReLU kink inside the difference
// interval spoils one step size, so an entry passes if either of two steps
// agrees. The loss itself carries float32 noise of about 2e-8, so single
// entries are checked to 5 % plus 2e-5; the directional derivatives along
// the gradient and along random directions (checkDirectional) have a large
// signal and are checked to 1 %.
func TestGradFullLoss(t *testing.T) {
	for _, train := range []bool{false, true} {
		t.Run(fmt.Sprintf("train=%v", train), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, 12))
			m := NewVAE(VAEConfig{InputDim: 5, Dropout: 0.3}, rng)
			for l := range m.eps.Data {
				m.eps.Data[l] = float32(0.1 * rng.NormFloat64())
			}
			// Smaller heads keep z·zᵀ away from sigmoid saturation.
			for _, p := range []*nn.Param{m.fc1.W, m.fc2.W} {
				for j := range p.Data {
					p.Data[j] *= 0.1
				}
			}
			b := randomBatch(rng, 6)
			noise := make([]float32, b.Rows()*16)
			for i := range noise {
				noise[i] = float32(0.3 * rng.NormFloat64())
			}
			if !train {
				// give the running statistics non-trivial values
				m.StepWithNoise(b, true, noise, rand.New(rand.NewPCG(5, 5)))
			}
			loss := func() float64 {
				m.StepWithNoise(b, train, noise, rand.New(rand.NewPCG(5, 5)))
				return m.loss64
			}
			loss()
			_, _, ops, adj := m.Outputs()
			used := append([]float32(nil), ops...)
			for k, p := range adj {
				if k%7 > (k%49)/7 { // strict upper triangle: the entries in the loss
					used = append(used, p)
				}
			}
			for _, p := range used {
				if p < 1e-3 || p > 1-1e-3 {
					t.Fatalf("saturated reconstruction %g: the check would be meaningless", p)
				}
			}
			grads := make([][]float32, len(m.Params()))
			for i, p := range m.Params() {
				grads[i] = append([]float32(nil), p.Grad...)
			}
			var worst float64
			checks, failed := 0, 0
			maxFailed := 4 // of 156 entries: kinks inside the difference interval
			if train {
				// Batch statistics couple every row, so a step moves many
				// units across their ReLU kink; the directional check below
				// carries the weight here.
				maxFailed = 24
			}
			for i, p := range m.Params() {
				idx := []int{0, len(p.Data) - 1, rng.IntN(len(p.Data)), rng.IntN(len(p.Data))}
				if p.Name == "eps" {
					idx = []int{0, 1, 2, 3}
				}
				for _, j := range idx {
					ana := float64(grads[i][j])
					ok, d, num := gradcheck.Entry(p, j, ana, loss, 1e-2, 1e-3)
					worst = math.Max(worst, d/(math.Abs(num)+1e-3))
					checks++
					if !ok {
						failed++
						t.Logf("%s[%d]: analytic %.6g, numeric %.6g", p.Name, j, ana, num)
					}
				}
			}
			t.Logf("worst relative difference %.3g; %d of %d entries beyond tolerance", worst, failed, checks)
			if failed > maxFailed {
				t.Errorf("%d of %d sampled entries differ (allowed %d, for ReLU kinks)", failed, checks, maxFailed)
			}
			checkDirectional(t, m.Params(), grads, loss, rng)
		})
	}
}

// checkDirectional compares (L(θ+h·d) − L(θ−h·d))/2h with g·d for d the
// normalised gradient and two random unit directions over all parameters.
func checkDirectional(t *testing.T, params []*nn.Param, grads [][]float32, loss func() float64, rng *rand.Rand) {
	t.Helper()
	var gg float64
	for _, g := range grads {
		for _, v := range g {
			gg += float64(v) * float64(v)
		}
	}
	for k := 0; k < 3; k++ {
		dir := make([][]float64, len(params))
		var norm float64
		for i, g := range grads {
			dir[i] = make([]float64, len(g))
			for j, v := range g {
				if k == 0 {
					dir[i][j] = float64(v)
				} else {
					dir[i][j] = rng.NormFloat64()
				}
				norm += dir[i][j] * dir[i][j]
			}
		}
		norm = math.Sqrt(norm)
		var want float64
		for i, g := range grads {
			for j, v := range g {
				dir[i][j] /= norm
				want += float64(v) * dir[i][j]
			}
		}
		orig := make([][]float32, len(params))
		for i, p := range params {
			orig[i] = append([]float32(nil), p.Data...)
		}
		eval := func(h float64) float64 {
			for i, p := range params {
				for j := range p.Data {
					p.Data[j] = orig[i][j] + float32(h*dir[i][j])
				}
			}
			return loss()
		}
		const h = 1e-3
		got := (eval(h) - eval(-h)) / (2 * h)
		eval(0)
		t.Logf("direction %d: numeric %.6g, analytic %.6g (|g| = %.3g)", k, got, want, math.Sqrt(gg))
		if math.Abs(got-want) > 1e-2*math.Sqrt(gg) {
			t.Errorf("direction %d: numeric derivative %.6g, analytic %.6g", k, got, want)
		}
	}
}

// TestVAEAllocs requires a steady-state Step (train and eval), Encode and
// Forward to allocate nothing, serially and with nn.SetParallel.
func TestVAEAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewVAE(VAEConfig{InputDim: 5, Dropout: 0.3}, rng)
	b := randomBatch(rng, 32)
	mu := make([]float32, 32*7*16)
	defer nn.SetParallel(false)
	for _, parallel := range []bool{false, true} {
		nn.SetParallel(parallel)
		for _, tc := range []struct {
			name string
			f    func()
		}{
			{"train", func() { m.Step(b, true, rng) }},
			{"eval", func() { m.Step(b, false, rng) }},
			{"encode", func() { m.Encode(b, mu) }},
			{"forward", func() { m.Forward(b) }},
		} {
			tc.f()
			if n := testing.AllocsPerRun(10, tc.f); n != 0 {
				t.Errorf("%s (parallel %v): %v allocations per run, want 0", tc.name, parallel, n)
			}
		}
	}
}

// TestDeterministicAcrossProcs runs the same training steps serially with
// GOMAXPROCS 1, and with the two-way split (nn.SetParallel) with GOMAXPROCS
// 1 and 2, and requires bit-identical losses, gradients and weights.
func TestDeterministicAcrossProcs(t *testing.T) {
	run := func(procs int, parallel bool) ([]float32, []float32) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		nn.SetParallel(parallel)
		defer nn.SetParallel(false)
		rng := rand.New(rand.NewPCG(7, 8))
		m := NewVAE(VAEConfig{InputDim: 5, Dropout: 0.3}, rng)
		var losses []float32
		for s := 0; s < 3; s++ {
			b := randomBatch(rng, 32)
			losses = append(losses, m.Step(b, s == 0, rng))
			for _, p := range m.Params() {
				for j := range p.Data {
					p.Data[j] -= 1e-2 * p.Grad[j]
				}
			}
		}
		var w []float32
		for _, p := range m.Params() {
			w = append(w, p.Data...)
			w = append(w, p.Grad...)
		}
		return losses, w
	}
	l1, w1 := run(1, false)
	for _, c := range []struct {
		procs    int
		parallel bool
	}{{1, true}, {2, true}, {2, false}} {
		l2, w2 := run(c.procs, c.parallel)
		for i := range l1 {
			if l1[i] != l2[i] {
				t.Errorf("procs %d parallel %v: step %d: loss %v, serial %v", c.procs, c.parallel, i, l2[i], l1[i])
			}
		}
		for i := range w1 {
			if w1[i] != w2[i] {
				t.Fatalf("procs %d parallel %v: weights/gradients differ at %d: %v vs %v", c.procs, c.parallel, i, w2[i], w1[i])
			}
		}
	}
}

// TestConcurrentVAEs runs two models on two goroutines (as the replicas of
// Embed do) and requires the results of running them one after the other.
func TestConcurrentVAEs(t *testing.T) {
	build := func() (*VAE, *Batch) {
		rng := rand.New(rand.NewPCG(3, 3))
		return NewVAE(VAEConfig{InputDim: 5}, rng), randomBatch(rng, 32)
	}
	work := func(m *VAE, b *Batch) []float32 {
		mu := make([]float32, 32*7*16)
		for i := 0; i < 5; i++ {
			m.Step(b, false, nil)
			m.Encode(b, mu)
		}
		return mu
	}
	m0, b0 := build()
	want := work(m0, b0)
	got := make([][]float32, 2)
	done := make(chan struct{})
	for g := range got {
		go func() {
			m, b := build()
			got[g] = work(m, b)
			done <- struct{}{}
		}()
	}
	<-done
	<-done
	for g := range got {
		for i := range want {
			if got[g][i] != want[i] {
				t.Fatalf("goroutine %d: mu[%d] = %v, want %v", g, i, got[g][i], want[i])
			}
		}
	}
}

func TestLoadStateDictErrors(t *testing.T) {
	m := NewVAE(VAEConfig{InputDim: 5}, rand.New(rand.NewPCG(1, 1)))
	good := m.StateDict()
	delete(good, "batch_norms.0.num_batches_tracked") // optional
	if err := m.LoadStateDict(good); err != nil {
		t.Fatalf("round trip: %v", err)
	}
	bad := m.StateDict()
	bad["fc1.weight"] = bad["fc1.weight"][:10]
	if err := m.LoadStateDict(bad); err == nil {
		t.Error("a short fc1.weight was accepted")
	}
	delete(bad, "fc1.weight")
	if err := m.LoadStateDict(bad); err == nil {
		t.Error("a missing fc1.weight was accepted")
	}
}

func TestBatchShapePanics(t *testing.T) {
	m := NewVAE(VAEConfig{InputDim: 5}, rand.New(rand.NewPCG(1, 1)))
	defer func() {
		if recover() == nil {
			t.Error("a batch with 7 op classes did not panic on a 5-class model")
		}
	}()
	m.Step(NewBatch(2, 7, 7), false, nil)
}

// TestEncodeMatchesForward checks that Encode (tiled, with BatchNorm fused
// into the products, no log σ head) gives bit-identical μ to the plain
// evaluation-mode Forward, for batches smaller than, equal to and spanning
// several tiles, on trained BatchNorm statistics and perturbed affine
// parameters; and that Outputs then reports μ only.
func TestEncodeMatchesForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	m := NewVAE(VAEConfig{InputDim: 5, Dropout: 0.3}, rng)
	for range 3 {
		m.Step(randomBatch(rng, 32), true, rng)
	}
	for _, p := range m.Params() {
		for i := range p.Data {
			p.Data[i] += 0.05 * float32(rng.NormFloat64())
		}
	}
	for _, bs := range []int{1, 7, encodeTile, encodeTile + 1, 3*encodeTile + 5} {
		b := randomBatch(rng, bs)
		m.Forward(b)
		want, _, _, _ := m.Outputs()
		want = append([]float32(nil), want...)
		got := make([]float32, len(want))
		m.Encode(b, got)
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("batch %d: μ[%d] = %g by Encode, %g by Forward", bs, i, got[i], want[i])
			}
		}
		if mu, lv, ops, adj := m.Outputs(); len(mu) != len(want) || lv != nil || ops != nil || adj != nil {
			t.Fatalf("batch %d: Outputs after Encode = %d, %v, %v, %v values; want μ only", bs, len(mu), lv != nil, ops != nil, adj != nil)
		}
	}
}
