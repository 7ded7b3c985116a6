package analysis

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"
)

// sklearnTSNE is testdata/tsne_sklearn.json, written by tsne_sklearn.py:
// a data set with scikit-learn's affinities P (compressed rows) and the
// KL divergence its TSNE reached.
type sklearnTSNE struct {
	N, D       int
	Perplexity float64
	X          []float32
	PIndptr    []int     `json:"p_indptr"`
	PIndices   []int32   `json:"p_indices"`
	PData      []float64 `json:"p_data"`
	KL         float64
	Iterations int
}

func loadSklearn(t *testing.T) *sklearnTSNE {
	t.Helper()
	b, err := os.ReadFile("testdata/tsne_sklearn.json")
	if err != nil {
		t.Fatal(err)
	}
	var s sklearnTSNE
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.N < 2 || len(s.X) != s.N*s.D || len(s.PIndptr) != s.N+1 {
		t.Fatalf("fixture shape: n %d d %d, %d values, %d row pointers", s.N, s.D, len(s.X), len(s.PIndptr))
	}
	return &s
}

// The affinities are scikit-learn's, entry for entry.
func TestTSNESklearnAffinities(t *testing.T) {
	s := loadSklearn(t)
	st := testState(t, s.X, s.N, s.D, s.Perplexity, 0.5)
	p := st.p
	if len(p.col) != len(s.PIndices) {
		t.Fatalf("%d entries, scikit-learn has %d", len(p.col), len(s.PIndices))
	}
	worst := 0.0
	for i := range s.N {
		if p.rowPtr[i+1] != s.PIndptr[i+1] {
			t.Fatalf("row %d ends at %d, scikit-learn's at %d", i, p.rowPtr[i+1], s.PIndptr[i+1])
		}
		for e := p.rowPtr[i]; e < p.rowPtr[i+1]; e++ {
			if p.col[e] != s.PIndices[e] {
				t.Fatalf("row %d entry %d: column %d, scikit-learn's %d", i, e, p.col[e], s.PIndices[e])
			}
			worst = max(worst, math.Abs(p.val[e]-s.PData[e])/s.PData[e])
		}
	}
	// scikit-learn rounds the squared distances to float32 and stops the
	// bisection within 1e-5 nats, so values agree to about 1e-5.
	if worst > 1e-4 {
		t.Errorf("largest relative difference from scikit-learn's P: %g", worst)
	}
	t.Logf("largest relative difference from scikit-learn's P: %.2g", worst)
}

// The optimiser reaches scikit-learn's KL divergence on the same data.
func TestTSNESklearnKL(t *testing.T) {
	s := loadSklearn(t)
	y := make([]float64, 2*s.N)
	st, err := TSNE(context.Background(), y, s.X, s.N, s.D, TSNEOptions{Perplexity: s.Perplexity})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(st.KL-s.KL) > 0.05*s.KL {
		t.Errorf("KL %.4f after %d iterations, scikit-learn's %.4f after %d", st.KL, st.Iterations, s.KL, s.Iterations)
	}
	t.Logf("KL %.4f after %d iterations, scikit-learn's %.4f after %d", st.KL, st.Iterations, s.KL, s.Iterations)
}
