package model

import (
	"context"
	"fmt"
)

// evalChunk is the chunk size of the reference's held-out evaluation
// (utils/utils.py get_val_acc_vae L171-196).
const evalChunk = 500

// Recon holds the reconstruction metrics of a set of cells, computed as the
// reference computes them on its held-out split (utils/utils.py
// get_accuracy L108-123 and get_val_acc_vae L171-196, arch2vec.md §3.1):
// evaluation mode (z = μ, no dropout), chunks of 500 cells, each metric the
// mean of the per-chunk values weighted by len(chunk)/len(set). Only the
// strict upper triangle of the adjacency counts.
type Recon struct {
	// Cells is the number of cells evaluated.
	Cells int `json:"cells"`
	// AccOps is the share of all B·N node rows, padded rows included, whose
	// reconstructed argmax equals the target's (0, "input", for a padded
	// all-zero row).
	AccOps float64 `json:"acc_ops"`
	// AccAdj is the share of the B·N(N−1)/2 upper-triangular entries where
	// (reconstruction > 0.5) equals the target.
	AccAdj float64 `json:"acc_adj"`
	// MeanCorrAdj is the mean reconstructed probability at true edges.
	MeanCorrAdj float64 `json:"mean_corr_adj"`
	// MeanFalPosAdj is the mean reconstructed probability at
	// upper-triangular non-edges.
	MeanFalPosAdj float64 `json:"mean_fal_pos_adj"`
	// Exact is the share of cells reconstructed exactly: every node's
	// argmax and every upper-triangular edge decision right, i.e. the
	// decoded cell (threshold 0.5, argmax, as in the validity sampling)
	// equals the input cell. It is not in the reference, which has no
	// exact-match metric.
	Exact float64 `json:"exact"`
}

// chunkCounts are the raw sums of one evaluation chunk.
type chunkCounts struct {
	cells, nodes, opsRight, adjRight, exact, edges int
	probEdges, probNonEdges                        float64
}

// Evaluate computes the reconstruction metrics of m on every cell of data,
// in order, in evaluation mode. m is not modified. It returns an error
// wrapping context.Cause(ctx) if ctx ends first, and an error if m was
// trained on another space.
func Evaluate(ctx context.Context, m *VAE, data *Dataset) (Recon, error) {
	if err := checkFits(m, data); err != nil {
		return Recon{}, fmt.Errorf("model: evaluate: %w", err)
	}
	idx := make([]int, data.Len)
	for i := range idx {
		idx[i] = i
	}
	r, err := evaluate(ctx, newReplicas(m, embedWorkers), data, idx)
	if err != nil {
		return r, fmt.Errorf("model: evaluate: %w", err)
	}
	return r, nil
}

// evaluate computes [Recon] over the cells data[idx[0]], data[idx[1]], …
// in chunks of evalChunk, with the replicas' current weights.
func evaluate(ctx context.Context, reps *replicas, data *Dataset, idx []int) (Recon, error) {
	spans := chunks(len(idx), evalChunk)
	counts := make([]chunkCounts, len(spans))
	err := reps.run(ctx, spans, nil, func(r *replica, lo, hi int) {
		reconstruct(r, data, idx[lo:hi])
		counts[lo/evalChunk] = countChunk(&r.batch, r.ops, r.adj)
	})
	if err != nil {
		return Recon{}, err
	}
	return combine(counts, len(idx)), nil
}

// reconstruct runs the evaluation-mode encoder and decoder of r on the
// cells idx: r.batch gets the inputs, r.mu the per-node μ and r.ops, r.adj
// the decoder's sigmoid outputs.
func reconstruct(r *replica, data *Dataset, idx []int) {
	data.gather(&r.batch, idx)
	b, n, lat := len(idx), data.N, r.m.Config().LatentDim
	r.mu = growF(r.mu, b*n*lat)
	r.ops = growF(r.ops, b*n*data.C)
	r.adj = growF(r.adj, b*n*n)
	r.m.Encode(&r.batch, r.mu)
	for g := range b {
		r.m.DecodeTo(r.mu[g*n*lat:(g+1)*n*lat], n, r.ops[g*n*data.C:(g+1)*n*data.C], r.adj[g*n*n:(g+1)*n*n])
	}
}

// countChunk compares the reconstruction (ops, adj: sigmoid outputs laid
// out like b) with the targets in b.
func countChunk(b *Batch, ops, adj []float32) chunkCounts {
	n, c := b.N, b.C
	k := chunkCounts{cells: b.B, nodes: n}
	for g := range b.B {
		right := true
		for v := range n {
			o := (g*n + v) * c
			if argmax(ops[o:o+c]) == argmax(b.Ops[o:o+c]) {
				k.opsRight++
			} else {
				right = false
			}
		}
		for i := range n {
			for j := i + 1; j < n; j++ {
				p, t := adj[(g*n+i)*n+j], b.Adj[(g*n+i)*n+j]
				if t > 0.5 {
					k.edges++
					k.probEdges += float64(p)
				} else {
					k.probNonEdges += float64(p)
				}
				if (p > 0.5) == (t > 0.5) {
					k.adjRight++
				} else {
					right = false
				}
			}
		}
		if right {
			k.exact++
		}
	}
	return k
}

// combine weights the per-chunk metrics by len(chunk)/total, in chunk
// order, as get_val_acc_vae does.
func combine(counts []chunkCounts, total int) Recon {
	r := Recon{Cells: total}
	if total == 0 {
		return r
	}
	for _, k := range counts {
		if k.cells == 0 {
			continue
		}
		w := float64(k.cells) / float64(total)
		nodes := float64(k.cells * k.nodes)
		pairs := float64(k.cells * k.nodes * (k.nodes - 1) / 2)
		r.AccOps += w * float64(k.opsRight) / nodes
		r.AccAdj += w * float64(k.adjRight) / pairs
		if k.edges > 0 {
			r.MeanCorrAdj += w * k.probEdges / float64(k.edges)
		}
		if nonEdges := pairs - float64(k.edges); nonEdges > 0 {
			r.MeanFalPosAdj += w * k.probNonEdges / nonEdges
		}
		r.Exact += w * float64(k.exact) / float64(k.cells)
	}
	return r
}

// argmax returns the index of the first largest value, as torch.argmax.
func argmax(xs []float32) int {
	best := 0
	for k, x := range xs {
		if x > xs[best] {
			best = k
		}
	}
	return best
}
