package supervised

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// encodeChunk is the number of distinct node rows per task of the
// evaluation-mode encoding (256 KB of 128-wide activations: they stay in a
// core's L2 cache). Chunks have fixed boundaries, so every row is computed
// in the same position of the same chunk whatever the number of workers:
// results are bit-identical for any GOMAXPROCS or Workers.
const encodeChunk = 512

// evalEncoder encodes many cells with a GIN in evaluation mode. In
// evaluation mode a node's row after layer l is a function of its row and
// its successors' rows after layer l−1 only, so the encoder computes each
// distinct row once: a [plan], built from the cells alone (not the
// weights), numbers the distinct rows of every layer. On NAS-Bench-201 the
// 125,000 node rows have 281 distinct layer-0 rows and 16,281 distinct
// rows after that. The Linear layers run on Workers goroutines, each with
// a replica (Linear layers sharing the GIN's parameters but owning their
// buffers), the BatchNorms fused into the products before them
// ([nn.Linear.ForwardEval]).
type evalEncoder struct {
	g    *GIN
	d    *model.Dataset
	reps []*replica
	aff  [][4][]float32 // per layer: α, β' of the inner and the outer BN
	all  *plan          // the plan of all cells, built on first use
	u    [2][]float32   // distinct rows of the previous and current layer
	fcu  []float32      // head output of the last layer's distinct rows
}

type replica struct {
	lin [][2]*nn.Linear
	fc  *nn.Linear
	agg []float32
}

// plan numbers the distinct node rows of a list of cells, layer by layer.
// Layer −1 is the input: in holds the distinct one-hot rows (C wide).
// Layer l's distinct row k aggregates, in order, the previous layer's rows
// src[off[k]:off[k+1]], the first being the node itself (weight 1+ε) and
// the others its successors with the adjacency weights w.
type plan struct {
	cells  int
	in     []float32
	layers []planLayer
	rows   []int32 // (cell, node) → distinct row of the last layer
}

type planLayer struct {
	off []int32
	src []int32
	w   []float32
}

// newPlan builds the plan of cells (nil: all of d) for a GIN of the given
// depth.
func newPlan(d *model.Dataset, cells []int, layers int) *plan {
	m, n, c := d.Len, d.N, d.C
	if cells != nil {
		m = len(cells)
	}
	cell := func(k int) int {
		if cells == nil {
			return k
		}
		return cells[k]
	}
	p := &plan{cells: m}
	ids := make([]int32, m*n) // (cell, node) → distinct row of the previous layer
	seen := map[string]int32{}
	key := make([]byte, 0, 8*(n+1))
	for k := 0; k < m; k++ {
		i := cell(k)
		for v := 0; v < n; v++ {
			row := d.Ops[(i*n+v)*c : (i*n+v+1)*c]
			key = key[:0]
			for _, x := range row {
				key = binary.LittleEndian.AppendUint32(key, math.Float32bits(x))
			}
			id, ok := seen[string(key)]
			if !ok {
				id = int32(len(seen))
				seen[string(key)] = id
				p.in = append(p.in, row...)
			}
			ids[k*n+v] = id
		}
	}
	next := make([]int32, m*n)
	for l := 0; l < layers; l++ {
		clear(seen)
		L := planLayer{off: []int32{0}}
		for k := 0; k < m; k++ {
			i := cell(k)
			adj := d.Adj[i*n*n : (i+1)*n*n]
			for v := 0; v < n; v++ {
				key = binary.LittleEndian.AppendUint32(key[:0], uint32(ids[k*n+v]))
				for j, a := range adj[v*n : (v+1)*n] {
					if a != 0 {
						key = binary.LittleEndian.AppendUint32(key, uint32(ids[k*n+j]))
						key = binary.LittleEndian.AppendUint32(key, math.Float32bits(a))
					}
				}
				id, ok := seen[string(key)]
				if !ok {
					id = int32(len(seen))
					seen[string(key)] = id
					L.src = append(L.src, ids[k*n+v])
					L.w = append(L.w, 1)
					for j, a := range adj[v*n : (v+1)*n] {
						if a != 0 {
							L.src = append(L.src, ids[k*n+j])
							L.w = append(L.w, a)
						}
					}
					L.off = append(L.off, int32(len(L.src)))
				}
				next[k*n+v] = id
			}
		}
		p.layers = append(p.layers, L)
		ids, next = next, ids
	}
	p.rows = ids
	return p
}

// distinct returns the number of distinct rows of layer l.
func (p *plan) distinct(l int) int { return len(p.layers[l].off) - 1 }

func newEvalEncoder(g *GIN, d *model.Dataset, workers int) *evalEncoder {
	e := &evalEncoder{d: d, reps: make([]*replica, workers)}
	for w := range e.reps {
		e.reps[w] = &replica{}
	}
	e.bind(g)
	return e
}

