package model

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// trChainDecoder returns replicas of a model whose decoder turns the
// latent points z_v = e_v + e_{v+1} (v = 0..n−1) into a chain
// 0→1→…→n−1 (z_i·z_j = 1 for j = i+1, 0 otherwise) labelled input, the
// interior op class mid, output: input where dimension 0 is set (node 0
// only), output where dimension n is set (node n−1 only), mid elsewhere
// (bias). It also returns those points.
func trChainDecoder(t testing.TB, space Space, mid int) (*replicas, []float32) {
	t.Helper()
	n, c := space.nodes(), space.classes()
	m := NewVAE(VAEConfig{InputDim: c}, rand.New(rand.NewPCG(5, 6)))
	var w, b []float32
	for _, p := range m.Params() {
		switch p.Name {
		case "decoder.weight.weight":
			w = p.Data
		case "decoder.weight.bias":
			b = p.Data
		}
	}
	if len(w) != c*16 || len(b) != c {
		t.Fatalf("decoder parameters not found (%d, %d values)", len(w), len(b))
	}
	clear(w)
	for k := range b {
		b[k] = -5
	}
	b[mid] = 1
	w[0*16+0] = 10     // input class on dimension 0
	w[(c-1)*16+n] = 10 // output class on dimension n
	z := make([]float32, n*16)
	for v := range n {
		z[v*16+v], z[v*16+v+1] = 1, 1
	}
	return newReplicas(m, 2), z
}

// TestValidityChain decodes a fixed latent point (zero spread) that
// decodes to a valid chain cell: every draw is valid and all share one
// fingerprint. With a large spread most draws are invalid and distinct.
func TestValidityChain(t *testing.T) {
	for _, tc := range []struct {
		space Space
		mid   int
	}{{NASBench101, int(cell.Conv3x3)}, {NASBench201, int(cell.Skip201)}} {
		t.Run(tc.space.String(), func(t *testing.T) {
			reps, z := trChainDecoder(t, tc.space, tc.mid)
			zero := make([]float32, len(z))
			v, err := sampleValidity(context.Background(), reps, tc.space, z, zero, 1200, rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if v.Samples != 1200 || v.Valid != 1200 || v.Unique != 1 || v.Validity != 1 {
				t.Errorf("fixed point: got %+v, want 1200 valid draws of one cell", v)
			}
			wide := make([]float32, len(z))
			for i := range wide {
				wide[i] = 3
			}
			v, err = sampleValidity(context.Background(), reps, tc.space, z, wide, 1200, rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if v.Valid == 1200 || v.Unique > v.Valid || v.Unique < v.Valid/2 {
				t.Errorf("spread 3: got %+v, want some invalid and mostly distinct draws", v)
			}
		})
	}
	reps, z := trChainDecoder(t, NASBench101, int(cell.Conv3x3))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sampleValidity(ctx, reps, NASBench101, z, z, 1000, rand.New(rand.NewPCG(1, 1))); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("cancelled: got %v", err)
	}
}

// BenchmarkValidity measures one validity measurement of 10,000 draws
// (decoding, pruning, validation, fingerprints) from a trained-looking
// spread around the chain point.
func BenchmarkValidity(b *testing.B) {
	reps, z := trChainDecoder(b, NASBench101, int(cell.Conv3x3))
	std := make([]float32, len(z))
	for i := range std {
		std[i] = 0.5
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sampleValidity(context.Background(), reps, NASBench101, z, std, 10000, rand.New(rand.NewPCG(1, 1))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "samples/s")
}
