package supervised_test

import (
	"context"
	"fmt"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/search"
	"github.com/arch2vec/arch2vec/arch2vec/supervised"
)

// Supervised BO and REINFORCE on NAS-Bench-201 CIFAR-10: the table's
// embeddings are unused (zero), the cells of its rows are given instead.
func Example() {
	nb, err := bench.NB201()
	if err != nil {
		panic(err)
	}
	cells := make([]cell.NB201, nb.Len())
	t := &search.Table{Emb: make([]float32, 16*nb.Len()), Dim: 16,
		Valid: make([]float64, nb.Len()), Test: make([]float64, nb.Len()), Time: make([]float64, nb.Len())}
	for i, r := range nb.Rows {
		cells[i] = r.Cell
		t.Valid[i], t.Test[i], t.Time[i] = r.Valid12[bench.CIFAR10]/100, r.Test200[bench.CIFAR10]/100, r.Time12()
	}
	data, err := model.NewDataset201(cells)
	if err != nil {
		panic(err)
	}
	b := search.Budget{Seconds: 12000}
	for _, m := range []search.Method{
		search.BO{Budget: b, TopK: 1, Target: 1, NewSurrogate: supervised.Config{}.Surrogate(data)},
		search.Reinforce{Budget: b, Baseline: 0.4, NewEncoder: supervised.Config{}.Encoder(data)},
	} {
		tr, err := m.Run(context.Background(), t, 1, nil)
		if err != nil {
			panic(err)
		}
		q, _ := tr.Final()
		fmt.Printf("%s: %d queries, test accuracy %.2f %%\n", m.Name(), len(tr.Queries), 100*q.BestTest)
	}
}
