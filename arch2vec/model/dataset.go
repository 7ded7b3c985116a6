package model

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// Dataset is an encoded copy of a list of cells, the form the network
// reads: for cell i, Adj[i·N·N:(i+1)·N·N] is its N×N adjacency (row-major,
// strictly upper-triangular 0/1, as stored in data.json) and
// Ops[i·N·C:(i+1)·N·C] its N×C operation one-hot. NB101 cells with fewer
// than 7 vertices are padded at the end: zero adjacency rows and columns
// and all-zero operation rows, so the output stays at index n−1
// (arch2vec.md §1.1). The order of the cells is kept: the train/held-out
// split of [Pretrain] depends on it.
//
// A Dataset is read-only once built and safe for concurrent readers.
type Dataset struct {
	// Space is the search space of the cells.
	Space Space
	// Len is the number of cells.
	Len int
	// N is the padded number of nodes (7 or 8), C the one-hot width (5 or 7).
	N, C int
	// Adj holds Len×N×N adjacency entries, Ops Len×N×C one-hot entries.
	Adj, Ops []float32
}

// newDataset allocates an empty dataset of n cells of space s.
func newDataset(s Space, n int) *Dataset {
	N, C := s.nodes(), s.classes()
	return &Dataset{Space: s, Len: n, N: N, C: C,
		Adj: make([]float32, n*N*N), Ops: make([]float32, n*N*C)}
}

// NewDataset101 encodes NAS-Bench-101 cells with [cell.NB101.EncodeTo], as
// given (arch2vec's data.json holds pruned cells, as [cell.Enumerate101]
// returns them; NewDataset101 does not prune). Each cell must pass
// [cell.NB101.Validate]; the first that does not is named in the error. Encoding runs on up to GOMAXPROCS goroutines; the result does
// not depend on their number.
func NewDataset101(cells []cell.NB101) (*Dataset, error) {
	d := newDataset(NASBench101, len(cells))
	err := parallelCells(len(cells), func(i int) error {
		c := cells[i]
		if err := c.Validate(); err != nil {
			return fmt.Errorf("model: dataset: cell %d: %w", i, err)
		}
		c.EncodeTo(d.Adj[i*49:(i+1)*49], d.Ops[i*35:(i+1)*35])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// NewDataset201 encodes NAS-Bench-201 cells with [cell.NB201.EncodeTo] as
// arch2vec's 8-node graphs (nasbench201_json.py L26-51). Each cell must
// hold an edge operation in every slot.
func NewDataset201(cells []cell.NB201) (*Dataset, error) {
	d := newDataset(NASBench201, len(cells))
	err := parallelCells(len(cells), func(i int) error {
		c := cells[i]
		for k, o := range c {
			if !o.IsEdgeOp() {
				return fmt.Errorf("model: dataset: cell %d: edge %d has %v, want an edge operation", i, k, o)
			}
		}
		c.EncodeTo(d.Adj[i*64:(i+1)*64], d.Ops[i*56:(i+1)*56])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Subset returns a new dataset holding the cells at idx, in that order.
// It panics if an index is out of range.
func (d *Dataset) Subset(idx []int) *Dataset {
	s := newDataset(d.Space, len(idx))
	for k, i := range idx {
		copy(s.Adj[k*d.N*d.N:(k+1)*d.N*d.N], d.Adj[i*d.N*d.N:(i+1)*d.N*d.N])
		copy(s.Ops[k*d.N*d.C:(k+1)*d.N*d.C], d.Ops[i*d.N*d.C:(i+1)*d.N*d.C])
	}
	return s
}

// Sum returns a SHA-256 digest (hex) of the space and the encoded cells,
// in order. Checkpoints store it to recognise the dataset they were
// trained on.
func (d *Dataset) Sum() string {
	h := sha256.New()
	fmt.Fprintf(h, "%v %d %d %d\n", d.Space, d.Len, d.N, d.C)
	buf := make([]byte, 0, 1<<16)
	for _, xs := range [][]float32{d.Adj, d.Ops} {
		for _, x := range xs {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
			if len(buf) == cap(buf) {
				h.Write(buf)
				buf = buf[:0]
			}
		}
	}
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil))
}

// gather fills b with the cells at idx (b.B = len(idx)), reusing b's
// storage when it is large enough.
func (d *Dataset) gather(b *Batch, idx []int) {
	nn, nc := d.N*d.N, d.N*d.C
	b.B, b.N, b.C = len(idx), d.N, d.C
	b.Adj = growF(b.Adj, len(idx)*nn)
	b.Ops = growF(b.Ops, len(idx)*nc)
	for k, i := range idx {
		copy(b.Adj[k*nn:(k+1)*nn], d.Adj[i*nn:(i+1)*nn])
		copy(b.Ops[k*nc:(k+1)*nc], d.Ops[i*nc:(i+1)*nc])
	}
}

// slice fills b with the contiguous cells [lo, hi) without copying: b
// aliases d's storage and must not be written.
func (d *Dataset) slice(b *Batch, lo, hi int) {
	nn, nc := d.N*d.N, d.N*d.C
	b.B, b.N, b.C = hi-lo, d.N, d.C
	b.Adj = d.Adj[lo*nn : hi*nn]
	b.Ops = d.Ops[lo*nc : hi*nc]
}

// parallelCells runs f(i) for i in [0, n) on up to GOMAXPROCS goroutines,
// each over one contiguous shard, and returns the error of the lowest
// failing index.
func parallelCells(n int, f func(i int) error) error {
	shards := min(runtime.GOMAXPROCS(0), max(1, n/4096), 16)
	errs := make([]error, shards)
	var wg sync.WaitGroup
	for s := range shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := s * n / shards; i < (s+1)*n/shards; i++ {
				if err := f(i); err != nil {
					errs[s] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
