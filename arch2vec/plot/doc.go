// Package plot draws the figures of arch2vec — pretraining loss curves,
// embedding maps coloured by accuracy and search regret curves — with
// gonum/plot, and renders them to PNG and SVG bytes.
//
// It is the only arch2vec package that imports gonum/plot. It knows nothing
// of Jupyter: a [Figure] is plain data plus a renderer, usable from the
// kernel's commands, from tests and from command-line tools alike.
//
// Figures are deterministic: the same data gives the same plotted values
// and, on one platform, the same bytes. Tests should assert on the plotted
// data (the plotters of [Figure.Plot]) and on the image size, not on bytes.
//
// # Latent-space maps
//
// [Density] and [BinnedMean] draw the maps of arch2vec's figure 4 from a
// 2-D layout scaled to [−1, 1] (t-SNE, then analysis.ScaleToUnit): the
// number of cells per bin, and their mean test accuracy per bin on the
// fixed colour range 0.82–0.92, on the paper's 51 × 51 grid ([Bins]).
// [BinValues] returns the binned numbers a figure shows.
package plot
