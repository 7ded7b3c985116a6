package cell

import "math/bits"

// EditDistance101 returns the exact graph edit distance between two
// NAS-Bench-101 cells as given (not pruned), with the costs of networkx
// graph_edit_distance on the directed graphs with node_match on op
// equality: substituting a vertex costs 1 if the ops differ, inserting or
// deleting a vertex or an edge costs 1. This is arch2vec's "true edit
// distance" of Fig. 3 (plot_scripts/try_networkx.py: nx.DiGraph, node_match
// on op, edge_match always true, default unit costs). It is the minimum
// over all vertex mappings, found by branch and bound.
//
// The smaller cell is padded with absent vertices: matching an absent
// vertex to a real one costs 1 (the insertion or deletion) plus one per
// edge of the real vertex that has no partner. With unit costs this gives
// networkx's result, because substituting a vertex never costs more than
// deleting it and inserting another.
func EditDistance101(a, b NB101) int {
	var ga, gb gedGraph
	ga.n, gb.n = a.N, b.N
	for i := range MaxVertices {
		ga.out[i], gb.out[i] = a.Adj[i], b.Adj[i]
		ga.lab[i], gb.lab[i] = uint8(a.Ops[i]), uint8(b.Ops[i])
	}
	return editDistance(&ga, &gb)
}

// EditDistance201 returns the exact graph edit distance between two
// NAS-Bench-201 cells in their 8-node form (brief §1.2), with the costs of
// [EditDistance101]. Both graphs share the fixed adjacency, so this is at
// most the number of edges whose ops differ, and less when a relabelling
// of the nodes matches more ops than it breaks edges.
func EditDistance201(a, b NB201) int {
	var ga, gb gedGraph
	ga.n, gb.n = NB201Vertices, NB201Vertices
	oa, ob := a.Ops(), b.Ops()
	for i := range NB201Vertices {
		ga.out[i], gb.out[i] = adj201[i], adj201[i]
		ga.lab[i], gb.lab[i] = uint8(oa[i]), uint8(ob[i])
	}
	return editDistance(&ga, &gb)
}

const (
	gedMax    = 8      // largest graph
	absentLab = gedMax // label of a padding vertex, above any op
	numLabs   = gedMax + 1
)

// gedGraph is a directed graph of at most gedMax vertices with small
// integer labels below absentLab.
type gedGraph struct {
	n   int
	out [gedMax]uint8 // bit j of out[i]: edge i→j
	in  [gedMax]uint8 // bit i of in[j]: edge i→j
	lab [gedMax]uint8
}

// pad extends g to n vertices with absent ones and fills in.
func (g *gedGraph) pad(n int) {
	for i := g.n; i < n; i++ {
		g.out[i], g.lab[i] = 0, absentLab
	}
	g.n = n
	g.in = [gedMax]uint8{}
	for i := range n {
		for r := g.out[i]; r != 0; r &= r - 1 {
			g.in[bits.TrailingZeros8(r)] |= 1 << i
		}
	}
}

// gedSearch is the state of one branch-and-bound search mapping the
// vertices of a onto those of b (both padded to n).
type gedSearch struct {
	a, b       gedGraph
	n          int
	order      [gedMax]uint8 // a's vertices, most edges first
	pi         [gedMax]uint8 // pi[u]: b vertex of a vertex u
	cntA, cntB [numLabs]int8 // labels of the unassigned vertices
	best       int
}

