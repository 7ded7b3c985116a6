package supervised

import (
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkEncodeNB201 encodes all 15,625 NAS-Bench-201 cells in
// evaluation mode (a DNGO prediction or a policy batch's embeddings).
func BenchmarkEncodeNB201(b *testing.B) {
	_, d := nb201Cells(b, 15625)
	g := NewGIN(d.C, Config{}, rand.New(rand.NewPCG(1, 1)))
	e := newEvalEncoder(g, d, 2)
	dst := make([]float32, d.Len*16)
	if err := e.encode(context.Background(), nil, dst, true); err != nil { // builds the plan
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := e.encode(context.Background(), nil, dst, true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*d.Len)/b.Elapsed().Seconds(), "cells/s")
}

// BenchmarkFitStep is one training step of the supervised DNGO: forward
// and backward of a minibatch of 10 NB201 cells and an Adam step.
func BenchmarkFitStep(b *testing.B) {
	cells, d := nb201Cells(b, 100)
	s := Config{}.Surrogate(d)(rewardTable(cells)).(*dngo)
	rng := rand.New(rand.NewPCG(1, 1))
	idx := make([]int, 100)
	y := make([]float64, 100)
	for i := range idx {
		idx[i], y[i] = i, s.t.Valid[i]
	}
	s.cfg.Epochs = 1
	if err := s.Fit(context.Background(), idx, y, rng); err != nil {
		b.Fatal(err)
	}
	s.cfg.Epochs = 10
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.train(context.Background(), idx, y, rng); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "steps/s")
}
