package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdamFirstSteps checks two steps against the closed form: with bias
// correction the first step moves every weight by lr·sign(g) (up to eps).
func TestAdamFirstSteps(t *testing.T) {
	p := NewParam("w", 3)
	copy(p.Data, []float32{1, -2, 0.5})
	copy(p.Grad, []float32{0.1, -3, 1e-3})
	var a Adam
	a.Step([]*Param{p})
	for i, want := range []float64{1 - 1e-3, -2 + 1e-3, 0.5 - 1e-3} {
		if d := math.Abs(float64(p.Data[i]) - want); d > 1e-6 {
			t.Errorf("after step 1: w[%d] = %.8g, want %.8g", i, p.Data[i], want)
		}
	}
	// Second step with the same gradient: m̂ = g, v̂ = g², still lr·sign(g).
	a.Step([]*Param{p})
	for i, want := range []float64{1 - 2e-3, -2 + 2e-3, 0.5 - 2e-3} {
		if d := math.Abs(float64(p.Data[i]) - want); d > 1e-6 {
			t.Errorf("after step 2: w[%d] = %.8g, want %.8g", i, p.Data[i], want)
		}
	}
}

// TestAdamState checks that a restored state continues exactly as the
// original optimiser would, and that mismatched states are rejected.
func TestAdamState(t *testing.T) {
	mk := func() *Param {
		p := NewParam("w", 4)
		copy(p.Data, []float32{1, 2, 3, 4})
		return p
	}
	p1, p2 := mk(), mk()
	var a1, a2 Adam
	for s := 0; s < 3; s++ {
		for i := range p1.Grad {
			p1.Grad[i] = float32(s+i) * 0.1
		}
		a1.Step([]*Param{p1})
	}
	copy(p2.Data, p1.Data)
	if err := a2.SetState(a1.State(), []*Param{p2}); err != nil {
		t.Fatal(err)
	}
	copy(p1.Grad, []float32{0.3, -0.2, 0.1, 0})
	copy(p2.Grad, p1.Grad)
	a1.Step([]*Param{p1})
	a2.Step([]*Param{p2})
	for i := range p1.Data {
		if p1.Data[i] != p2.Data[i] {
			t.Errorf("w[%d]: %v after restore, want %v", i, p2.Data[i], p1.Data[i])
		}
	}
	if err := a2.SetState(a1.State(), []*Param{NewParam("x", 3)}); err == nil {
		t.Error("SetState accepted a state for a differently sized param")
	}
}

func TestClipGradNorm(t *testing.T) {
	for _, tc := range []struct {
		name     string
		g        []float32
		max      float32
		norm     float32
		clipped0 float32
	}{
		{"below", []float32{3, 4}, 10, 5, 3},
		{"above", []float32{3, 4}, 1, 5, 3 * 1 / (5 + 1e-6)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := NewParam("a", 1), NewParam("b", 1)
			a.Grad[0], b.Grad[0] = tc.g[0], tc.g[1]
			if got := ClipGradNorm([]*Param{a, b}, tc.max); got != tc.norm {
				t.Errorf("norm %v, want %v", got, tc.norm)
			}
			if a.Grad[0] != tc.clipped0 {
				t.Errorf("clipped gradient %v, want %v", a.Grad[0], tc.clipped0)
			}
		})
	}
}

func TestDropoutMask(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	m := make([]float32, 10000)
	DropoutMask(m, 0.3, rng)
	zeros := 0
	for _, v := range m {
		switch v {
		case 0:
			zeros++
		case float32(1 / 0.7):
		default:
			t.Fatalf("mask value %v, want 0 or 1/0.7", v)
		}
	}
	if f := float64(zeros) / float64(len(m)); math.Abs(f-0.3) > 0.02 {
		t.Errorf("dropped fraction %.3f, want about 0.3", f)
	}
	DropoutMask(m, 0, nil)
	if m[0] != 1 || m[len(m)-1] != 1 {
		t.Error("p=0 mask is not all ones")
	}
}

func TestLoadState(t *testing.T) {
	p := NewParam("w", 2)
	for _, tc := range []struct {
		name  string
		state map[string][]float32
		ok    bool
	}{
		{"ok", map[string][]float32{"w": {1, 2}, "extra": {3}}, true},
		{"missing", map[string][]float32{"v": {1, 2}}, false},
		{"short", map[string][]float32{"w": {1}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := LoadState([]*Param{p}, tc.state)
			if (err == nil) != tc.ok {
				t.Errorf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
	if p.Data[0] != 1 || p.Data[1] != 2 {
		t.Errorf("loaded %v, want [1 2]", p.Data)
	}
}

// TestSumSquares compares the interleaved float64 sum of squares of
// ClipGradNorm with a plain sequential sum (they differ only by float64
// rounding) over lengths around its 8-wide blocks.
func TestSumSquares(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 1000, 16384} {
		x := make([]float32, n)
		var want float64
		for i := range x {
			x[i] = float32(rng.NormFloat64() * math.Exp(4*rng.NormFloat64()))
			want += float64(x[i]) * float64(x[i])
		}
		if got := sumSquares(x); math.Abs(got-want) > 1e-13*want {
			t.Errorf("n=%d: sumSquares = %.17g, sequential sum %.17g", n, got, want)
		}
	}
}
