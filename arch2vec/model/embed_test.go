package model

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// TestEmbed checks Embed against the definition (the mean over nodes of
// the evaluation-mode μ, padded nodes included), computed one cell at a
// time, and its progress and cancellation.
func TestEmbed(t *testing.T) {
	d := trData101(t, 700, 10)
	m := NewVAE(VAEConfig{InputDim: 5}, rand.New(rand.NewPCG(7, 8)))
	emb := make([]float32, d.Len*16)
	last := 0
	err := Embed(context.Background(), m, d, emb, func(done, total int) {
		if done <= last || total != d.Len {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last = done
	})
	if err != nil || last != d.Len {
		t.Fatalf("err %v, progress ended at %d of %d", err, last, d.Len)
	}
	one := m.Config()
	ref := NewVAE(one, rand.New(rand.NewPCG(0, 0)))
	trCopyModel(ref, m)
	var b Batch
	mu := make([]float32, 7*16)
	worst := 0.0
	for _, i := range []int{0, 1, 255, 256, 699} {
		d.slice(&b, i, i+1)
		ref.Encode(&b, mu)
		for k := range 16 {
			var s float64
			for v := range 7 {
				s += float64(mu[v*16+k])
			}
			worst = math.Max(worst, math.Abs(s/7-float64(emb[i*16+k])))
		}
	}
	if worst > 1e-5 {
		t.Errorf("embedding differs from the per-cell mean of μ by %g", worst)
	}
	m201 := NewVAE(VAEConfig{InputDim: 7}, rand.New(rand.NewPCG(7, 8)))
	if err := Embed(context.Background(), m201, d, emb, nil); err == nil || !containsAll(err.Error(), "reads 7 operation classes, the nasbench101 cells have 5") {
		t.Errorf("NB201 model on NB101 cells: got %v", err)
	}
	if _, err := Evaluate(context.Background(), m201, d); err == nil {
		t.Error("Evaluate of an NB201 model on NB101 cells: no error")
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("stop")
	cancel(stop)
	err = Embed(ctx, m, d, emb, nil)
	if !errors.Is(err, stop) || !containsAll(err.Error(), "stopped after 0 of 700 cells") {
		t.Errorf("cancelled: got %v, want the cause", err)
	}
}

// trTrainedLike returns a model of input width c whose BatchNorm running
// statistics, ε and weights are away from their initial values (a few
// training steps, then noise), so that every term of the encoder matters.
func trTrainedLike(c int, d *Dataset, seed uint64) *VAE {
	rng := rand.New(rand.NewPCG(seed, 77))
	m := NewVAE(VAEConfig{InputDim: c, Dropout: 0.3}, rng)
	var b Batch
	for range 4 {
		d.gather(&b, rng.Perm(d.Len)[:32])
		m.Step(&b, true, rng)
	}
	for _, p := range m.Params() {
		for i := range p.Data {
			p.Data[i] += 0.05 * float32(rng.NormFloat64())
		}
	}
	return m
}

// embedByForward is the plain definition of the embedding: the
// evaluation-mode μ of VAE.Forward, averaged over the nodes in float64.
func embedByForward(m *VAE, d *Dataset) []float64 {
	lat := m.Config().LatentDim
	ref := NewVAE(m.Config(), rand.New(rand.NewPCG(0, 0)))
	trCopyModel(ref, m)
	out := make([]float64, d.Len*lat)
	var b Batch
	for lo := 0; lo < d.Len; lo += 100 {
		hi := min(lo+100, d.Len)
		d.slice(&b, lo, hi)
		ref.Forward(&b)
		mu, _, _, _ := ref.Outputs()
		for g := range hi - lo {
			for v := range d.N {
				for k := range lat {
					out[(lo+g)*lat+k] += float64(mu[(g*d.N+v)*lat+k]) / float64(d.N)
				}
			}
		}
	}
	return out
}

// TestEmbedMatchesForward checks the table path of Embed (which sums in
// another order than the encoder, see embed_table.go) against the plain
// encoder path on real cells of both spaces, with trained-like models:
// the largest difference must stay within 1e-5 of the embedding scale
// (the largest |value|).
func TestEmbedMatchesForward(t *testing.T) {
	all201 := cell.All201()
	rng := rand.New(rand.NewPCG(5, 201))
	var cells201 []cell.NB201
	for _, i := range rng.Perm(len(all201))[:2000] {
		cells201 = append(cells201, all201[i])
	}
	d201, err := NewDataset201(cells201)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		d    *Dataset
	}{
		{"nasbench101 3000 random cells", trData101(t, 3000, 31)},
		{"nasbench201 2000 random cells", d201},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := trTrainedLike(tc.d.C, tc.d, 9)
			emb := make([]float32, tc.d.Len*16)
			if err := Embed(context.Background(), m, tc.d, emb, nil); err != nil {
				t.Fatal(err)
			}
			want := embedByForward(m, tc.d)
			scale, worst := 0.0, 0.0
			for i, w := range want {
				scale = math.Max(scale, math.Abs(w))
				worst = math.Max(worst, math.Abs(float64(emb[i])-w))
			}
			t.Logf("largest difference %.3g, scale %.3g, relative %.3g", worst, scale, worst/scale)
			if scale == 0 || worst > 1e-5*scale {
				t.Errorf("largest difference %g for an embedding scale %g", worst, scale)
			}
		})
	}
}

