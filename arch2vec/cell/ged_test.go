package cell

import (
	"context"
	"math/bits"
	"math/rand/v2"
	"sync"
	"testing"
)

func TestEditDistance101Table(t *testing.T) {
	chain3 := mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "in", "c3", "out")
	chain4 := [][]int{{0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {0, 0, 0, 0}}
	fork4 := [][]int{{0, 1, 1, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 0}}
	tests := []struct {
		name string
		a, b NB101
		want int
	}{
		{"same", chain3, chain3, 0},
		{"one op differs", chain3, mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "in", "mp", "out"), 1},
		{"extra edge", chain3, mustCell(t, [][]int{{0, 1, 1}, {0, 0, 1}, {0, 0, 0}}, "in", "c3", "out"), 1},
		// Map c3 onto the output (1), delete the old output (1) and its edge (1).
		{"drop vertex", chain3, mustCell(t, [][]int{{0, 1}, {0, 0}}, "in", "out"), 3},
		// Insert a conv1x1 vertex (1) with edges in→v and v→out (2).
		{"parallel branch", chain3, mustCell(t, fork4, "in", "c3", "c1", "out"), 3},
		// Two ops swapped on a chain: changing both ops (2) beats any
		// relabelling of the vertices.
		{"swapped ops on a chain", mustCell(t, chain4, "in", "c3", "mp", "out"), mustCell(t, chain4, "in", "mp", "c3", "out"), 2},
		// Parallel branches with swapped ops are isomorphic.
		{"swapped parallel branches", mustCell(t, fork4, "in", "c3", "mp", "out"), mustCell(t, fork4, "in", "mp", "c3", "out"), 0},
		// chain4 → fork4: drop edge 1→2, add 0→2 and 1→3.
		{"chain to fork", mustCell(t, chain4, "in", "c3", "c3", "out"), mustCell(t, fork4, "in", "c3", "c3", "out"), 3},
		// in→out against the example spec (7 vertices, 9 edges, no edge
		// 0→6): map the output onto the maxpool vertex 5 (1) so that in→out
		// matches edge 0→5, insert 5 vertices and the other 8 edges.
		{"2 vs 7 vertices", mustCell(t, [][]int{{0, 1}, {0, 0}}, "in", "out"), exampleSpec(t), 1 + 5 + 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := EditDistance101(tc.a, tc.b); got != tc.want {
				t.Errorf("EditDistance101 = %d, want %d", got, tc.want)
			}
			if got := EditDistance101(tc.b, tc.a); got != tc.want {
				t.Errorf("reversed: EditDistance101 = %d, want %d", got, tc.want)
			}
			if got := bruteGED(graphOf(tc.a), graphOf(tc.b)); got != tc.want {
				t.Errorf("brute force = %d, want %d (table error)", got, tc.want)
			}
		})
	}
}

// exampleSpec is the spec of nasbench's example.py (brief §7).
func exampleSpec(t testing.TB) NB101 { return cellFromLabels(t, exampleMatrix, exampleLabels) }

func graphOf(c NB101) gedGraph {
	g := gedGraph{n: c.N}
	for i := range c.N {
		g.out[i], g.lab[i] = c.Adj[i], uint8(c.Ops[i])
	}
	return g
}

// bruteGED is graph edit distance by definition, as networkx computes it:
// the minimum over every partial injection of a's vertices into b's (the
// rest of a deleted, the rest of b inserted) of node substitutions,
// deletions and insertions plus unmatched edges on either side.
func bruteGED(a, b gedGraph) int {
	ea, eb := 0, 0
	for i := range a.n {
		ea += bits.OnesCount8(a.out[i])
	}
	for i := range b.n {
		eb += bits.OnesCount8(b.out[i])
	}
	best := 1 << 30
	f := make([]int, a.n)
	var rec func(u int, used uint8, nodeCost int)
	rec = func(u int, used uint8, nodeCost int) {
		if u == a.n {
			matched := 0
			for x := range a.n {
				for y := range a.n {
					if a.out[x]>>y&1 == 1 && f[x] >= 0 && f[y] >= 0 && b.out[f[x]]>>f[y]&1 == 1 {
						matched++
					}
				}
			}
			cost := nodeCost + b.n - bits.OnesCount8(used) + ea + eb - 2*matched
			best = min(best, cost)
			return
		}
		f[u] = -1
		rec(u+1, used, nodeCost+1)
		for v := range b.n {
			if used>>v&1 == 0 {
				f[u] = v
				c := 0
				if a.lab[u] != b.lab[v] {
					c = 1
				}
				rec(u+1, used|1<<v, nodeCost+c)
			}
		}
	}
	rec(0, 0, 0)
	return best
}

