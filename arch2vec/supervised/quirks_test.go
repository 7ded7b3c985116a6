package supervised

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// TestEncoderUpdate: Update moves the GIN (new embeddings, in the other
// buffer) and leaves the running statistics where the states left them.
func TestEncoderUpdate(t *testing.T) {
	cells, d := nb201Cells(t, 200)
	tab := rewardTable(cells)
	rng := rand.New(rand.NewPCG(2, 3))
	e := smallConfig.Encoder(d)(tab, rng).(*rlEncoder)
	ctx := context.Background()
	emb1, err := e.Embeddings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	emb1 = slices.Clone(emb1)
	batch := []int{4, 90, 4, 150}
	dstate := make([]float32, len(batch)*16)
	st := make([]float32, 16)
	for k, c := range batch {
		e.State(st, c)
		for j := range st {
			dstate[k*16+j] = float32(rng.NormFloat64())
		}
	}
	bufs := snapshot(e.gin.Buffers())
	params := snapshot(e.gin.Params())
	if err := e.Update(ctx, batch, dstate); err != nil {
		t.Fatal(err)
	}
	for i, p := range e.gin.Buffers() {
		if !slices.Equal(p.Data, bufs[i]) {
			t.Errorf("buffer %s changed by Update", p.Name)
		}
	}
	moved := 0
	for i, p := range e.gin.Params() {
		if !slices.Equal(p.Data, params[i]) {
			moved++
		}
	}
	if moved < len(params)/2 {
		t.Errorf("Update moved %d of %d parameter tensors", moved, len(params))
	}
	emb2, err := e.Embeddings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if &emb2[0] == &e.emb[e.cur^1][0] || slices.Equal(emb1, emb2) {
		t.Error("embeddings after Update: same buffer or same values")
	}
}

func snapshot(ps []*nn.Param) [][]float32 {
	s := make([][]float32, len(ps))
	for i, p := range ps {
		s[i] = slices.Clone(p.Data)
	}
	return s
}

// TestQuirks: EIPrecedence reports v·μ with the same variance;
// InitialState encodes the first cell at every step.
func TestQuirks(t *testing.T) {
	cells, d := nb201Cells(t, 200)
	tab := rewardTable(cells)
	ctx := context.Background()
	train := []int{1, 5, 9, 40, 77, 120, 150, 199}
	y := make([]float64, len(train))
	for k, i := range train {
		y[k] = tab.Valid[i]
	}
	var mean, vr [2][]float64
	for q := 0; q < 2; q++ {
		cfg := smallConfig
		cfg.Quirks.EIPrecedence = q == 1
		s := cfg.Surrogate(d)(tab)
		if err := s.Fit(ctx, train, y, rand.New(rand.NewPCG(4, 4))); err != nil {
			t.Fatal(err)
		}
		mean[q], vr[q] = make([]float64, tab.Len()), make([]float64, tab.Len())
		if err := s.Predict(ctx, mean[q], vr[q]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range mean[0] {
		if vr[1][i] != vr[0][i] || mean[1][i] != mean[0][i]*vr[0][i] {
			t.Fatalf("cell %d: EIPrecedence gives (%g, %g), want (%g, %g)", i, mean[1][i], vr[1][i], mean[0][i]*vr[0][i], vr[0][i])
		}
	}
	for _, q := range []bool{false, true} {
		cfg := smallConfig
		cfg.Quirks.InitialState = q
		var enc search.Encoder = cfg.Encoder(d)(tab, rand.New(rand.NewPCG(1, 1)))
		a, b := make([]float32, 16), make([]float32, 16)
		enc.State(a, 3)
		enc.State(b, 100)
		if slices.Equal(a, b) != q {
			t.Errorf("InitialState %v: states of cells 3 and 100 equal: %v", q, slices.Equal(a, b))
		}
	}
}
