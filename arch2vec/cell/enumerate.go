package cell

import (
	"context"
	"fmt"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
)

// NumCells101 is the number of unique valid NAS-Bench-101 cells: the size
// of the nasbench dataset and of [Enumerate101]'s result.
const NumCells101 = 423624

// Enumerate101 returns every unique valid NAS-Bench-101 cell, pruned, one
// per nasbench hash: NumCells101 cells, in the order documented at
// [Enumerate101Hashed] and equal to its cells.
//
// It skips the hashing, which is nine tenths of the work: its
// de-duplication by isomorphism already gives one cell per hash, because
// the nasbench hash separates every pair of non-isomorphic cells of this
// space (generate_graphs verified this with verify_isomorphism, and
// TestEnumerate101Full checks that the NumCells101 cells have distinct
// hashes).
func Enumerate101(ctx context.Context, progress func(done, total int)) ([]NB101, error) {
	cells, _, err := enumerate(ctx, MaxVertices, false, progress)
	return cells, err
}

// Enumerate101Hashed is [Enumerate101] that also returns each cell's
// [NB101.Hash] (hashes[i] belongs to cells[i]).
//
// The order is that of nasbench's scripts/generate_graphs.py, first
// occurrence wins: V = 2..7; for each V the edge bitmasks in increasing
// order (bit x + y(y-1)/2 for edge x→y), keeping full DAGs (no dangling
// vertex) with at most MaxEdges edges; for each bitmask the labellings of
// the interior vertices 1..V-2 over the hash labels (conv3x3, conv1x1,
// maxpool) with vertex 1 most significant; a cell is kept the first time
// its hash appears.
//
// Rather than hash the 1,293,208 labelled graphs this visits, it skips
// those isomorphic to an earlier one (isomorphic cells have equal hashes):
// a bitmask is visited only if no relabelling of its interior vertices
// gives a smaller upper-triangular bitmask, and a labelling only if no
// automorphism of the graph maps it to a smaller one. The survivors are
// hashed and de-duplicated by hash in the order above, which gives exactly
// generate_graphs' first occurrences.
//
// The work runs on GOMAXPROCS goroutines over fixed shards merged in
// order, so the result does not depend on the number of cores. progress,
// if not nil, is called from the calling goroutine after each shard with
// the shards done and their total. On cancellation it returns nil and an
// error wrapping context.Cause(ctx).
func Enumerate101Hashed(ctx context.Context, progress func(done, total int)) ([]NB101, []Hash, error) {
	return enumerate(ctx, MaxVertices, true, progress)
}

// enumerate is Enumerate101Hashed restricted to cells of at most maxV
// vertices (the prefix of the full result); without hash it neither
// hashes nor de-duplicates by hash and returns nil hashes.
func enumerate(ctx context.Context, maxV int, hash bool, progress func(done, total int)) ([]NB101, []Hash, error) {
	shards := enumShards(maxV)
	results := make([]shardResult, len(shards))
	var next atomic.Int64
	done := make(chan struct{}, len(shards))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(shards))
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(shards) {
					return
				}
				results[i] = shards[i].run(hash)
				done <- struct{}{}
			}
		})
	}
	finished := 0
	for finished < len(shards) {
		select {
		case <-done:
			finished++
			if progress != nil {
				progress(finished, len(shards))
			}
			continue
		case <-ctx.Done():
		}
		break
	}
	wg.Wait()
	if finished < len(shards) {
		return nil, nil, fmt.Errorf("cell: enumerate: stopped after %d of %d shards: %w", finished, len(shards), context.Cause(ctx))
	}
	cells := make([]NB101, 0, NumCells101)
	if !hash {
		for _, r := range results {
			cells = append(cells, r.cells...)
		}
		return cells, nil, nil
	}
	hashes := make([]Hash, 0, NumCells101)
	seen := make(map[Hash]struct{}, NumCells101)
	for _, r := range results {
		for i, h := range r.hashes {
			if _, dup := seen[h]; !dup {
				seen[h] = struct{}{}
				cells = append(cells, r.cells[i])
				hashes = append(hashes, h)
			}
		}
	}
	return cells, hashes, nil
}

// shardResult holds the cells a shard kept, in enumeration order.
type shardResult struct {
	cells  []NB101
	hashes []Hash
}

// enumSpace is what enumeration needs for one vertex count V.
type enumSpace struct {
	v, k         int     // vertices, interior vertices (v-2)
	edgeX, edgeY []uint8 // endpoints of edge slot e
	// perms are the non-identity permutations of the interior vertices
	// (vertices 0 and V-1 fixed), emaps their action on edge slots: the
	// image slot, or -1 if the edge would point backwards.
	perms [][MaxVertices]uint8
	emaps [][]int8
}

// enumShard is the bitmask range [lo, hi) of one vertex count.
type enumShard struct {
	sp     *enumSpace
	lo, hi uint32
}

const shardSize = 1 << 12

func enumShards(maxV int) []enumShard {
	var out []enumShard
	for v := 2; v <= maxV; v++ {
		sp := newEnumSpace(v)
		end := uint32(1) << (v * (v - 1) / 2)
		for lo := uint32(0); lo < end; lo += shardSize {
			out = append(out, enumShard{sp: sp, lo: lo, hi: min(end, lo+shardSize)})
		}
	}
	return out
}

