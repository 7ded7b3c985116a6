package model

import "fmt"

// Batch is B cells of N nodes and C operation classes, row-major float32:
// Adj is B×N×N, the stored strictly-upper-triangular 0/1 adjacency (as in
// data.json), and Ops is B×N×C, the operation one-hot with all-zero rows for
// padded nodes. The network never modifies a Batch.
type Batch struct {
	B, N, C  int
	Adj, Ops []float32
}

// NewBatch allocates a zero batch of b cells.
func NewBatch(b, n, c int) *Batch {
	return &Batch{B: b, N: n, C: c, Adj: make([]float32, b*n*n), Ops: make([]float32, b*n*c)}
}

// Rows is the number of node rows, B·N.
func (b *Batch) Rows() int { return b.B * b.N }

// check panics if the slices do not have the declared shape or the one-hot
// width differs from want (a programmer error: datasets are validated when
// built).
func (b *Batch) check(want int) {
	if b.B <= 0 || b.N <= 0 || b.C != want || len(b.Adj) != b.B*b.N*b.N || len(b.Ops) != b.B*b.N*b.C {
		panic(fmt.Sprintf("model: batch B=%d N=%d C=%d with %d adjacency and %d op values (model input dim %d)",
			b.B, b.N, b.C, len(b.Adj), len(b.Ops), want))
	}
}
