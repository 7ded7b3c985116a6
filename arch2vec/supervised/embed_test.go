package supervised

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestEmbed checks that the supervised embeddings carry what they were
// trained on: the nearest training cell in the embedding predicts a
// held-out cell's smooth reward far better than the mean does; and that
// they are deterministic and reject bad input.
func TestEmbed(t *testing.T) {
	cells, d := nb201Cells(t, 1200)
	train := make([]int, 300)
	y := make([]float64, len(train))
	for k := range train {
		train[k] = 4 * k
		y[k] = smoothReward(cells[train[k]])
	}
	embed := func(seed uint64) []float32 {
		dst := make([]float32, d.Len*16)
		if err := (Config{Epochs: 30}).Embed(context.Background(), d, train, y, rand.New(rand.NewPCG(seed, 1)), dst); err != nil {
			t.Fatal(err)
		}
		return dst
	}
	z := embed(7)
	if !slices.Equal(z, embed(7)) {
		t.Error("same seed, different embeddings")
	}
	mean := 0.0
	for _, v := range y {
		mean += v / float64(len(y))
	}
	var seNN, seMean float64
	n := 0
	for i := range cells {
		if i%4 == 0 {
			continue // a training cell
		}
		best, bestD := -1, math.Inf(1)
		for k, j := range train {
			dd := 0.0
			for c := range 16 {
				x := float64(z[i*16+c] - z[j*16+c])
				dd += x * x
			}
			if dd < bestD {
				best, bestD = k, dd
			}
		}
		r := smoothReward(cells[i])
		seNN += (r - y[best]) * (r - y[best])
		seMean += (r - mean) * (r - mean)
		n++
	}
	t.Logf("held-out MSE: nearest training cell in the embedding %.3g, mean %.3g (%d cells)", seNN/float64(n), seMean/float64(n), n)
	if seNN > 0.5*seMean {
		t.Errorf("nearest-neighbour MSE %.3g is not well below the mean's %.3g", seNN/float64(n), seMean/float64(n))
	}
	bad := []struct {
		name  string
		cells []int
		y     []float64
		dst   []float32
	}{
		{"no cells", nil, nil, make([]float32, d.Len*16)},
		{"targets", train, y[:3], make([]float32, d.Len*16)},
		{"range", []int{d.Len}, []float64{1}, make([]float32, d.Len*16)},
		{"dst", train, y, make([]float32, 5)},
	}
	for _, tc := range bad {
		if err := (Config{}).Embed(context.Background(), d, tc.cells, tc.y, rand.New(rand.NewPCG(1, 1)), tc.dst); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
