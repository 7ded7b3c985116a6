package model

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// Validity is the outcome of decoding random latent points (arch2vec.md
// §3.2, pretraining_nasbench101.py L74-98).
type Validity struct {
	// Samples is the number of latent draws.
	Samples int `json:"samples"`
	// Valid is the number of draws that decode to a valid cell.
	Valid int `json:"valid"`
	// Unique is the number of distinct fingerprints among the valid ones.
	Unique int `json:"unique"`
	// Validity is Valid/Samples.
	Validity float64 `json:"validity"`
	// Uniqueness is Unique/(Valid + 1e-8), the reference's formula.
	Uniqueness float64 `json:"uniqueness"`
}

// latentStats accumulates the per-position (node × latent dimension)
// mean and unbiased standard deviation of the training μ of one epoch
// (pretraining_nasbench101.py L72-73: Z.mean(0), Z.std(0)). Sums are kept
// in float64 around a shift (the first graph's μ) for accuracy, in batch
// order, so the result is deterministic.
type latentStats struct {
	N     int       `json:"n"`
	Shift []float64 `json:"shift"`
	Sum   []float64 `json:"sum"`
	SumSq []float64 `json:"sumsq"`
}

// add accumulates graphs×len(Shift) values of mu.
func (s *latentStats) add(mu []float32, graphs, width int) {
	if s.Shift == nil {
		s.Shift = make([]float64, width)
		s.Sum = make([]float64, width)
		s.SumSq = make([]float64, width)
		for k := range width {
			s.Shift[k] = float64(mu[k])
		}
	}
	for g := range graphs {
		row := mu[g*width : (g+1)*width]
		for k, x := range row {
			d := float64(x) - s.Shift[k]
			s.Sum[k] += d
			s.SumSq[k] += d * d
		}
	}
	s.N += graphs
}

// meanStd returns the per-position mean and unbiased standard deviation.
// With fewer than two graphs the deviation is NaN, as torch's.
func (s *latentStats) meanStd() (mean, std []float32) {
	mean = make([]float32, len(s.Shift))
	std = make([]float32, len(s.Shift))
	n := float64(s.N)
	for k := range s.Shift {
		m := s.Sum[k] / n
		mean[k] = float32(s.Shift[k] + m)
		v := (s.SumSq[k] - s.Sum[k]*m) / (n - 1)
		std[k] = float32(math.Sqrt(math.Max(v, 0)))
	}
	return mean, std
}

// sampleChunk is the number of latent draws decoded per pass.
const sampleChunk = 500

// sampleValidity draws samples latent points z = randn(N, Latent)·zStd +
// zMean (float32, per position), decodes them with the replicas' decoder
// in evaluation mode, and counts valid and unique cells. The normal draws
// come from rng in sample order; decoding runs in parallel in fixed chunks.
//
// NB101: a draw is valid when [cell.Decode101]'s unpruned cell passes
// [cell.NB101.Valid] (prune, then nasbench's is_valid); its fingerprint is
// [cell.NB101.Fingerprint] of the UNPRUNED cell. NB201: valid by
// [cell.Decoded201.Valid] (utils/utils.py L240-246: node 0 input, node 7
// output, nodes 2..6 edge operations; node 1 unchecked and the adjacency
// ignored, as in the reference); the fingerprint is
// [cell.Decoded201.Fingerprint], the NB101 recipe on the unpruned 8×8 graph
// (an assumption: the brief documents the NB101 script only).
func sampleValidity(ctx context.Context, reps *replicas, space Space, zMean, zStd []float32, samples int, rng *rand.Rand) (Validity, error) {
	width := len(zMean)
	z := make([]float32, samples*width)
	for s := range samples {
		row := z[s*width : (s+1)*width]
		for k := range row {
			row[k] = float32(rng.NormFloat64())*zStd[k] + zMean[k]
		}
	}
	n, c := space.nodes(), space.classes()
	valid := make([]bool, samples)
	prints := make([]cell.Hash, samples)
	err := reps.run(ctx, chunks(samples, sampleChunk), nil, func(r *replica, lo, hi int) {
		r.ops = growF(r.ops, n*c)
		r.adj = growF(r.adj, n*n)
		ops, adj := r.ops, r.adj
		for s := lo; s < hi; s++ {
			r.m.DecodeTo(z[s*width:(s+1)*width], n, ops, adj)
			if space == NASBench201 {
				d := cell.Decode201(adj, ops)
				if valid[s] = d.Valid(); valid[s] {
					prints[s] = d.Fingerprint()
				}
				continue
			}
			d := cell.Decode101(adj, ops)
			if valid[s] = d.Valid(); valid[s] {
				prints[s] = d.Fingerprint()
			}
		}
	})
	if err != nil {
		return Validity{}, err
	}
	v := Validity{Samples: samples}
	seen := make(map[cell.Hash]struct{})
	for s, ok := range valid {
		if ok {
			v.Valid++
			seen[prints[s]] = struct{}{}
		}
	}
	v.Unique = len(seen)
	if samples > 0 {
		v.Validity = float64(v.Valid) / float64(samples)
	}
	v.Uniqueness = float64(v.Unique) / (float64(v.Valid) + 1e-8)
	return v, nil
}