func newEnumSpace(v int) *enumSpace {
	sp := &enumSpace{v: v, k: v - 2}
	slot := func(x, y int) int { return x + y*(y-1)/2 }
	m := v * (v - 1) / 2
	sp.edgeX = make([]uint8, m)
	sp.edgeY = make([]uint8, m)
	for y := 1; y < v; y++ {
		for x := range y {
			sp.edgeX[slot(x, y)], sp.edgeY[slot(x, y)] = uint8(x), uint8(y)
		}
	}
	var p [MaxVertices]uint8
	for i := range p {
		p[i] = uint8(i)
	}
	permute(p[:], 1, v-1, func(q []uint8) {
		identity := true
		for i, x := range q {
			identity = identity && int(x) == i
		}
		if identity {
			return
		}
		var perm [MaxVertices]uint8
		copy(perm[:], q)
		em := make([]int8, m)
		for e := range m {
			nx, ny := perm[sp.edgeX[e]], perm[sp.edgeY[e]]
			em[e] = -1
			if nx < ny {
				em[e] = int8(slot(int(nx), int(ny)))
			}
		}
		sp.perms = append(sp.perms, perm)
		sp.emaps = append(sp.emaps, em)
	})
	return sp
}

// permute calls f with every permutation of p[lo:hi] (p elsewhere fixed).
func permute(p []uint8, lo, hi int, f func([]uint8)) {
	if lo >= hi-1 {
		f(p)
		return
	}
	for i := lo; i < hi; i++ {
		p[lo], p[i] = p[i], p[lo]
		permute(p, lo+1, hi, f)
		p[lo], p[i] = p[i], p[lo]
	}
}

// interiorOps maps a hash label 0, 1, 2 to its [Op].
var interiorOps = [3]Op{Conv3x3, Conv1x1, MaxPool3x3}

// run enumerates the shard, hashing each cell kept if hash is set.
func (s enumShard) run(hash bool) shardResult {
	sp := s.sp
	var r shardResult
	auts := make([]int, 0, len(sp.perms))
	pow3 := 1
	for range sp.k {
		pow3 *= 3
	}
	for b := s.lo; b < s.hi; b++ {
		if bits.OnesCount32(b) > MaxEdges {
			continue
		}
		c := NB101{N: sp.v}
		var in [MaxVertices]uint8
		for e := b; e != 0; e &= e - 1 {
			t := bits.TrailingZeros32(e)
			c.Adj[sp.edgeX[t]] |= 1 << sp.edgeY[t]
			in[sp.edgeY[t]] |= 1 << sp.edgeX[t]
		}
		if !fullDAG(&c, &in) {
			continue
		}
		auts, ok := sp.automorphisms(b, auts[:0])
		if !ok {
			continue
		}
		c.Ops[0], c.Ops[sp.v-1] = Input, Output
		for code := range pow3 {
			if !sp.minimalLabelling(code, auts) {
				continue
			}
			for i, x := 0, code; i < sp.k; i++ {
				c.Ops[sp.k-i] = interiorOps[x%3]
				x /= 3
			}
			r.cells = append(r.cells, c)
			if hash {
				r.hashes = append(r.hashes, c.Hash())
			}
		}
	}
	return r
}

// fullDAG is generate_graphs' is_full_dag: every vertex but the last has
// an out-edge and every vertex but the first an in-edge.
func fullDAG(c *NB101, in *[MaxVertices]uint8) bool {
	for x := range c.N - 1 {
		if c.Adj[x] == 0 || in[x+1] == 0 {
			return false
		}
	}
	return true
}

// automorphisms returns the indices of the perms fixing bitmask b, and
// ok = false if some perm maps b to a smaller upper-triangular bitmask (b
// is then not the first of its isomorphism class).
func (sp *enumSpace) automorphisms(b uint32, auts []int) ([]int, bool) {
	for pi, em := range sp.emaps {
		var img uint32
		for e := b; e != 0; e &= e - 1 {
			ne := em[bits.TrailingZeros32(e)]
			if ne < 0 {
				img = ^uint32(0)
				break
			}
			img |= 1 << ne
		}
		if img < b {
			return auts, false
		}
		if img == b {
			auts = append(auts, pi)
		}
	}
	return auts, true
}

// minimalLabelling reports whether no automorphism maps labelling code
// (base 3, vertex 1 most significant) to a smaller code.
func (sp *enumSpace) minimalLabelling(code int, auts []int) bool {
	if len(auts) == 0 {
		return true
	}
	var lab [MaxVertices]int
	for i, x := 0, code; i < sp.k; i++ {
		lab[sp.k-i] = x % 3
		x /= 3
	}
	for _, pi := range auts {
		perm := &sp.perms[pi]
		var img [MaxVertices]int
		for v := 1; v <= sp.k; v++ {
			img[perm[v]] = lab[v]
		}
		other := 0
		for v := 1; v <= sp.k; v++ {
			other = other*3 + img[v]
		}
		if other < code {
			return false
		}
	}
	return true
}
