package search

import (
	"math"
	"sync"
)

// nearestShards is the fixed number of shards of a nearest-neighbour scan.
// The shards are fixed (not tied to GOMAXPROCS) and merged in order, so the
// answer never depends on the number of cores.
const nearestShards = 8

// minShardRows is the table size below which a scan runs on one goroutine.
const minShardRows = 1 << 14

// nearest finds nearest unvisited neighbours of query points by L2 distance
// over every row of a table. Distances are compared as ‖x‖² − 2x·a with the
// row norms precomputed once (‖a‖² is common to all rows), accumulated in
// float32 like the reference's torch.norm; ties go to the lower index.
type nearest struct {
	emb   []float32
	dim   int
	norms []float32
	res   [nearestShards]shardBest
}

// shardBest is what one shard reports: its nearest row overall and its two
// nearest unvisited rows (index −1 when absent).
type shardBest struct {
	all, u1, u2    int
	dAll, du1, du2 float32
}

func newNearest(emb []float32, dim int) *nearest {
	m := len(emb) / dim
	n := &nearest{emb: emb, dim: dim, norms: make([]float32, m)}
	for i := range m {
		var s float32
		for _, v := range emb[i*dim : (i+1)*dim] {
			s += v * v
		}
		n.norms[i] = s
	}
	return n
}

// find returns the nearest row to a that is not visited. With skipNearest
// (the NB201 reference quirk) the single nearest row overall is passed
// over first, visited or not, and the answer is the nearest unvisited row
// among the others. It returns −1 if there is none.
func (n *nearest) find(a []float32, visited []bool, skipNearest bool) int {
	m := len(n.norms)
	shards := nearestShards
	if m < minShardRows {
		shards = 1
	}
	per := (m + shards - 1) / shards
	if shards == 1 {
		n.res[0] = n.scan(a, visited, 0, m)
	} else {
		var wg sync.WaitGroup
		for s := 0; s < shards; s++ {
			lo, hi := s*per, min(m, (s+1)*per)
			wg.Add(1)
			go func() {
				defer wg.Done()
				n.res[s] = n.scan(a, visited, lo, hi)
			}()
		}
		wg.Wait()
	}
	// Merge in shard order: strict comparisons keep the lowest index on ties.
	best := shardBest{all: -1, u1: -1, u2: -1}
	for s := 0; s < shards; s++ {
		r := n.res[s]
		if r.all >= 0 && (best.all < 0 || r.dAll < best.dAll) {
			best.all, best.dAll = r.all, r.dAll
		}
		for _, c := range [2]struct {
			i int
			d float32
		}{{r.u1, r.du1}, {r.u2, r.du2}} {
			best.push(c.i, c.d)
		}
	}
	if !skipNearest || best.u1 != best.all {
		return best.u1
	}
	return best.u2
}

// push offers unvisited row i at distance d to the two-best list.
func (b *shardBest) push(i int, d float32) {
	switch {
	case i < 0:
	case b.u1 < 0 || d < b.du1:
		b.u2, b.du2 = b.u1, b.du1
		b.u1, b.du1 = i, d
	case b.u2 < 0 || d < b.du2:
		b.u2, b.du2 = i, d
	}
}

// dist returns ‖x_i‖² − 2·x_i·a, the squared distance from row i to a
// less ‖a‖², with the dot product in four partial sums.
func (n *nearest) dist(i int, a []float32) float32 {
	dim := n.dim
	row := n.emb[i*dim : i*dim+dim]
	a = a[:dim]
	var s0, s1, s2, s3 float32
	j := 0
	for ; j+4 <= dim; j += 4 {
		s0 += row[j] * a[j]
		s1 += row[j+1] * a[j+1]
		s2 += row[j+2] * a[j+2]
		s3 += row[j+3] * a[j+3]
	}
	for ; j < dim; j++ {
		s0 += row[j] * a[j]
	}
	return n.norms[i] - 2*((s0+s1)+(s2+s3))
}

// scan handles rows lo..hi-1.
func (n *nearest) scan(a []float32, visited []bool, lo, hi int) shardBest {
	dim := n.dim
	b := shardBest{all: -1, u1: -1, u2: -1, dAll: float32(math.Inf(1))}
	a = a[:dim]
	for i := lo; i < hi; i++ {
		d := n.dist(i, a)
		if d < b.dAll {
			b.all, b.dAll = i, d
		}
		if !visited[i] && (b.u2 < 0 || d < b.du2) {
			b.push(i, d)
		}
	}
	return b
}