// TestEmbedDeterministic checks that embeddings are bit-identical whatever
// the number of workers and GOMAXPROCS, and that a cell's embedding does
// not depend on the other cells of the dataset (a shuffled subset gives
// the same bits), as embed_table.go promises.
func TestEmbedDeterministic(t *testing.T) {
	d := trData101(t, 2500, 41)
	m := trTrainedLike(5, d, 10)
	run := func(d *Dataset, procs, workers int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		emb := make([]float32, d.Len*16)
		if err := embed(context.Background(), m, d, emb, nil, workers); err != nil {
			t.Fatal(err)
		}
		return emb
	}
	ref := run(d, 2, 2)
	for _, c := range []struct{ procs, workers int }{{1, 1}, {1, 2}, {2, 3}} {
		if got := run(d, c.procs, c.workers); !slices.Equal(got, ref) {
			t.Errorf("GOMAXPROCS %d, %d workers: embeddings differ", c.procs, c.workers)
		}
	}
	idx := rand.New(rand.NewPCG(3, 3)).Perm(d.Len)[:700]
	sub := run(d.Subset(idx), 2, 2)
	for k, i := range idx {
		if !slices.Equal(sub[k*16:(k+1)*16], ref[i*16:(i+1)*16]) {
			t.Fatalf("cell %d: embedding in a subset differs from the full run", i)
		}
	}
}

// TestEmbedFallback checks the cases the tables do not take: cells whose
// adjacency is not 0/1 upper-triangular, or operation rows not one-hot,
// and a one-layer model. They go through Encode, so Embed must equal the
// per-cell mean of Encode's μ bit for bit.
func TestEmbedFallback(t *testing.T) {
	base := trData101(t, 300, 51)
	weighted := base.Subset(rand.New(rand.NewPCG(1, 1)).Perm(base.Len))
	weighted.Adj[weighted.N*weighted.N*150+1] = 0.5
	soft := base.Subset(rand.New(rand.NewPCG(2, 2)).Perm(base.Len))
	soft.Ops[soft.N*soft.C*299+soft.C+1] = 0.25
	for _, tc := range []struct {
		name string
		d    *Dataset
		cfg  VAEConfig
	}{
		{"adjacency weight 0.5", weighted, VAEConfig{InputDim: 5}},
		{"soft operation row", soft, VAEConfig{InputDim: 5}},
		{"one GIN layer", base, VAEConfig{InputDim: 5, Layers: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := NewVAE(tc.cfg, rand.New(rand.NewPCG(8, 8)))
			emb := make([]float32, tc.d.Len*16)
			if err := Embed(context.Background(), m, tc.d, emb, nil); err != nil {
				t.Fatal(err)
			}
			want := make([]float32, len(emb))
			if err := embedPlain(context.Background(), newReplicas(m, 1), tc.d, want, nil); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(emb, want) {
				t.Error("Embed differs from the Encode path")
			}
		})
	}
}

