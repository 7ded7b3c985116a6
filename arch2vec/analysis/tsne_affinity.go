package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// tsneP is t-SNE's input affinity matrix P: symmetric, summing to 1,
// sparse in compressed rows with the columns of each row increasing.
type tsneP struct {
	n, k   int // points, nearest neighbours per point
	rowPtr []int
	col    []int32
	val    []float64
	psum   float64 // Σ P (1 up to rounding)
	plogp  float64 // Σ P log P, the constant part of the KL divergence
}

// Perplexity calibration as scikit-learn's _binary_search_perplexity.
const (
	perplexitySteps = 100
	perplexityTol   = 1e-5 // on the entropy, in nats
)

// affinities computes P over the exact min(n−1, ⌊3·perplexity+1⌋) nearest
// neighbours of every point (squared Euclidean distances, brute force,
// ties to the lower index), in parallel over the pool's shards.
func affinities(ctx context.Context, pool *tsnePool, x []float32, n, d int, perplexity float64) (*tsneP, error) {
	k := min(n-1, int(3*perplexity+1))
	xf := make([]float64, len(x))
	for i, v := range x {
		xf[i] = float64(v)
	}
	nbr := make([]int32, n*k)
	cond := make([]float64, n*k)
	heaps := make([][]tsneNeighbor, pool.workers())
	dists := make([][]float64, pool.workers())
	for w := range heaps {
		heaps[w] = make([]tsneNeighbor, k)
		dists[w] = make([]float64, k)
	}
	pool.run(func(w, lo, hi int) {
		h, d2 := heaps[w], dists[w]
		for i := lo; i < hi; i++ {
			if (i-lo)%32 == 0 && ctx.Err() != nil {
				return
			}
			nearest(xf, n, d, i, h)
			for m, nb := range h {
				nbr[i*k+m] = nb.j
				d2[m] = nb.d2
			}
			calibrate(d2, cond[i*k:(i+1)*k], perplexity)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("analysis: tsne: affinities: %w", err)
	}
	return symmetrise(nbr, cond, n, k), nil
}

// tsneNeighbor is a candidate neighbour: its squared distance and index.
type tsneNeighbor struct {
	d2 float64
	j  int32
}

// farther orders neighbours by distance, then index.
func farther(a, b tsneNeighbor) bool { return a.d2 > b.d2 || a.d2 == b.d2 && a.j > b.j }

// nearest fills h with the len(h) nearest neighbours of point i, sorted by
// index. It keeps a max-heap of the nearest so far while scanning.
func nearest(x []float64, n, d, i int, h []tsneNeighbor) {
	k, size := len(h), 0
	xi := x[i*d : i*d+d]
	for j := range n {
		if j == i {
			continue
		}
		xj := x[j*d : j*d+d]
		xj = xj[:len(xi)]
		s := 0.0
		for c, v := range xi {
			t := v - xj[c]
			s += t * t
		}
		if size < k {
			h[size] = tsneNeighbor{s, int32(j)}
			for c := size; c > 0; { // sift up
				p := (c - 1) / 2
				if !farther(h[c], h[p]) {
					break
				}
				h[c], h[p] = h[p], h[c]
				c = p
			}
			size++
			continue
		}
		if s >= h[0].d2 { // a tie keeps the lower index, seen first
			continue
		}
		h[0] = tsneNeighbor{s, int32(j)}
		for c := 0; ; { // sift down
			l, m := 2*c+1, c
			if l < k && farther(h[l], h[m]) {
				m = l
			}
			if l+1 < k && farther(h[l+1], h[m]) {
				m = l + 1
			}
			if m == c {
				break
			}
			h[c], h[m] = h[m], h[c]
			c = m
		}
	}
	slices.SortFunc(h, func(a, b tsneNeighbor) int { return int(a.j) - int(b.j) })
}

// calibrate writes into p the conditional probabilities
// exp(−β·d2[m]) / Σ exp(−β·d2) whose entropy is log(perplexity), finding
// β by bisection as scikit-learn does (β starts at 1, doubles or halves
// until bracketed, at most 100 steps, tolerance 1e-5 nats). Distances are
// shifted by their minimum first, which changes nothing but keeps the
// exponentials from underflowing. It returns β and the entropy reached.
func calibrate(d2, p []float64, perplexity float64) (beta, entropy float64) {
	want := math.Log(perplexity)
	dmin := slices.Min(d2)
	beta, lo, hi := 1.0, math.Inf(-1), math.Inf(1)
	for range perplexitySteps {
		sum := 0.0
		for m, v := range d2 {
			p[m] = math.Exp(-(v - dmin) * beta)
			sum += p[m]
		}
		mean := 0.0
		for m, v := range d2 {
			p[m] /= sum
			mean += (v - dmin) * p[m]
		}
		entropy = math.Log(sum) + beta*mean
		diff := entropy - want
		if math.Abs(diff) <= perplexityTol {
			break
		}
		if diff > 0 {
			lo = beta
			if math.IsInf(hi, 1) {
				beta *= 2
			} else {
				beta = (beta + hi) / 2
			}
		} else {
			hi = beta
			if math.IsInf(lo, -1) {
				beta /= 2
			} else {
				beta = (beta + lo) / 2
			}
		}
	}
	return beta, entropy
}

// symmetrise returns P = (P_cond + P_condᵀ) / Σ from the conditional
// probabilities cond[i·k+m] of neighbour nbr[i·k+m] of point i (each row's
// neighbours sorted by index).
func symmetrise(nbr []int32, cond []float64, n, k int) *tsneP {
	// The transpose: for each j, the points i that have j as a neighbour,
	// in increasing order of i.
	tptr := make([]int, n+1)
	for _, j := range nbr {
		tptr[j+1]++
	}
	for j := range n {
		tptr[j+1] += tptr[j]
	}
	tsrc := make([]int32, len(nbr))
	tval := make([]float64, len(nbr))
	fill := slices.Clone(tptr[:n])
	for e, j := range nbr {
		tsrc[fill[j]] = int32(e / k)
		tval[fill[j]] = cond[e]
		fill[j]++
	}
	p := &tsneP{n: n, k: k, rowPtr: make([]int, n+1)}
	merge := func(i int, emit func(j int32, v float64)) {
		f, fv := nbr[i*k:(i+1)*k], cond[i*k:(i+1)*k]
		t, tv := tsrc[tptr[i]:tptr[i+1]], tval[tptr[i]:tptr[i+1]]
		a, b := 0, 0
		for a < len(f) || b < len(t) {
			switch {
			case b == len(t) || a < len(f) && f[a] < t[b]:
				emit(f[a], fv[a])
				a++
			case a == len(f) || t[b] < f[a]:
				emit(t[b], tv[b])
				b++
			default:
				emit(f[a], fv[a]+tv[b])
				a++
				b++
			}
		}
	}
	for i := range n {
		c := 0
		merge(i, func(int32, float64) { c++ })
		p.rowPtr[i+1] = p.rowPtr[i] + c
	}
	p.col = make([]int32, 0, p.rowPtr[n])
	p.val = make([]float64, 0, p.rowPtr[n])
	for i := range n {
		merge(i, func(j int32, v float64) {
			p.col = append(p.col, j)
			p.val = append(p.val, v)
		})
	}
	total := 0.0
	for _, v := range p.val {
		total += v
	}
	total = max(total, math.SmallestNonzeroFloat64)
	for e, v := range p.val {
		v /= total
		p.val[e] = v
		p.psum += v
		if v > 0 {
			p.plogp += v * math.Log(v)
		}
	}
	return p
}
