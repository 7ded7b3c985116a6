// Package analysis holds the statistics arch2vec applies to embeddings:
// principal component analysis for 2-D maps of the latent space, and
// grouped summaries such as latent distance against edit distance.
//
// Results are deterministic: component signs are fixed by a rule (see
// [PCA]), not left to the SVD.
package analysis