// trCopyModel copies the weights and buffers of src into dst.
func trCopyModel(dst, src *VAE) {
	(&replicas{reps: []*replica{{m: dst}}}).sync(src)
}

// BenchmarkEmbed measures embedding throughput on 20,000 cells drawn at
// random from NB101 (random order: fewer repeated node states than in
// enumeration order, see BenchmarkEmbedFull).
func BenchmarkEmbed(b *testing.B) {
	d := trData101(b, 20000, 11)
	m := NewVAE(VAEConfig{InputDim: 5}, rand.New(rand.NewPCG(7, 8)))
	emb := make([]float32, d.Len*16)
	b.ReportAllocs()
	for b.Loop() {
		if err := Embed(context.Background(), m, d, emb, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(d.Len*b.N)/b.Elapsed().Seconds(), "cells/s")
}

// BenchmarkEmbedFull embeds all 423,624 NB101 cells in enumeration order
// (issue 7: under 1.5 s). Enumeration and encoding are not timed.
func BenchmarkEmbedFull(b *testing.B) {
	cells := trCells101(b, 1, 1)[:0]
	cells = append(cells, trSpace.cells...)
	d, err := NewDataset101(cells)
	if err != nil {
		b.Fatal(err)
	}
	m := NewVAE(VAEConfig{InputDim: 5}, rand.New(rand.NewPCG(7, 8)))
	emb := make([]float32, d.Len*16)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Embed(context.Background(), m, d, emb, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(d.Len*b.N)/b.Elapsed().Seconds(), "cells/s")
}

// BenchmarkPretrainEpoch measures training throughput (batch 32, the
// reference settings) on 3,000 NB101 cells per epoch, held-out metrics
// included, validity excluded: "eval" is reference mode's epochs 1..
// (evaluation mode), "train" the training-mode epochs of epoch 0 and of
// standard mode.
func BenchmarkPretrainEpoch(b *testing.B) {
	d := trData101(b, 3000, 12)
	for _, bc := range []struct {
		name string
		mode Mode
	}{{"eval", ModeReference}, {"train", ModeStandard}} {
		b.Run(bc.name, func(b *testing.B) {
			tr, err := NewTrainer(Config{ValiditySamples: -1, Epochs: 1 << 30, Mode: bc.mode}, d, Hooks{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tr.RunTo(context.Background(), 1); err != nil { // warm-up: epoch 0
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := tr.RunTo(context.Background(), tr.Epoch()+1); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(tr.train)*b.N)/b.Elapsed().Seconds(), "cells/s")
		})
	}
}

// BenchmarkNewDataset101 measures encoding the whole NB101 space.
func BenchmarkNewDataset101(b *testing.B) {
	cells := trCells101(b, 1, 1)[:0]
	cells = append(cells, trSpace.cells...)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewDataset101(cells); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cells)*b.N)/b.Elapsed().Seconds(), "cells/s")
}

// TestColourTable checks interning: ids in order of first appearance,
// the same id for a key seen again, across several growths and a reset.
func TestColourTable(t *testing.T) {
	var tb colourTable
	for round := range 2 {
		tb.reset(4)
		rng := rand.New(rand.NewPCG(uint64(round), 9))
		seen := map[[2]uint64]int32{}
		for range 5000 {
			k := [2]uint64{uint64(rng.IntN(900)) << 40, uint64(rng.IntN(3))}
			id, fresh := tb.intern(k[0], k[1])
			want, ok := seen[k]
			if !ok {
				want = int32(len(seen))
				seen[k] = want
			}
			if id != want || fresh == ok {
				t.Fatalf("round %d: key %v: id %d fresh %v, want %d fresh %v", round, k, id, fresh, want, !ok)
			}
		}
		if tb.len() != len(seen) {
			t.Fatalf("round %d: %d keys, want %d", round, tb.len(), len(seen))
		}
	}
}
