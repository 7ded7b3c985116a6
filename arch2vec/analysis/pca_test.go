package analysis

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// TestPCALine checks that points on a line map onto the first component
// with all the variance, with the documented sign rule.
func TestPCALine(t *testing.T) {
	// Points t·(3, -4) + (1, 1): direction (0.6, -0.8), largest-magnitude
	// coordinate -0.8, so the sign rule flips it to (-0.6, 0.8).
	var x []float32
	ts := []float64{-2, -1, 0, 1, 2}
	for _, v := range ts {
		x = append(x, float32(1+3*v), float32(1-4*v))
	}
	r, err := PCA(context.Background(), x, len(ts), 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Components[0]+0.6) > 1e-9 || math.Abs(r.Components[1]-0.8) > 1e-9 {
		t.Errorf("first component = %v, want (-0.6, 0.8)", r.Components[:2])
	}
	if math.Abs(r.Ratio[0]-1) > 1e-9 || math.Abs(r.Ratio[1]) > 1e-9 {
		t.Errorf("ratio = %v, want [1 0]", r.Ratio)
	}
	// Variance of 5·t with n−1 denominator: 25·var(ts) = 25·2.5.
	if math.Abs(r.Variance[0]-62.5) > 1e-9 {
		t.Errorf("variance = %v, want 62.5", r.Variance[0])
	}
	for i, v := range ts {
		if got, want := r.Proj[i*2], -5*v; math.Abs(got-want) > 1e-9 {
			t.Errorf("proj[%d] = %v, want %v", i, got, want)
		}
	}
}

// TestPCADeterministic checks that two runs give identical results and that
// the projections are centred and uncorrelated.
func TestPCADeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, d := 300, 16
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * float64(1+i%d))
	}
	a, err := PCA(context.Background(), x, n, d, 2)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := PCA(context.Background(), x, n, d, 2)
	var s0, s1, s01 float64
	for i := range n {
		if a.Proj[2*i] != b.Proj[2*i] || a.Proj[2*i+1] != b.Proj[2*i+1] {
			t.Fatalf("run differs at point %d", i)
		}
		s0 += a.Proj[2*i]
		s1 += a.Proj[2*i+1]
		s01 += a.Proj[2*i] * a.Proj[2*i+1]
	}
	if math.Abs(s0) > 1e-6 || math.Abs(s1) > 1e-6 || math.Abs(s01/float64(n)) > 1e-6 {
		t.Errorf("projections not centred/uncorrelated: sums %v %v, cross %v", s0, s1, s01)
	}
	if !(a.Variance[0] >= a.Variance[1]) || a.Ratio[0] <= 0 || a.Ratio[0]+a.Ratio[1] > 1 {
		t.Errorf("variances %v ratios %v", a.Variance, a.Ratio)
	}
}

// TestPCAErrors checks the input checks.
func TestPCAErrors(t *testing.T) {
	nan := float32(math.NaN())
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		x       []float32
		n, d, k int
	}{
		{"one point", context.Background(), []float32{1, 2}, 1, 2, 1},
		{"short data", context.Background(), []float32{1, 2, 3}, 2, 2, 1},
		{"k too big", context.Background(), []float32{1, 2, 3, 4}, 2, 2, 3},
		{"nan", context.Background(), []float32{1, nan, 3, 4}, 2, 2, 1},
		{"cancelled", cancelled, []float32{1, 2, 3, 4}, 2, 2, 1},
	}
	for _, tt := range tests {
		if _, err := PCA(tt.ctx, tt.x, tt.n, tt.d, tt.k); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

// TestPCAMatchesSVD compares the covariance eigenvectors with gonum's
// SVD-based stat.PC on correlated random data (up to sign, which the
// sign rule fixes on both sides).
func TestPCAMatchesSVD(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	n, d := 200, 5
	x := make([]float32, n*d)
	data := make([]float64, n*d)
	for i := range n {
		base := rng.NormFloat64()
		for j := range d {
			x[i*d+j] = float32(base*float64(j+1) + rng.NormFloat64())
			data[i*d+j] = float64(x[i*d+j])
		}
	}
	r, err := PCA(context.Background(), x, n, d, 3)
	if err != nil {
		t.Fatal(err)
	}
	var pc stat.PC
	if !pc.PrincipalComponents(mat.NewDense(n, d, data), nil) {
		t.Fatal("stat.PC failed")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	vars := pc.VarsTo(nil)
	for c := range 3 {
		if math.Abs(vars[c]-r.Variance[c]) > 1e-9*vars[0] {
			t.Errorf("variance %d = %v, SVD gives %v", c, r.Variance[c], vars[c])
		}
		big := 0.0
		for j := range d {
			if v := vecs.At(j, c); math.Abs(v) > math.Abs(big) {
				big = v
			}
		}
		for j := range d {
			want := vecs.At(j, c)
			if big < 0 {
				want = -want
			}
			if math.Abs(r.Components[c*d+j]-want) > 1e-8 {
				t.Errorf("component %d[%d] = %v, SVD gives %v", c, j, r.Components[c*d+j], want)
			}
		}
	}
}
