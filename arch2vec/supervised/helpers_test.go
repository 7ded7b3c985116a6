package supervised

import (
	"math"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// nb201Cells returns m NB-201 cells spread over the embedded table
// (indices i·15625/m) and their dataset.
func nb201Cells(t testing.TB, m int) ([]cell.NB201, *model.Dataset) {
	t.Helper()
	tab, err := bench.NB201()
	if err != nil {
		t.Fatal(err)
	}
	cells := make([]cell.NB201, m)
	for i := range cells {
		cells[i] = tab.Rows[i*tab.Len()/m].Cell
	}
	d, err := model.NewDataset201(cells)
	if err != nil {
		t.Fatal(err)
	}
	return cells, d
}

// opValue scores the edge operations (conv1x1, conv3x3, avg pool, skip,
// none in cell.Op201 order) and edgeWeight the six edges.
var (
	opValue    = [5]float64{0.6, 1, 0.25, 0.35, 0}
	edgeWeight = [cell.NB201Edges]float64{1, 0.8, 1.2, 0.7, 1.1, 0.9}
)

// smoothReward is a smooth function of a cell's structure in [0.7, ~0.95]:
// a weighted sum of its edges' operation values, with an interaction
// term between the first and the last edge.
func smoothReward(c cell.NB201) float64 {
	s := 0.0
	for e, o := range c {
		s += edgeWeight[e] * opValue[int(o-cell.Conv1x1201)]
	}
	s += 0.5 * opValue[int(c[0]-cell.Conv1x1201)] * opValue[int(c[5]-cell.Conv1x1201)]
	return 0.7 + 0.04*s
}

// rewardTable is a search table over cells with reward smoothReward, test
// accuracy reward − 0.005, one second per query and all-zero 16-d
// embeddings (the supervised methods compute their own).
func rewardTable(cells []cell.NB201) *search.Table {
	m := len(cells)
	t := &search.Table{Emb: make([]float32, m*16), Dim: 16,
		Valid: make([]float64, m), Test: make([]float64, m), Time: make([]float64, m)}
	for i, c := range cells {
		t.Valid[i] = smoothReward(c)
		t.Test[i] = t.Valid[i] - 0.005
		t.Time[i] = 1
	}
	return t
}

func maxF(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	return m
}
