package model

import (
	"math/rand/v2"
	"testing"
)

// randomBatch returns b NB101-shaped cells (7 padded nodes, 5 op classes):
// n in 2..7 nodes, node 0 input, node n−1 output, interior ops random,
// strictly upper-triangular random 0/1 edges with the chain i→i+1 kept so
// every node is connected.
func randomBatch(rng *rand.Rand, b int) *Batch {
	const N, C = 7, 5
	bt := NewBatch(b, N, C)
	for g := 0; g < b; g++ {
		n := 2 + rng.IntN(N-1)
		adj, ops := bt.Adj[g*N*N:(g+1)*N*N], bt.Ops[g*N*C:(g+1)*N*C]
		for i := 0; i < n; i++ {
			op := 1 + rng.IntN(3)
			switch i {
			case 0:
				op = 0
			case n - 1:
				op = 4
			}
			ops[i*C+op] = 1
			for j := i + 1; j < n; j++ {
				if j == i+1 || rng.IntN(3) == 0 {
					adj[i*N+j] = 1
				}
			}
		}
	}
	return bt
}

var sinkLoss float32

func benchStep(b *testing.B, train bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewVAE(VAEConfig{InputDim: 5, Dropout: 0.3}, rng)
	batches := make([]*Batch, 8)
	for i := range batches {
		batches[i] = randomBatch(rng, 32)
	}
	m.Step(batches[0], train, rng)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		sinkLoss = m.Step(batches[i%len(batches)], train, rng)
	}
	b.ReportMetric(float64(32*b.N)/b.Elapsed().Seconds(), "cells/s")
}

// BenchmarkStep is one training step (forward, loss, backward; no
// optimiser) on a batch of 32 NB101 cells in training mode.
func BenchmarkStep(b *testing.B) { benchStep(b, true) }

// BenchmarkStepEval is the same in evaluation mode (the reference's epochs
// 1..7).
func BenchmarkStepEval(b *testing.B) { benchStep(b, false) }

// BenchmarkEncode is the evaluation-mode per-node μ of 32 cells, and of
// larger batches as Embed and the metrics use them (one core).
func BenchmarkEncode(b *testing.B) {
	for _, bs := range []int{32, 256, 1024} {
		b.Run("B"+itoa(bs), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			m := NewVAE(VAEConfig{InputDim: 5}, rng)
			bt := randomBatch(rng, bs)
			mu := make([]float32, bs*7*16)
			m.Encode(bt, mu)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				m.Encode(bt, mu)
			}
			b.ReportMetric(float64(bs*b.N)/b.Elapsed().Seconds(), "cells/s")
		})
	}
}
