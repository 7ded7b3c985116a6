package cell

import (
	"fmt"
	"math/bits"
)

// Sizes of arch2vec's padded NAS-Bench-101 encoding (gen_json.py L52-83).
const (
	AdjLen101 = MaxVertices * MaxVertices // 7×7 adjacency, row-major
	OpsLen101 = MaxVertices * NumOps101   // 7×5 one-hot, row-major
)

// EncodeTo writes c in arch2vec's padded form (brief §1.1): adj gets the
// 7×7 adjacency row-major, with c's N×N block top-left (so the output stays
// at N-1) and the padded rows and columns zero; ops gets the 7×5 one-hot in
// [Op] order, padded rows all zero. It panics if len(adj) != AdjLen101 or
// len(ops) != OpsLen101.
func (c NB101) EncodeTo(adj, ops []float32) {
	if len(adj) != AdjLen101 || len(ops) != OpsLen101 {
		panic(fmt.Sprintf("cell: NB101.EncodeTo: lengths %d, %d, want %d, %d", len(adj), len(ops), AdjLen101, OpsLen101))
	}
	clear(adj)
	clear(ops)
	for i := range c.N {
		for r := c.Adj[i]; r != 0; r &= r - 1 {
			adj[i*MaxVertices+bits.TrailingZeros8(r)] = 1
		}
		ops[i*NumOps101+int(c.Ops[i])] = 1
	}
}

// FromEncoding101 reads one cell of arch2vec's data.json: a 7×7 padded
// adjacency ("module_adjacency") and a 7×5 one-hot ("module_operations").
// N is the number of non-zero one-hot rows, which must come first, each
// with a single 1; the adjacency must be 0/1, strictly upper-triangular and
// zero outside the N×N block. The cell is returned as stored, not pruned.
// Errors are *[ValidationError].
func FromEncoding101(adj [][]int, onehot [][]int) (NB101, error) {
	if len(adj) != MaxVertices || len(onehot) != MaxVertices {
		return NB101{}, invalidf("encoding has %d adjacency rows and %d op rows, want %d", len(adj), len(onehot), MaxVertices)
	}
	n, err := readOneHot(onehot, NumOps101)
	if err != nil {
		return NB101{}, err
	}
	for i, row := range adj {
		if len(row) != MaxVertices {
			return NB101{}, invalidf("adjacency row %d has %d entries, want %d", i, len(row), MaxVertices)
		}
		for j, x := range row {
			if x != 0 && (i >= n || j >= n) {
				return NB101{}, invalidf("adjacency entry (%d,%d) outside the %d used vertices", i, j, n)
			}
		}
	}
	m := make([][]int, n)
	ops := make([]Op, n)
	for i := range n {
		m[i] = adj[i][:n]
		for k, x := range onehot[i] {
			if x == 1 {
				ops[i] = Op(k)
			}
		}
	}
	return NewNB101Ops(m, ops)
}

// readOneHot checks a one-hot block of width w whose non-zero rows form a
// prefix, each with exactly one 1, and returns the number of those rows.
func readOneHot(onehot [][]int, w int) (int, error) {
	n := 0
	for i, row := range onehot {
		if len(row) != w {
			return 0, invalidf("op row %d has %d entries, want %d", i, len(row), w)
		}
		ones := 0
		for k, x := range row {
			if x != 0 && x != 1 {
				return 0, invalidf("op entry (%d,%d) is %d, want 0 or 1", i, k, x)
			}
			ones += x
		}
		switch {
		case ones > 1:
			return 0, invalidf("op row %d has %d ones, want one", i, ones)
		case ones == 1 && n != i:
			return 0, invalidf("op row %d is set after the all-zero padding row %d", i, n)
		case ones == 1:
			n++
		}
	}
	if n < 2 {
		return 0, invalidf("%d vertices, want 2..%d", n, MaxVertices)
	}
	return n, nil
}

// Decode101 turns one decoder output of the GIN-VAE into a cell as arch2vec
// does in its validity sampling (pretraining_nasbench101.py L74-98, brief
// §3.2): adj is the 7×7 sigmoid adjacency (row-major), an edge where the
// value is > 0.5 in the strict upper triangle; ops is the 7×5 sigmoid op
// output, each vertex taking the first argmax of its row in [Op] order.
// The result always has N = 7 and is NOT pruned.
//
// The sample is valid when [NB101.Valid] holds (nasbench is_valid on the
// pruned spec), and its uniqueness fingerprint is [NB101.Fingerprint] of
// the unpruned result. It panics if len(adj) != AdjLen101 or
// len(ops) != OpsLen101.
func Decode101(adj, ops []float32) NB101 {
	if len(adj) != AdjLen101 || len(ops) != OpsLen101 {
		panic(fmt.Sprintf("cell: Decode101: lengths %d, %d, want %d, %d", len(adj), len(ops), AdjLen101, OpsLen101))
	}
	c := NB101{N: MaxVertices}
	for i := range MaxVertices {
		c.Adj[i] = decodeRow(adj, MaxVertices, i)
		c.Ops[i] = Op(argmax(ops[i*NumOps101 : (i+1)*NumOps101]))
	}
	return c
}

// decodeRow returns row i of an n×n sigmoid adjacency as a bit set: the
// entries > 0.5 right of the diagonal (arch2vec's triu(ad > 0.5, 1)).
func decodeRow(adj []float32, n, i int) uint8 {
	var r uint8
	for j := i + 1; j < n; j++ {
		if adj[i*n+j] > 0.5 {
			r |= 1 << j
		}
	}
	return r
}

// argmax returns the index of the first largest value, as torch.argmax.
func argmax(xs []float32) int {
	best := 0
	for k, x := range xs {
		if x > xs[best] {
			best = k
		}
	}
	return best
}
