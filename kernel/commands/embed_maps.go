package commands

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/arch2vec/arch2vec/arch2vec/analysis"
	"github.com/arch2vec/arch2vec/arch2vec/plot"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/magic"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// embeddingMaps lays out at most sample cells of e in 2-D (kind "pca" or
// "tsne"), scales the layout to [−1, 1] and draws the paper's three maps:
// cells coloured by accuracy, cell density and mean accuracy per bin. It
// returns the figures and a description for the JSON summary.
func embeddingMaps(ctx context.Context, call *magic.Call, e *embedding, kind, color string, sample int,
	seed uint64) ([]wire.MIMEBundle, map[string]any, error) {
	n := e.cells.len()
	idx := sampleIndex(n, sample, seed)
	var layout []float64
	info := map[string]any{"kind": kind, "cells": len(idx)}
	method := "PCA"
	switch kind {
	case "pca":
		if e.pca == nil || e.pca.K < 2 {
			return nil, nil, fmt.Errorf("no 2-D principal components")
		}
		layout = make([]float64, 2*len(idx))
		for k, i := range idx {
			layout[2*k], layout[2*k+1] = e.pca.Proj[2*i], e.pca.Proj[2*i+1]
		}
	case "tsne":
		method = "t-SNE"
		if len(idx) < 3 {
			return nil, nil, fmt.Errorf("t-SNE needs at least 3 cells, %d loaded", len(idx))
		}
		x := make([]float32, len(idx)*e.dim)
		for k, i := range idx {
			copy(x[k*e.dim:(k+1)*e.dim], e.z[i*e.dim:(i+1)*e.dim])
		}
		layout = make([]float64, 2*len(idx))
		const iters = 1000
		p := call.Progress(display.ProgressConfig{Delay: progressDelay, Label: "t-SNE", Unit: "iteration", Total: iters})
		_ = p.Start()
		st, err := analysis.TSNE(ctx, layout, x, len(idx), e.dim, analysis.TSNEOptions{
			Perplexity: min(30, float64(len(idx)-1)/3), Iterations: iters, Seed: seed,
			Progress: func(it int, kl float64) {
				_ = p.SetStatus(fmt.Sprintf("KL %.3f", kl))
				_ = p.Set(int64(it))
			},
		})
		if err != nil {
			_ = p.Finish("stopped")
			return nil, nil, err
		}
		_ = p.Finish(fmt.Sprintf("KL %.3f after %d iterations", st.KL, st.Iterations))
		info["kl"], info["iterations"] = st.KL, st.Iterations
	default:
		return nil, nil, fmt.Errorf("unknown map %q", kind)
	}
	xs, ys := analysis.ScaleToUnit(layout)
	acc := e.cells.valid
	if color == "test" {
		acc = e.cells.test
	}
	v := make([]float64, len(idx))
	for k, i := range idx {
		v[k] = 100 * acc[i]
	}
	lo, hi := accuracyRange(v)
	info["accuracy_range"] = []float64{lo, hi}
	what := fmt.Sprintf("arch2vec embeddings of %s cells (%s, %d of %d)", e.cells.space, method, len(idx), n)
	xl, yl := method+" 1 (scaled)", method+" 2 (scaled)"
	// The scatter draws at most maxScatter of the points (its SVG grows by
	// ~100 bytes a point); the binned maps use them all.
	sx, sy, sv, title := xs, ys, v, what
	if len(xs) > maxScatter {
		keep := sampleIndex(len(xs), maxScatter, seed+1)
		sx, sy, sv = make([]float64, len(keep)), make([]float64, len(keep)), make([]float64, len(keep))
		for k, i := range keep {
			sx[k], sy[k], sv[k] = xs[i], ys[i], v[i]
		}
		title = fmt.Sprintf("%s; %d drawn", what, len(keep))
	}
	scatter, err := plot.Scatter(sx, sy, sv, plot.ScatterOptions{
		Title: title, XLabel: xl, YLabel: yl, ValueLabel: color + " accuracy (%)",
	})
	if err != nil {
		return nil, nil, err
	}
	density, err := plot.Density(xs, ys, plot.DensityOptions{Title: "density of " + what, XLabel: xl, YLabel: yl})
	if err != nil {
		return nil, nil, err
	}
	var figs []wire.MIMEBundle
	add := func(f *plot.Figure, plain string) error {
		b, err := figureBundle(f, plain)
		figs = append(figs, b)
		return err
	}
	if err := add(scatter, fmt.Sprintf("<%s map of %d embeddings coloured by %s accuracy>", method, len(idx), color)); err != nil {
		return nil, nil, err
	}
	if err := add(density, fmt.Sprintf("<%s density of %d embeddings>", method, len(idx))); err != nil {
		return nil, nil, err
	}
	if known := len(v) - countNaN(v); known > 0 {
		mean, err := plot.BinnedMean(xs, ys, v, plot.BinnedMeanOptions{
			Title:  fmt.Sprintf("mean %s accuracy per bin (%d cells with one)", color, known),
			XLabel: xl, YLabel: yl, ValueLabel: color + " accuracy (%)", Min: lo, Max: hi,
		})
		if err != nil {
			return nil, nil, err
		}
		if err := add(mean, fmt.Sprintf("<%s map of the mean %s accuracy per bin>", method, color)); err != nil {
			return nil, nil, err
		}
	}
	return figs, info, nil
}

// maxScatter bounds the points of an accuracy scatter.
const maxScatter = 3000

// sampleIndex returns at most sample positions of n, drawn with seed and
// kept in order.
func sampleIndex(n, sample int, seed uint64) []int {
	if sample >= n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := rand.New(rand.NewPCG(seed, 0xe3bed)).Perm(n)[:sample]
	slices.Sort(idx)
	return idx
}

// accuracyRange is the colour range of an accuracy map, in percent: the
// 5th to 95th percentile of the known values. (The paper fixes 82–92 % for
// the test accuracies of all NAS-Bench-101 cells; the accuracies loaded
// here — the 20k subset's validation accuracies, NAS-Bench-201's — have
// other ranges, and a few broken cells lie far below the rest.)
func accuracyRange(v []float64) (lo, hi float64) {
	var known []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			known = append(known, x)
		}
	}
	if len(known) == 0 {
		return 0, 100
	}
	slices.Sort(known)
	lo, hi = known[len(known)*5/100], known[min(len(known)-1, len(known)*95/100)]
	if !(hi > lo) {
		lo, hi = lo-0.5, hi+0.5
	}
	return lo, hi
}
