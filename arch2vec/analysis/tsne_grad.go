package analysis

import "math"

// tsneState holds what t-SNE's iterations reuse: the affinities, the
// quadtree and per-point force buffers, so that an iteration allocates
// nothing.
type tsneState struct {
	pool   *tsnePool
	p      *tsneP
	tree   *quadtree
	theta2 float64

	// per point: attractive force (unexaggerated), repulsive force,
	// Σⱼ qᵢⱼ and the point's share of the KL divergence
	attr, rep   []float64
	sumQ, klRow []float64

	// arguments of the current shard pass
	y         []float64
	computeKL bool
	forceFn   func(worker, lo, hi int)
}

// newTSNEState prepares the buffers for n points.
func newTSNEState(pool *tsnePool, p *tsneP, n int, theta float64) *tsneState {
	st := &tsneState{
		pool: pool, p: p, tree: newQuadtree(n), theta2: theta * theta,
		attr: make([]float64, 2*n), rep: make([]float64, 2*n),
		sumQ: make([]float64, n), klRow: make([]float64, n),
	}
	st.forceFn = st.forces
	return st
}

// gradient writes into grad the gradient of the KL divergence at layout y
// with the affinities multiplied by exag, as scikit-learn's Barnes–Hut
// gradient:
//
//	∂C/∂yᵢ = 4 (exag·Σⱼ Pᵢⱼ qᵢⱼ (yᵢ − yⱼ) − Σⱼ qᵢⱼ² (yᵢ − yⱼ) / Z),
//
// with qᵢⱼ = 1/(1 + ‖yᵢ − yⱼ‖²) and Z = Σᵢ≠ⱼ qᵢⱼ. If computeKL is set it
// returns the KL divergence of the unexaggerated P, else 0.
func (st *tsneState) gradient(y, grad []float64, exag float64, computeKL bool) float64 {
	st.tree.build(y)
	st.y, st.computeKL = y, computeKL
	st.pool.run(st.forceFn)
	st.y = nil
	z := 0.0
	for _, s := range st.sumQ {
		z += s
	}
	z = max(z, math.SmallestNonzeroFloat64)
	for k := range grad {
		grad[k] = 4 * (exag*st.attr[k] - st.rep[k]/z)
	}
	if !computeKL {
		return 0
	}
	// KL = Σ P log P − Σ P log q + log Z · Σ P
	kl := st.p.plogp + math.Log(z)*st.p.psum
	for _, v := range st.klRow {
		kl += v
	}
	return kl
}

// forces computes the repulsive forces of the points at positions
// [lo, hi) of the tree's order (neighbours in turn, which keeps the walks
// cache- and branch-friendly) and the attractive forces of points lo to
// hi−1 (rows of P in turn, read sequentially). Each point's sums run in a
// fixed order.
func (st *tsneState) forces(_, lo, hi int) {
	y, p := st.y, st.p
	for _, i := range st.tree.order[lo:hi] {
		fx, fy, sq := st.tree.repulsion(int(i), y[2*i], y[2*i+1], st.theta2)
		st.rep[2*i], st.rep[2*i+1], st.sumQ[i] = fx, fy, sq
	}
	for i := lo; i < hi; i++ {
		px, py := y[2*i], y[2*i+1]
		ax, ay, kl := 0.0, 0.0, 0.0
		for e := p.rowPtr[i]; e < p.rowPtr[i+1]; e++ {
			j := int(p.col[e])
			dx, dy := px-y[2*j], py-y[2*j+1]
			q := 1 / (1 + dx*dx + dy*dy)
			pq := p.val[e] * q
			ax += pq * dx
			ay += pq * dy
			if st.computeKL {
				kl += p.val[e] * math.Log(q)
			}
		}
		st.attr[2*i], st.attr[2*i+1] = ax, ay
		st.klRow[i] = -kl
	}
}
