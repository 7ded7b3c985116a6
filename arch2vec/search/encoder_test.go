package search

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
)

// recordingEncoder serves the table's embeddings (as fresh copies each
// batch, so the environment must reload them) and records the calls.
type recordingEncoder struct {
	t       *Table
	batches int
	cells   [][]int
	grads   [][]float32
}

func (e *recordingEncoder) Embeddings(context.Context) ([]float32, error) {
	e.batches++
	return append([]float32(nil), e.t.Emb...), nil
}

func (e *recordingEncoder) State(dst []float32, cell int) { copy(dst, e.t.Row(cell)) }

func (e *recordingEncoder) Update(_ context.Context, cells []int, dstate []float32) error {
	e.cells = append(e.cells, append([]int(nil), cells...))
	e.grads = append(e.grads, append([]float32(nil), dstate...))
	return nil
}

// TestEncoderSeam: an Encoder that serves the table's embeddings gives the
// same trace as the default, is asked for embeddings once per batch, and
// receives each batch's input cells (the start, then each queried cell)
// with a non-zero ∂loss/∂state.
func TestEncoderSeam(t *testing.T) {
	tab := synthTable(400, 3, 6, 10, 10)
	for _, q := range []RLQuirks{{}, RLQuirksNB201} {
		base := Reinforce{Budget: Budget{Queries: 40}, ReferenceQuirks: q}
		want, err := base.Run(context.Background(), tab, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		enc := &recordingEncoder{t: tab}
		m := base
		m.NewEncoder = func(*Table, *rand.Rand) Encoder { return enc }
		got, err := m.Run(context.Background(), tab, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("quirks %+v: trace with a table-serving encoder differs from the default", q)
		}
		if enc.batches != 3 || len(enc.cells) != 2 {
			t.Fatalf("quirks %+v: %d Embeddings calls and %d updates, want 3 and 2", q, enc.batches, len(enc.cells))
		}
		first := enc.cells[0]
		off := 0
		if !q.UnchargedStart {
			off = 1 // the start is query 0
		}
		for i := 1; i < len(first); i++ {
			if first[i] != got.Queries[i-1+off].Cell {
				t.Errorf("quirks %+v: input %d is cell %d, want queried cell %d", q, i, first[i], got.Queries[i-1+off].Cell)
			}
		}
		if !q.UnchargedStart && first[0] != got.Queries[0].Cell {
			t.Errorf("first input %d, want the start cell %d", first[0], got.Queries[0].Cell)
		}
		nz := false
		for _, g := range enc.grads[0] {
			nz = nz || g != 0
		}
		if len(enc.grads[0]) != 16*tab.Dim || !nz {
			t.Errorf("quirks %+v: state gradient of length %d (non-zero %v), want %d non-zero values", q, len(enc.grads[0]), nz, 16*tab.Dim)
		}
	}
}
