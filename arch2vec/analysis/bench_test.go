package analysis

import (
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkPCA101 projects embeddings of every NAS-Bench-101 cell
// (423,624 × 16) onto two components, the work of %embed.
func BenchmarkPCA101(b *testing.B) {
	const n, d = 423624, 16
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PCA(context.Background(), x, n, d, 2); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
}
