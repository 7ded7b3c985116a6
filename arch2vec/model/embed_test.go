package model

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
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

// trCopyModel copies the weights and buffers of src into dst.
func trCopyModel(dst, src *VAE) {
	(&replicas{reps: []*replica{{m: dst}}}).sync(src)
}

// BenchmarkEmbed measures embedding throughput on 20,000 cells.
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