// bind makes e encode with g (same depth and widths as before, or a first
// binding), keeping the plans and buffers.
func (e *evalEncoder) bind(g *GIN) {
	e.g = g
	share := func(l *nn.Linear) *nn.Linear { return &nn.Linear{In: l.In, Out: l.Out, W: l.W, B: l.B} }
	for _, r := range e.reps {
		r.fc = share(g.fc)
		r.lin = r.lin[:0]
		for _, L := range g.layers {
			r.lin = append(r.lin, [2]*nn.Linear{share(L.lin0), share(L.lin1)})
		}
	}
	if len(e.aff) != len(g.layers) {
		e.aff = make([][4][]float32, len(g.layers))
		for l := range e.aff {
			for k := range e.aff[l] {
				e.aff[l][k] = make([]float32, g.hid)
			}
		}
	}
}

// encode writes the evaluation-mode encoding of cells (indices into the
// dataset; nil means all, in order) into dst (len(cells)×Latent), passed
// through tanh when squash is set. It must not run concurrently with a
// Forward/Backward of the GIN (it reads the BatchNorms' running
// statistics and overwrites the statistics they keep for Backward). ctx
// is checked between chunks.
func (e *evalEncoder) encode(ctx context.Context, cells []int, dst []float32, squash bool) error {
	g := e.g
	var p *plan
	if cells == nil {
		if e.all == nil {
			e.all = newPlan(e.d, nil, len(g.layers))
		}
		p = e.all
	} else {
		p = newPlan(e.d, cells, len(g.layers))
	}
	if len(dst) != p.cells*g.lat {
		panic(fmt.Sprintf("supervised: encode: dst has %d values, want %d×%d", len(dst), p.cells, g.lat))
	}
	for l, L := range g.layers {
		for k, bn := range [2]*nn.BatchNorm1d{L.bn0, L.bn1} {
			al, be := bn.EvalAffine()
			copy(e.aff[l][2*k], al)
			copy(e.aff[l][2*k+1], be)
		}
	}
	for _, r := range e.reps {
		for _, lin := range r.lin {
			lin[0].Refresh()
			lin[1].Refresh()
		}
		r.fc.Refresh()
	}
	prev := p.in
	for l, L := range g.layers {
		u := p.distinct(l)
		cur := grow(e.u[l%2], u*g.hid)
		e.u[l%2] = cur
		pl, eps := &p.layers[l], g.eps.Data[l]
		err := e.parallel(ctx, u, func(r *replica, lo, hi int) {
			rows := hi - lo
			r.agg = grow(r.agg, rows*L.fin)
			aggregate(r.agg, prev, pl, eps, lo, hi, L.fin)
			a := e.aff[l]
			h := r.lin[l][0].ForwardEval(r.agg, rows, a[0], a[1], true)
			copy(cur[lo*g.hid:hi*g.hid], r.lin[l][1].ForwardEval(h, rows, a[2], a[3], true))
		})
		if err != nil {
			return err
		}
		prev = cur
	}
	u := p.distinct(len(g.layers) - 1)
	e.fcu = grow(e.fcu, u*g.lat)
	err := e.parallel(ctx, u, func(r *replica, lo, hi int) {
		copy(e.fcu[lo*g.lat:hi*g.lat], r.fc.ForwardFresh(prev[lo*g.hid:hi*g.hid], hi-lo))
	})
	if err != nil {
		return err
	}
	n, inv := e.d.N, 1/float32(e.d.N)
	for k := 0; k < p.cells; k++ {
		out := dst[k*g.lat : (k+1)*g.lat]
		clear(out)
		for _, id := range p.rows[k*n : (k+1)*n] {
			for j, x := range e.fcu[int(id)*g.lat : (int(id)+1)*g.lat] {
				out[j] += x
			}
		}
		for j := range out {
			out[j] *= inv
		}
	}
	if squash {
		tanh32(dst)
	}
	return nil
}

// parallel calls f on the fixed chunks of [0, n) on the replicas'
// goroutines and reports a context that ended.
func (e *evalEncoder) parallel(ctx context.Context, n int, f func(r *replica, lo, hi int)) error {
	chunks := (n + encodeChunk - 1) / encodeChunk
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, r := range e.reps[:min(len(e.reps), chunks)] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks || ctx.Err() != nil {
					return
				}
				f(r, c*encodeChunk, min(n, (c+1)*encodeChunk))
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return fmt.Errorf("supervised: encoding stopped: %w", context.Cause(ctx))
	}
	return nil
}

// aggregate writes the GIN aggregation of distinct rows lo..hi-1 of a
// plan layer into dst: (1+ε)·x_self + Σ a_j·x_j over the successors in
// order, x the previous layer's distinct rows (f wide).
func aggregate(dst, prev []float32, pl *planLayer, eps float32, lo, hi, f int) {
	for k := lo; k < hi; k++ {
		out := dst[(k-lo)*f : (k-lo+1)*f]
		s, e := pl.off[k], pl.off[k+1]
		self := prev[int(pl.src[s])*f : (int(pl.src[s])+1)*f]
		for j, x := range self {
			out[j] = (1 + eps) * x
		}
		for t := s + 1; t < e; t++ {
			a, x := pl.w[t], prev[int(pl.src[t])*f:(int(pl.src[t])+1)*f]
			for j, v := range x {
				out[j] += a * v
			}
		}
	}
}

// tanh32 sets x[i] = tanh(x[i]).
func tanh32(x []float32) {
	for i, v := range x {
		x[i] = float32(math.Tanh(float64(v)))
	}
}
