package model

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestCountChunk checks the four reference metrics and the exact-match
// share on one hand-made 3-node cell: rows input, conv1x1, padded; one
// edge 0→1.
func TestCountChunk(t *testing.T) {
	b := &Batch{B: 1, N: 3, C: 5,
		Ops: []float32{1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0},
		Adj: []float32{0, 1, 0, 0, 0, 0, 0, 0, 0}}
	ops := []float32{
		.9, .1, .1, .1, .1, // input: right
		.1, .2, .7, .1, .1, // conv3x3 for conv1x1: wrong
		.6, .1, .1, .1, .1, // padded row, argmax 0 = target's: right
	}
	adj := []float32{
		.8, .9, .6, // diagonal and lower triangle are ignored
		.9, .9, .2,
		.9, .9, .9,
	}
	k := countChunk(b, ops, adj)
	r := combine([]chunkCounts{k}, 1)
	want := Recon{Cells: 1, AccOps: 2.0 / 3, AccAdj: 2.0 / 3, MeanCorrAdj: float64(float32(.9)),
		MeanFalPosAdj: (float64(float32(.6)) + float64(float32(.2))) / 2, Exact: 0}
	if !closeRecon(r, want) {
		t.Errorf("got %+v, want %+v", r, want)
	}
	adj[2] = .4 // now (0,2) is a right "no edge"
	// and row 1 decodes to conv1x1: every decision is right
	ops[7], ops[6] = .1, .7
	if r := combine([]chunkCounts{countChunk(b, ops, adj)}, 1); r.Exact != 1 || r.AccOps != 1 || r.AccAdj != 1 {
		t.Errorf("perfect reconstruction: got %+v, want exact 1", r)
	}
}

// TestCombineWeights checks the chunk weighting len(chunk)/len(set) of
// get_val_acc_vae: a ratio metric is not the pooled ratio.
func TestCombineWeights(t *testing.T) {
	a := chunkCounts{cells: 1, nodes: 3, edges: 1, probEdges: 0.9}
	b := chunkCounts{cells: 3, nodes: 3, edges: 6, probEdges: 3}
	got := combine([]chunkCounts{a, b}, 4).MeanCorrAdj
	if want := 0.25*0.9 + 0.75*0.5; math.Abs(got-want) > 1e-12 {
		t.Errorf("mean_corr_adj %v, want %v (not the pooled %v)", got, want, 3.9/7)
	}
}

func closeRecon(a, b Recon) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) < 1e-9 }
	return a.Cells == b.Cells && near(a.AccOps, b.AccOps) && near(a.AccAdj, b.AccAdj) &&
		near(a.MeanCorrAdj, b.MeanCorrAdj) && near(a.MeanFalPosAdj, b.MeanFalPosAdj) && near(a.Exact, b.Exact)
}

// TestEvaluateChunks checks that Evaluate (chunks of 500 over 1,100 cells
// on two workers) agrees with one chunk at a time computed serially.
func TestEvaluateChunks(t *testing.T) {
	d := trData101(t, 1100, 9)
	m := NewVAE(VAEConfig{InputDim: 5}, rand.New(rand.NewPCG(1, 2)))
	got, err := Evaluate(context.Background(), m, d)
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{m: m}
	var counts []chunkCounts
	for _, s := range chunks(d.Len, evalChunk) {
		idx := make([]int, 0, s.hi-s.lo)
		for i := s.lo; i < s.hi; i++ {
			idx = append(idx, i)
		}
		reconstruct(r, d, idx)
		counts = append(counts, countChunk(&r.batch, r.ops, r.adj))
	}
	if want := combine(counts, d.Len); got != want || len(counts) != 3 {
		t.Errorf("got %+v, want %+v from %d chunks", got, want, len(counts))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Evaluate(ctx, m, d); err == nil || !containsAll(err.Error(), "context canceled") {
		t.Errorf("cancelled: got %v", err)
	}
}

// TestLatentStats compares the shifted float64 sums with a two-pass
// computation.
func TestLatentStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const graphs, width = 300, 6
	mu := make([]float32, graphs*width)
	for i := range mu {
		mu[i] = float32(5 + rng.NormFloat64())
	}
	var s latentStats
	s.add(mu[:100*width], 100, width)
	s.add(mu[100*width:], graphs-100, width)
	mean, std := s.meanStd()
	for k := range width {
		var m, v float64
		for g := range graphs {
			m += float64(mu[g*width+k])
		}
		m /= graphs
		for g := range graphs {
			d := float64(mu[g*width+k]) - m
			v += d * d
		}
		v = math.Sqrt(v / (graphs - 1))
		if math.Abs(float64(mean[k])-m) > 1e-6 || math.Abs(float64(std[k])-v) > 1e-6 {
			t.Errorf("position %d: mean %v std %v, want %v %v", k, mean[k], std[k], m, v)
		}
	}
}