// randomValidCell returns a random valid pruned cell.
func randomValidCell(r *rand.Rand, maxN int) NB101 {
	for {
		c := randomCell(r)
		if c.N > maxN {
			continue
		}
		c.Ops[0], c.Ops[c.N-1] = Input, Output
		for i := 1; i < c.N-1; i++ {
			c.Ops[i] = Op(1 + r.IntN(3))
		}
		if p, err := c.Prune(); err == nil && p.Valid() {
			return p
		}
	}
}

func TestEditDistanceMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 300 {
		var a, b NB101
		if i%2 == 0 {
			a, b = randomValidCell(r, 5), randomValidCell(r, 5)
		} else { // any ops, unpruned
			a, b = randomCell(r), randomCell(r)
			if a.N > 5 || b.N > 5 {
				continue
			}
		}
		if got, want := EditDistance101(a, b), bruteGED(graphOf(a), graphOf(b)); got != want {
			t.Fatalf("EditDistance101(%v, %v) = %d, brute force %d", a, b, got, want)
		}
	}
	// A few full-size pairs (130,922 partial injections each).
	for range 12 {
		a, b := randomValidCell(r, 7), randomValidCell(r, 7)
		for a.N < 7 {
			a = randomValidCell(r, 7)
		}
		for b.N < 6 {
			b = randomValidCell(r, 7)
		}
		if got, want := EditDistance101(a, b), bruteGED(graphOf(a), graphOf(b)); got != want {
			t.Fatalf("EditDistance101(%v, %v) = %d, brute force %d", a, b, got, want)
		}
	}
}

// topoRelabel returns c with its vertices renumbered in a random
// topological order (an isomorphic cell, still upper-triangular).
func topoRelabel(r *rand.Rand, c NB101) NB101 {
	var in [MaxVertices]uint8
	for u := range c.N {
		for w := range c.N {
			if c.Adj[u]>>w&1 == 1 {
				in[w] |= 1 << u
			}
		}
	}
	var order []int
	placed := uint8(0)
	for len(order) < c.N {
		var ready []int
		for v := range c.N {
			if placed>>v&1 == 0 && in[v]&^placed == 0 {
				ready = append(ready, v)
			}
		}
		v := ready[r.IntN(len(ready))]
		order = append(order, v)
		placed |= 1 << v
	}
	pos := make([]int, c.N)
	for i, v := range order {
		pos[v] = i
	}
	d := NB101{N: c.N}
	for u := range c.N {
		d.Ops[pos[u]] = c.Ops[u]
		for w := range c.N {
			if c.Adj[u]>>w&1 == 1 {
				d.Adj[pos[u]] |= 1 << pos[w]
			}
		}
	}
	return d
}

func TestEditDistanceIsomorphic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	moved := 0
	for range 300 {
		c := randomCell(r)
		d := topoRelabel(r, c)
		if d != c {
			moved++
		}
		if got := EditDistance101(c, d); got != 0 {
			t.Fatalf("EditDistance101(%v, %v) = %d, want 0", c, d, got)
		}
		if p, err := c.Prune(); err == nil && p == c && c.Hash() != d.Hash() {
			t.Fatalf("isomorphic cells %v, %v hash differently", c, d)
		}
		// Any permutation, also one that breaks the upper triangle.
		g := graphOf(c)
		perm := r.Perm(c.N)
		var h gedGraph
		h.n = c.N
		for u := range c.N {
			h.lab[perm[u]] = g.lab[u]
			for w := range c.N {
				if g.out[u]>>w&1 == 1 {
					h.out[perm[u]] |= 1 << perm[w]
				}
			}
		}
		if got := editDistance(&g, &h); got != 0 {
			t.Fatalf("permuted graph: distance %d", got)
		}
	}
	if moved < 100 {
		t.Errorf("only %d relabellings moved a vertex", moved)
	}
}

