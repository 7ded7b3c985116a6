package search_test

import (
	"context"
	"fmt"
	"math"

	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// Random search, REINFORCE and BO on a small table whose validation
// accuracy peaks at the embedding (1, 1), compared by final regret.
func ExampleRunMany() {
	const side = 30 // a 30×30 grid of cells in [−1.5, 1.5]²
	t := &search.Table{Dim: 2}
	for i := 0; i < side; i++ {
		for j := 0; j < side; j++ {
			x, y := -1.5+3*float64(i)/(side-1), -1.5+3*float64(j)/(side-1)
			acc := 0.8 + 0.15*math.Exp(-((x-1)*(x-1)+(y-1)*(y-1)))
			t.Emb = append(t.Emb, float32(x), float32(y))
			t.Valid = append(t.Valid, acc)
			t.Test = append(t.Test, acc-0.01)
			t.Time = append(t.Time, 100)
		}
	}
	seeds := []uint64{1, 2, 3, 4, 5, 6, 7, 8}
	budget := search.Budget{Seconds: 100 * 48} // 48 queries
	for _, m := range []search.Method{
		search.Random{Budget: budget},
		search.Reinforce{Budget: budget, Baseline: 0.85},
		search.BO{Budget: budget},
	} {
		traces, err := search.RunMany(context.Background(), m, t, seeds, 2, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		s := search.Summarize(traces, nil, nil)
		fmt.Printf("%-6s %d runs, %d queries each, mean final validation accuracy %.2f\n",
			m.Name(), s.N, len(traces[0].Queries), s.ValidMean)
	}
	// Output:
	// random 8 runs, 48 queries each, mean final validation accuracy 0.94
	// rl     8 runs, 48 queries each, mean final validation accuracy 0.94
	// bo     8 runs, 48 queries each, mean final validation accuracy 0.95
}
