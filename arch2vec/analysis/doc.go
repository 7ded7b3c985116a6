// Package analysis holds the statistics arch2vec applies to embeddings:
// principal component analysis for 2-D maps of the latent space, and
// grouped summaries such as latent distance against edit distance.
//
// Results are deterministic: component signs are fixed by a rule (see
// [PCA]), not left to the SVD.
//
// # t-SNE
//
// [TSNE] is Barnes–Hut t-SNE with scikit-learn's defaults (perplexity 30
// over exact nearest neighbours, early exaggeration 12 for 250
// iterations, learning rate "auto", 1000 iterations, PCA
// initialisation, angle 0.5), run in parallel over fixed shards so that
// the layout is the same bits whatever GOMAXPROCS. Figure 4 of the
// arch2vec paper lays out 10,000 sampled embeddings this way and scales
// each axis to [−1, 1] with [ScaleToUnit] before binning them (see the
// plot package's Density and BinnedMean).
package analysis
