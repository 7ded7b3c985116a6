package commands

import (
	"context"
	"fmt"
	"strconv"

	"github.com/arch2vec/arch2vec/arch2vec/analysis"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/magic"
)

// embedCommand returns %embed.
func (w *Workspace) embedCommand() *magic.Command {
	return &magic.Command{
		Name:    "embed",
		Summary: "Embed every loaded cell with the trained model and map the embeddings",
		Doc: "Computes the arch2vec embedding of every loaded cell with the pretrained model: the mean over " +
			"the cell's nodes of the encoder's μ. The embeddings stay in the workspace for %search and " +
			"%export.\n\n" +
			"With --plot pca (the default) the embeddings are projected onto their first two principal " +
			"components; with --plot tsne they are laid out by t-SNE (Barnes–Hut, scikit-learn's " +
			"defaults: perplexity 30, 1000 iterations, PCA start), as the paper's figure 4. Either map " +
			"is drawn three ways, with coordinates scaled to [−1, 1]: each cell coloured by its --color " +
			"accuracy (grey when unknown), the density of cells (a 51×51 histogram) and the mean " +
			"accuracy per bin (colour range: the 5th to 95th percentile of the accuracies shown; the " +
			"paper fixes 82–92 % for the test accuracies of all NAS-Bench-101 cells). --sample draws at most N cells, chosen at random with --seed " +
			"(default: 3,000 for pca, 10,000 for tsne, as the paper); the accuracy scatter draws at most " +
			"3,000 of them, the binned maps all. " +
			"Returns a summary table with the explained variance (also as application/json).",
		Example: "%embed\n%embed --plot tsne --color test\n%embed --plot none",
		Flags: []magic.Flag{
			{Name: "plot", Kind: magic.Enum, Values: []string{"pca", "tsne", "none"}, Default: "pca", Help: "map to draw"},
			{Name: "color", Kind: magic.Enum, Values: []string{"validation", "test"}, Default: "validation", Help: "accuracy that colours the map"},
			{Name: "sample", Kind: magic.Int, Default: "0", Help: "cells drawn on the map at most (0: 3000 for pca, 10000 for tsne)"},
			{Name: "seed", Kind: magic.Int, Default: "1", Help: "seed of the --sample draw"},
		},
		Run: w.runEmbed,
	}
}

// runEmbed runs %embed.
func (w *Workspace) runEmbed(ctx context.Context, call *magic.Call) error {
	sample := call.Int("sample")
	switch {
	case sample < 0:
		return call.Usagef("sample", "--sample must be ≥ 0")
	case sample == 0 && call.String("plot") == "tsne":
		sample = 10000
	case sample == 0:
		sample = 3000
	}
	if call.String("plot") != "none" {
		sample = w.capped(call, "cells on the map", sample, 0, func(q *Quick) int { return q.Sample })
	}
	if call.Int("seed") < 0 {
		return call.Usagef("seed", "--seed must be ≥ 0")
	}
	cs, tr, err := w.snapshot().needModel("embed")
	if err != nil {
		return err
	}
	data, err := cs.encoded()
	if err != nil {
		return fmt.Errorf("embed: %w", err)
	}
	m := tr.result.Model
	if c := m.Config(); c.InputDim != data.C {
		return fmt.Errorf("embed: the model reads %d operation classes but the cells have %d", c.InputDim, data.C)
	}
	dim := m.Config().LatentDim
	z := make([]float32, cs.len()*dim)
	p := call.Progress(display.ProgressConfig{Delay: progressDelay, Label: "embed", Unit: "cell", Total: int64(cs.len())})
	_ = p.Start()
	if err := model.Embed(ctx, m, data, z, func(done, total int) { _ = p.Set(int64(done)) }); err != nil {
		_ = p.Finish("stopped")
		if ctx.Err() != nil {
			return interrupted("embed", err, "")
		}
		return fmt.Errorf("embed: %w", err)
	}
	_ = p.Finish(fmt.Sprintf("%d cells", cs.len()))
	emb := &embedding{cells: cs, model: tr, dim: dim, z: z}
	if cs.len() >= 2 {
		if emb.pca, err = analysis.PCA(ctx, z, cs.len(), dim, min(2, dim)); err != nil {
			return fmt.Errorf("embed: %w", err)
		}
	}
	var mapInfo map[string]any
	if plotKind := call.String("plot"); plotKind != "none" && cs.len() >= 2 {
		figs, info, err := embeddingMaps(ctx, call, emb, plotKind, call.String("color"), sample, uint64(call.Int("seed")))
		if err != nil {
			if ctx.Err() != nil {
				return interrupted("embed", err, "")
			}
			return fmt.Errorf("embed: %w", err)
		}
		for _, f := range figs {
			if err := call.Display(f); err != nil {
				return err
			}
		}
		mapInfo = info
	}
	rows := [][]string{{"cells", strconv.Itoa(cs.len())}, {"dimension", strconv.Itoa(dim)}}
	js := map[string]any{"cells": cs.len(), "dim": dim}
	if emb.pca != nil {
		var ratios []float64
		for c, r := range emb.pca.Ratio {
			rows = append(rows, []string{fmt.Sprintf("PC%d variance explained (%%)", c+1), pct(r)})
			ratios = append(ratios, r)
		}
		js["explained_variance_ratio"] = ratios
	}
	if mapInfo != nil {
		js["map"] = mapInfo
		if kl, ok := mapInfo["kl"].(float64); ok {
			rows = append(rows, []string{"t-SNE KL divergence", fmt.Sprintf("%.3f", kl)})
		}
	}
	b, err := withJSON(display.Table([]string{"embedding", ""}, rows), js)
	if err != nil {
		return fmt.Errorf("embed: %w", err)
	}
	w.commit(func(w *Workspace) { w.emb = emb })
	call.Result(b)
	return nil
}
