package nn

// GINAggregateTo computes the GIN aggregation for b graphs of n nodes with
// f features, x and dst b×n×f, adj b×n×n row-major:
//
//	dst[g] = (1+eps)·x[g] + adj[g]·x[g]
//
// adj is the encoder adjacency (A + Aᵀ for arch2vec, no self loops needed:
// the self term is (1+eps)). dst must not alias x. It panics if a slice is
// too short.
func GINAggregateTo(dst, x, adj []float32, eps float32, b, n, f int) {
	checkLen("gin x", x, b*n*f)
	checkLen("gin dst", dst, b*n*f)
	checkLen("gin adj", adj, b*n*n)
	scaleTo(dst, x[:b*n*f], 1+eps)
	for g := 0; g < b; g++ {
		gemmSerial(n, f, n, adj[g*n*n:], n, 1, x[g*n*f:], f, dst[g*n*f:], f, true)
	}
}

// GINAggregateBackward returns dL/deps = Σ dagg⊙x (summed in float64) and,
// when dx is not nil, sets dx = (1+eps)·dagg + adjᵀ·dagg per graph.
func GINAggregateBackward(dx, dagg, x, adj []float32, eps float32, b, n, f int) float32 {
	checkLen("gin dagg", dagg, b*n*f)
	checkLen("gin x", x, b*n*f)
	de := dotF64(dagg[:b*n*f], x, b*n, f)
	if dx == nil {
		return float32(de)
	}
	checkLen("gin dx", dx, b*n*f)
	checkLen("gin adj", adj, b*n*n)
	scaleTo(dx, dagg[:b*n*f], 1+eps)
	for g := 0; g < b; g++ {
		gemmSerial(n, f, n, adj[g*n*n:], 1, n, dagg[g*n*f:], f, dx[g*n*f:], f, true)
	}
	return float32(de)
}

// dotF64 returns Σ a⊙x over rows×f elements in float64: per column on the
// vector path (then the columns in order), element by element otherwise.
func dotF64(a, x []float32, rows, f int) float64 {
	var de float64
	if f <= 256 {
		var s, d [256]float64
		if backSums(a, x, nil, rows, f, zeros256[:f], s[:f], d[:f]) {
			for _, v := range d[:f] {
				de += v
			}
			return de
		}
	}
	for i, g := range a[:rows*f] {
		de += float64(g) * float64(x[i])
	}
	return de
}
