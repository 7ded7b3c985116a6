package commands

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/arch2vec/arch2vec/arch2vec/analysis"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/plot"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/magic"
	"github.com/arch2vec/arch2vec/kernel/wire"
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
			"components and drawn, each cell coloured by its --color accuracy (grey when unknown); " +
			"--sample draws at most N cells, chosen at random with --seed, to keep the figure light. " +
			"Returns a summary table with the explained variance (also as application/json).",
		Example: "%embed\n%embed --color test --sample 5000",
		Flags: []magic.Flag{
			{Name: "plot", Kind: magic.Enum, Values: []string{"pca", "none"}, Default: "pca", Help: "map to draw"},
			{Name: "color", Kind: magic.Enum, Values: []string{"validation", "test"}, Default: "validation", Help: "accuracy that colours the map"},
			{Name: "sample", Kind: magic.Int, Default: "3000", Help: "cells drawn on the map at most"},
			{Name: "seed", Kind: magic.Int, Default: "1", Help: "seed of the --sample draw"},
		},
		Run: w.runEmbed,
	}
}

// runEmbed runs %embed.
func (w *Workspace) runEmbed(ctx context.Context, call *magic.Call) error {
	if call.Int("sample") < 1 {
		return call.Usagef("sample", "--sample must be ≥ 1")
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
	if call.String("plot") == "pca" && emb.pca != nil && emb.pca.K == 2 {
		fig, err := pcaFigure(emb, call.String("color"), call.Int("sample"), uint64(call.Int("seed")))
		if err != nil {
			return fmt.Errorf("embed: %w", err)
		}
		if err := call.Display(fig); err != nil {
			return err
		}
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
	b, err := withJSON(display.Table([]string{"embedding", ""}, rows), js)
	if err != nil {
		return fmt.Errorf("embed: %w", err)
	}
	w.commit(func(w *Workspace) { w.emb = emb })
	call.Result(b)
	return nil
}

// pcaFigure draws at most sample cells of the PCA map, coloured by the
// validation or test accuracy in percent.
func pcaFigure(e *embedding, color string, sample int, seed uint64) (wire.MIMEBundle, error) {
	n := e.cells.len()
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if sample < n {
		idx = rand.New(rand.NewPCG(seed, 0xe3bed)).Perm(n)[:sample]
		slices.Sort(idx)
	}
	acc := e.cells.valid
	if color == "test" {
		acc = e.cells.test
	}
	x, y, v := make([]float64, len(idx)), make([]float64, len(idx)), make([]float64, len(idx))
	for k, i := range idx {
		x[k], y[k], v[k] = e.pca.Proj[2*i], e.pca.Proj[2*i+1], 100*acc[i]
	}
	f, err := plot.Scatter(x, y, v, plot.ScatterOptions{
		Title:      fmt.Sprintf("arch2vec embeddings of %s cells (PCA, %d of %d shown)", e.cells.space, len(idx), n),
		XLabel:     fmt.Sprintf("PC1 (%.1f%%)", 100*e.pca.Ratio[0]),
		YLabel:     fmt.Sprintf("PC2 (%.1f%%)", 100*e.pca.Ratio[1]),
		ValueLabel: color + " accuracy (%)",
	})
	if err != nil {
		return wire.MIMEBundle{}, err
	}
	return figureBundle(f, fmt.Sprintf("<PCA map of %d embeddings coloured by %s accuracy>", len(idx), color))
}
