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
package plot
