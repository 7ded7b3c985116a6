package search

import (
	"math/rand/v2"
	"testing"
)

// bruteNearest is the reference's rule: rows sorted by distance (stable,
// so ties go to the lower index), skip the first if skip, then the first
// unvisited row.
func bruteNearest(n *nearest, a []float32, visited []bool, skip bool) int {
	m := len(n.norms)
	dist := func(i int) float32 { return n.dist(i, a) }
	best, bestAll := -1, -1
	for i := 0; i < m; i++ {
		if bestAll < 0 || dist(i) < dist(bestAll) {
			bestAll = i
		}
	}
	for i := 0; i < m; i++ {
		if visited[i] || (skip && i == bestAll) {
			continue
		}
		if best < 0 || dist(i) < dist(best) {
			best = i
		}
	}
	return best
}

func TestNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, tc := range []struct {
		name    string
		m, d    int
		grid    bool // integer coordinates: many exact ties
		visited float64
	}{
		{"small", 50, 3, false, 0.3},
		{"sharded", 3 * minShardRows, 4, false, 0.5},
		{"ties", 2 * minShardRows, 2, true, 0.2},
		{"almost all visited", 40, 2, false, 0.95},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emb := make([]float32, tc.m*tc.d)
			for i := range emb {
				if tc.grid {
					emb[i] = float32(rng.IntN(5))
				} else {
					emb[i] = float32(rng.NormFloat64())
				}
			}
			n := newNearest(emb, tc.d)
			visited := make([]bool, tc.m)
			for i := range visited {
				visited[i] = rng.Float64() < tc.visited
			}
			a := make([]float32, tc.d)
			for trial := 0; trial < 20; trial++ {
				for j := range a {
					a[j] = float32(rng.NormFloat64())
					if tc.grid {
						a[j] = float32(rng.IntN(5))
					}
				}
				for _, skip := range []bool{false, true} {
					if got, want := n.find(a, visited, skip), bruteNearest(n, a, visited, skip); got != want {
						t.Fatalf("trial %d skip %v: got %d, want %d", trial, skip, got, want)
					}
				}
			}
			for i := range visited {
				visited[i] = true
			}
			if got := n.find(a, visited, false); got != -1 {
				t.Errorf("all visited: got %d, want -1", got)
			}
		})
	}
}
