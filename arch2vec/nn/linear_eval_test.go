package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestForwardEval checks that the fused inference path (bias prologue,
// evaluation-mode BatchNorm and ReLU in the product's epilogue) gives the
// same bits as Linear.Forward then BatchNorm1d.ForwardReLU in evaluation
// mode, for row counts around the kernel block heights and a width with a
// masked tail; and that Backward after it panics rather than returning
// meaningless gradients.
func TestForwardEval(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, out := range []int{128, 21} {
		l := NewLinear("l.", 37, out, rng)
		bn := NewBatchNorm1d("bn.", out)
		for i := range out {
			bn.RunningMean.Data[i] = float32(rng.NormFloat64())
			bn.RunningVar.Data[i] = float32(0.1 + rng.Float64())
			bn.Weight.Data[i] = float32(rng.NormFloat64())
			bn.Bias.Data[i] = float32(rng.NormFloat64())
		}
		for _, rows := range []int{1, 7, 8, 9, 224} {
			x := randSlice(rng, rows*37)
			want := append([]float32(nil), bn.ForwardReLU(l.Forward(x, rows), rows, false)...)
			al, be := bn.EvalAffine()
			got := l.ForwardEval(x, rows, al, be, true)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("out=%d rows=%d: y[%d] = %g fused, %g separate", out, rows, i, got[i], want[i])
				}
			}
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("out=%d: Backward after ForwardEval did not panic", out)
				}
			}()
			l.Backward(make([]float32, out), true)
		}()
	}
}
