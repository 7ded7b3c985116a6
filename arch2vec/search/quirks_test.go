package search

import (
	"context"
	"slices"
	"testing"
)

// TestRLEnvQuirks checks the environment's quirks directly: SkipNearest
// passes over the nearest cell even when it is unvisited, and Shuffle
// permutes rows but maps every answer back to its table cell.
func TestRLEnvQuirks(t *testing.T) {
	tab := &Table{Emb: []float32{0, 1, 2, 3, 4, 5}, Dim: 1,
		Valid: make([]float64, 6), Test: make([]float64, 6), Time: make([]float64, 6)}
	plain := newRLEnv(tab, newRand(1, 1), RLQuirks{})
	skip := newRLEnv(tab, newRand(1, 1), RLQuirks{SkipNearest: true})
	a := []float32{2.1}
	if got := plain.cell(plain.step(a)); got != 2 {
		t.Errorf("nearest to 2.1: %d, want 2", got)
	}
	if got := skip.cell(skip.step(a)); got != 3 {
		t.Errorf("nearest to 2.1 skipping the nearest: %d, want 3", got)
	}
	if got := skip.cell(skip.step(a)); got != 1 { // 2 is still skipped; 3 is visited
		t.Errorf("second step: %d, want 1", got)
	}
	sh := newRLEnv(tab, newRand(1, 1), RLQuirks{Shuffle: true})
	if slices.Equal(sh.perm, []int{0, 1, 2, 3, 4, 5}) {
		t.Fatal("shuffle left the table in order")
	}
	for _, x := range []float32{4.2, 0.1, 2.9} {
		pos := sh.step([]float32{x})
		if got, want := sh.cell(pos), int(x+0.5); got != want || sh.row(pos)[0] != float32(want) {
			t.Errorf("shuffled: nearest to %v is cell %d (row %v), want %d", x, got, sh.row(pos), want)
		}
	}
}

// TestRLStart checks both start rules: by default the random initial cell
// is the first recorded query; with UnchargedStart it is not recorded and
// never queried.
func TestRLStart(t *testing.T) {
	tab := synthTable(200, 3, 2, 10, 10)
	def, err := Reinforce{Budget: Budget{Queries: 30}}.Run(context.Background(), tab, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Reinforce{Budget: Budget{Queries: 30}, ReferenceQuirks: RLQuirksNB101}.Run(context.Background(), tab, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := def.Queries[0].Cell
	for _, x := range q.Queries {
		if x.Cell == start {
			t.Errorf("uncharged start cell %d was queried", start)
		}
	}
}