func TestEditDistanceMetric(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 300 {
		a, b, c := randomValidCell(r, 7), randomValidCell(r, 7), randomValidCell(r, 7)
		ab, ba := EditDistance101(a, b), EditDistance101(b, a)
		bc, ac := EditDistance101(b, c), EditDistance101(a, c)
		if ab != ba {
			t.Fatalf("d(a,b) = %d, d(b,a) = %d for %v, %v", ab, ba, a, b)
		}
		if ac > ab+bc {
			t.Fatalf("triangle: d(a,c) = %d > %d + %d", ac, ab, bc)
		}
		if (ab == 0) != (a.Hash() == b.Hash()) {
			t.Fatalf("d = %d but hashes equal = %v for %v, %v", ab, a.Hash() == b.Hash(), a, b)
		}
	}
}

// permGED is the padded-bijection form for equal sizes: the minimum over
// all n! permutations.
func permGED(a, b gedGraph) int {
	p := make([]uint8, a.n)
	for i := range p {
		p[i] = uint8(i)
	}
	best := 1 << 30
	permute(p, 0, a.n, func(q []uint8) {
		cost := 0
		for u := range a.n {
			if a.lab[u] != b.lab[q[u]] {
				cost++
			}
			for w := range a.n {
				if a.out[u]>>w&1 != b.out[q[u]]>>q[w]&1 {
					cost++
				}
			}
		}
		best = min(best, cost)
	})
	return best
}

func TestEditDistance201(t *testing.T) {
	all := All201()
	r := rand.New(rand.NewPCG(11, 12))
	c := all[r.IntN(len(all))]
	if d := EditDistance201(c, c); d != 0 {
		t.Fatalf("d(c,c) = %d", d)
	}
	for i := range 40 {
		a, b := all[r.IntN(len(all))], all[r.IntN(len(all))]
		if i%4 == 0 { // one edge changed
			b = a
			b[r.IntN(NB201Edges)] = Conv1x1201 + Op201(r.IntN(5))
		}
		var ga, gb gedGraph
		ga.n, gb.n = 8, 8
		for k, o := range a.Ops() {
			ga.out[k], ga.lab[k] = adj201[k], uint8(o)
		}
		for k, o := range b.Ops() {
			gb.out[k], gb.lab[k] = adj201[k], uint8(o)
		}
		got, want := EditDistance201(a, b), permGED(ga, gb)
		if got != want {
			t.Fatalf("EditDistance201(%v, %v) = %d, brute force %d", a, b, got, want)
		}
		hamming := 0
		for e := range a {
			if a[e] != b[e] {
				hamming++
			}
		}
		if got > hamming {
			t.Fatalf("distance %d above Hamming %d", got, hamming)
		}
	}
	// Nodes 2 (op 0→2) and 3 (op 1→2) both feed node 6 but have different
	// inputs, so swapping their ops costs 2, not 0.
	a := NB201{Conv3x3201, Conv1x1201, Skip201, None201, None201, None201}
	b := NB201{Conv3x3201, Skip201, Conv1x1201, None201, None201, None201}
	if d := EditDistance201(a, b); d != 2 {
		t.Errorf("swapped ops on nodes 2 and 3: d = %d, want 2", d)
	}
}

// benchCells is the full enumeration, computed once per benchmark binary.
var benchCells = sync.OnceValues(func() ([]NB101, error) {
	return Enumerate101(context.Background(), nil)
})

// BenchmarkEditDistance101 measures exact edit distances between random
// pairs of enumerated cells (pairs/s).
func BenchmarkEditDistance101(b *testing.B) {
	cells, err := benchCells()
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	const pairs = 4096
	as, bs := make([]NB101, pairs), make([]NB101, pairs)
	for i := range pairs {
		as[i], bs[i] = cells[r.IntN(len(cells))], cells[r.IntN(len(cells))]
	}
	b.ReportAllocs()
	i, sum := 0, 0
	for b.Loop() {
		sum += EditDistance101(as[i%pairs], bs[i%pairs])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
	b.ReportMetric(float64(sum)/float64(b.N), "mean-distance")
}

// BenchmarkEditDistance201 measures exact edit distances between random
// NB201 cells (pairs/s).
func BenchmarkEditDistance201(b *testing.B) {
	all := All201()
	r := rand.New(rand.NewPCG(2, 2))
	b.ReportAllocs()
	sum := 0
	for b.Loop() {
		sum += EditDistance201(all[r.IntN(len(all))], all[r.IntN(len(all))])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
	b.ReportMetric(float64(sum)/float64(b.N), "mean-distance")
}