func editDistance(a, b *gedGraph) int {
	s := gedSearch{a: *a, b: *b, n: max(a.n, b.n)}
	s.a.pad(s.n)
	s.b.pad(s.n)
	for i := range s.n {
		s.order[i] = uint8(i)
		s.cntA[s.a.lab[i]]++
		s.cntB[s.b.lab[i]]++
	}
	deg := func(u uint8) int { return bits.OnesCount8(s.a.out[u]) + bits.OnesCount8(s.a.in[u]) }
	for i := 1; i < s.n; i++ {
		for j := i; j > 0 && deg(s.order[j]) > deg(s.order[j-1]); j-- {
			s.order[j], s.order[j-1] = s.order[j-1], s.order[j]
		}
	}
	// Upper bound: the identity mapping.
	s.best = 0
	for u := range s.n {
		if s.a.lab[u] != s.b.lab[u] {
			s.best++
		}
		s.best += bits.OnesCount8(s.a.out[u] ^ s.b.out[u])
	}
	s.search(0, 0, 0, 0)
	return s.best
}

// search assigns order[depth:] given cost so far; doneA and usedB are the
// assigned vertices of a and b.
func (s *gedSearch) search(depth, cost int, doneA, usedB uint8) {
	if depth == s.n {
		s.best = min(s.best, cost)
		return
	}
	u := s.order[depth]
	la := s.a.lab[u]
	s.cntA[la]--
	// a's edges between u and assigned vertices, in b's numbering.
	var outMapped, inMapped uint8
	for r := s.a.out[u] & doneA; r != 0; r &= r - 1 {
		outMapped |= 1 << s.pi[bits.TrailingZeros8(r)]
	}
	for r := s.a.in[u] & doneA; r != 0; r &= r - 1 {
		inMapped |= 1 << s.pi[bits.TrailingZeros8(r)]
	}
	nextA := doneA | 1<<u
	// Candidates in b, cheapest first, so good mappings are found early.
	var cand [gedMax]uint8
	var cc [gedMax]int
	k := 0
	for v := range uint8(s.n) {
		if usedB&(1<<v) != 0 {
			continue
		}
		c := cost + bits.OnesCount8(outMapped^(s.b.out[v]&usedB)) + bits.OnesCount8(inMapped^(s.b.in[v]&usedB))
		if la != s.b.lab[v] {
			c++
		}
		j := k
		for ; j > 0 && cc[j-1] > c; j-- {
			cand[j], cc[j] = cand[j-1], cc[j-1]
		}
		cand[j], cc[j] = v, c
		k++
	}
	for i, v := range cand[:k] {
		c := cc[i]
		if c >= s.best {
			break
		}
		lb := s.b.lab[v]
		s.cntB[lb]--
		s.pi[u] = v
		nextB := usedB | 1<<v
		if c+s.lowerBound(nextA, nextB) < s.best {
			s.search(depth+1, c, nextA, nextB)
		}
		s.cntB[lb]++
	}
	s.cntA[la]++
}

// lowerBound is a lower bound on the cost of mapping the unassigned
// vertices: label mismatches that no mapping avoids, the difference of
// edge counts among the unassigned vertices, and, for each assigned pair,
// the difference of its edge counts towards the unassigned vertices.
func (s *gedSearch) lowerBound(doneA, usedB uint8) int {
	all := uint8(1<<s.n - 1)
	restA, restB := all&^doneA, all&^usedB
	rest := bits.OnesCount8(restA)
	if rest == 0 {
		return 0
	}
	lb := rest
	for l := range numLabs {
		lb -= int(min(s.cntA[l], s.cntB[l]))
	}
	ea, eb := 0, 0
	for r := restA; r != 0; r &= r - 1 {
		ea += bits.OnesCount8(s.a.out[bits.TrailingZeros8(r)] & restA)
	}
	for r := restB; r != 0; r &= r - 1 {
		eb += bits.OnesCount8(s.b.out[bits.TrailingZeros8(r)] & restB)
	}
	lb += abs(ea - eb)
	for r := doneA; r != 0; r &= r - 1 {
		u := bits.TrailingZeros8(r)
		v := s.pi[u]
		lb += abs(bits.OnesCount8(s.a.out[u]&restA) - bits.OnesCount8(s.b.out[v]&restB))
		lb += abs(bits.OnesCount8(s.a.in[u]&restA) - bits.OnesCount8(s.b.in[v]&restB))
	}
	return lb
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
