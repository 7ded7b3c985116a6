package model

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// trSpace is the full NB101 space, enumerated once per test binary
// (about half a second).
var trSpace struct {
	once  sync.Once
	cells []cell.NB101
	err   error
}

// trCells101 returns n distinct NB101 cells drawn at random (by seed) from
// the full enumerated space, so sizes and shapes follow the real dataset
// (85 % of its cells have 7 vertices, 15 % have 6).
func trCells101(t testing.TB, n int, seed uint64) []cell.NB101 {
	t.Helper()
	trSpace.once.Do(func() { trSpace.cells, trSpace.err = cell.Enumerate101(context.Background(), nil) })
	if trSpace.err != nil {
		t.Fatalf("enumerate NB101: %v", trSpace.err)
	}
	rng := rand.New(rand.NewPCG(seed, 101))
	out := make([]cell.NB101, n)
	for i, k := range rng.Perm(len(trSpace.cells))[:n] {
		out[i] = trSpace.cells[k]
	}
	return out
}

// trData101 is a dataset of trCells101(n, seed).
func trData101(t testing.TB, n int, seed uint64) *Dataset {
	t.Helper()
	d, err := NewDataset101(trCells101(t, n, seed))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
