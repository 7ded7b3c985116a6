package analysis_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/arch2vec/arch2vec/arch2vec/analysis"
)

// Two groups of 16-dimensional embeddings laid out in 2-D, then scaled to
// [−1, 1] for the density and accuracy maps of the paper's figure 4.
func ExampleTSNE() {
	const n, d = 200, 16
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*d)
	for i := range n {
		for j := range d {
			x[i*d+j] = float32(rng.NormFloat64() + 8*float64(i%2))
		}
	}
	layout := make([]float64, 2*n)
	stats, err := analysis.TSNE(context.Background(), layout, x, n, d, analysis.TSNEOptions{Perplexity: 20})
	if err != nil {
		fmt.Println(err)
		return
	}
	xs, ys := analysis.ScaleToUnit(layout)
	// The groups end up on opposite sides: compare their mean positions.
	var mx, my [2]float64
	for i := range n {
		mx[i%2] += xs[i] / (n / 2)
		my[i%2] += ys[i] / (n / 2)
	}
	fmt.Println(stats.Iterations, stats.Neighbors, math.Hypot(mx[0]-mx[1], my[0]-my[1]) > 0.5)
	// Output: 1000 61 true
}
