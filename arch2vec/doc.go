// Package arch2vec is the root of the arch2vec library: unsupervised
// representation learning of neural-network cells (Yan et al., "Does
// Unsupervised Architecture Representation Learning Help Neural
// Architecture Search?", NeurIPS 2020) and search in the learned space.
//
// The library knows nothing of Jupyter. Its packages:
//
//   - cell: NAS-Bench-101 and NAS-Bench-201 cells, validity, the NB101 hash,
//     enumeration, encoding, graph edit distance.
//   - bench: benchmark tables (arch2vec's data.json, NB201 accuracies,
//     the NB101 subset), with NB201 embedded.
//   - nn: float32 layers with explicit forward and backward passes, Adam,
//     gradient clipping.
//   - model: the GIN variational autoencoder, pretraining, metrics,
//     embeddings and checkpoints.
//   - search: random search, REINFORCE and DNGO Bayesian optimisation over
//     a fixed table of embeddings, regret traces and their aggregation.
//   - experiment: the paper's experiments, binding bench, model and search
//     (the NB201 and NB101 search tables and their time models).
//   - analysis: PCA and grouped statistics of embeddings.
//   - plot: gonum/plot figures rendered to PNG and SVG (the only package
//     here that draws).
//   - atomicfile: crash-safe file writes for checkpoints and exports.
//
// This package itself holds only this overview and the test that keeps
// the dependency rules of ARCHITECTURE.md.
package arch2vec
