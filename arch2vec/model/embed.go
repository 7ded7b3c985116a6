package model

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// embedChunk is the number of cells encoded per forward pass by [Embed].
// Chunks have fixed boundaries, so every cell is computed in the same
// position of the same chunk whatever the number of workers: embeddings are
// bit-identical for any GOMAXPROCS.
const embedChunk = 256

// embedWorkers is the number of goroutines of [Embed].
const embedWorkers = 2

// Progress receives the number of cells done and the total. It is called
// from the goroutine that called the long operation, never concurrently.
type Progress func(done, total int)

// Embed writes the arch2vec embedding of every cell of data into dst
// (data.Len × Latent, row-major): the mean over the N node positions of the
// encoder's μ in evaluation mode, padded nodes included
// (search_methods/reinforce.py L35-54, arch2vec.md §2.2). m is read, never
// modified; the work runs on two goroutines (the machine's two cores), each
// on its own copy of m. progress may be nil.
//
// The computation is reorganised to do about a third less arithmetic than
// encoding every node (see embed_table.go), so the result differs from
// the mean of [VAE.Encode]'s μ by rounding only (about 1e-6 of the
// embedding scale); it is a function of the model and the cell alone:
// bit-identical whatever GOMAXPROCS, the number of workers or the other
// cells of data.
//
// Embed checks ctx between units of 512 cells (256 on the Encode path);
// on cancellation it returns an error wrapping context.Cause(ctx), with
// dst partly written.
// A model trained on another space than data's is an error. It panics if
// len(dst) != data.Len·Latent.
func Embed(ctx context.Context, m *VAE, data *Dataset, dst []float32, progress Progress) error {
	lat := m.Config().LatentDim
	if len(dst) != data.Len*lat {
		panic(fmt.Sprintf("model: embed: dst has %d values, want %d×%d", len(dst), data.Len, lat))
	}
	if err := checkFits(m, data); err != nil {
		return fmt.Errorf("model: embed: %w", err)
	}
	if err := embed(ctx, m, data, dst, progress, embedWorkers); err != nil {
		return fmt.Errorf("model: embed: %w", err)
	}
	return nil
}

// embed is Embed on workers goroutines. With two GIN layers or more and
// one-hot cells it takes the table path of embed_table.go, in units of
// embedUnit cells; otherwise, or if the cells have too many distinct node
// states for the tables, it encodes every cell with Encode and averages μ.
func embed(ctx context.Context, m *VAE, data *Dataset, dst []float32, progress Progress, workers int) error {
	reps := pooledReplicas(m, workers)
	defer putReplicas(reps)
	if len(m.layers) < 2 || !tableFits(data) {
		return embedPlain(ctx, reps, data, dst, progress)
	}
	sh := newEmbedShared(m, data)
	for _, r := range reps.reps {
		r.m.setEvalAffine()
		for _, L := range r.m.layers {
			L.lin0.Refresh()
			L.lin1.Refresh()
		}
		r.m.fc1.Refresh()
		r.scr = getScratch()
	}
	defer func() {
		for _, r := range reps.reps {
			scratchPool.Put(r.scr)
			r.scr = nil
		}
	}()
	reported := 0
	err := reps.run(ctx, chunks(data.Len, embedUnit), func(done, total int) {
		reported = done
		if progress != nil {
			progress(done, total)
		}
	}, func(r *replica, lo, hi int) {
		sh.unit(r, r.scr, lo, hi, dst)
	})
	for _, r := range reps.reps {
		if r.scr.overflow {
			// Start again on the Encode path; progress stays monotone.
			var p Progress
			if progress != nil {
				p = func(done, total int) {
					if done > reported {
						progress(done, total)
					}
				}
			}
			return embedPlain(ctx, reps, data, dst, p)
		}
	}
	return err
}

// replicaPool keeps the replicas of earlier embeddings: building one (and
// drawing its initial weights, at once overwritten) cost several ms.
var replicaPool sync.Pool

// pooledReplicas is newReplicas reusing pooled replicas of src's
// configuration.
func pooledReplicas(src *VAE, workers int) *replicas {
	r := &replicas{reps: make([]*replica, workers)}
	for i := range r.reps {
		rep, _ := replicaPool.Get().(*replica)
		if rep == nil || rep.m.Config() != src.Config() {
			rep = &replica{m: NewVAE(src.Config(), rand.New(rand.NewPCG(0, 0)))}
		}
		r.reps[i] = rep
	}
	r.sync(src)
	return r
}

// putReplicas returns the replicas of r to replicaPool.
func putReplicas(r *replicas) {
	for _, rep := range r.reps {
		rep.batch = Batch{}
		replicaPool.Put(rep)
	}
}

// embedPlain is embed by Encode and the node mean of μ.
func embedPlain(ctx context.Context, reps *replicas, data *Dataset, dst []float32, progress Progress) error {
	n, lat := data.N, reps.reps[0].m.Config().LatentDim
	return reps.run(ctx, chunks(data.Len, embedChunk), progress, func(r *replica, lo, hi int) {
		data.slice(&r.batch, lo, hi)
		r.mu = growF(r.mu, (hi-lo)*n*lat)
		r.m.Encode(&r.batch, r.mu)
		meanNodesTo(dst[lo*lat:hi*lat], r.mu, hi-lo, n, lat)
	})
}

// checkFits reports a model whose one-hot width differs from data's.
func checkFits(m *VAE, data *Dataset) error {
	if c := m.Config().InputDim; c != data.C {
		return fmt.Errorf("the model reads %d operation classes, the %v cells have %d", c, data.Space, data.C)
	}
	return nil
}

// meanNodesTo sets dst[g] (lat values) to the mean over the n nodes of
// graph g of mu (graphs×n×lat), summing nodes in index order.
func meanNodesTo(dst, mu []float32, graphs, n, lat int) {
	inv := 1 / float32(n)
	for g := range graphs {
		d := dst[g*lat : (g+1)*lat]
		clear(d)
		for v := range n {
			row := mu[(g*n+v)*lat : (g*n+v+1)*lat]
			for k, x := range row {
				d[k] += x
			}
		}
		for k := range d {
			d[k] *= inv
		}
	}
}

// span is the half-open range of cells [lo, hi) of one chunk.
type span struct{ lo, hi int }

// chunks cuts [0, n) into consecutive spans of size (the last may be
// shorter).
func chunks(n, size int) []span {
	s := make([]span, 0, (n+size-1)/size)
	for lo := 0; lo < n; lo += size {
		s = append(s, span{lo, min(lo+size, n)})
	}
	return s
}

// replica is one worker's copy of a model with its own buffers.
type replica struct {
	m            *VAE
	batch        Batch
	mu, ops, adj []float32
	idx          []int
	scr          *embedScratch // table-path scratch, during embed only
}

// replicas are per-worker copies of one model, used for evaluation-mode
// passes (metrics, validity, embeddings) on several goroutines.
type replicas struct {
	reps []*replica
}

// newReplicas builds workers copies of src.
func newReplicas(src *VAE, workers int) *replicas {
	r := &replicas{reps: make([]*replica, workers)}
	for i := range r.reps {
		r.reps[i] = &replica{m: NewVAE(src.Config(), rand.New(rand.NewPCG(0, 0)))}
	}
	r.sync(src)
	return r
}

// sync copies the weights and buffers of src into every replica.
func (r *replicas) sync(src *VAE) {
	sp, sb := src.Params(), src.Buffers()
	for _, rep := range r.reps {
		for i, p := range rep.m.Params() {
			copy(p.Data, sp[i].Data)
		}
		for i, p := range rep.m.Buffers() {
			copy(p.Data, sb[i].Data)
		}
	}
}

// run calls f once per span, on the replicas' goroutines; spans are taken
// in order by whichever worker is free, and f must write only outputs owned
// by its span, so the result does not depend on scheduling. ctx is checked
// before every span; progress (if not nil) is called on the caller's
// goroutine after each finished span with the cumulative cell count.
func (r *replicas) run(ctx context.Context, spans []span, progress Progress, f func(rep *replica, lo, hi int)) error {
	total := 0
	if len(spans) > 0 {
		total = spans[len(spans)-1].hi
	}
	var next atomic.Int64
	done := make(chan int, len(spans))
	var wg sync.WaitGroup
	for _, rep := range r.reps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(spans) || ctx.Err() != nil {
					return
				}
				f(rep, spans[i].lo, spans[i].hi)
				done <- spans[i].hi - spans[i].lo
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	cells := 0
	for k := range done {
		cells += k
		if progress != nil {
			progress(cells, total)
		}
	}
	if cells < total {
		return fmt.Errorf("stopped after %d of %d cells: %w", cells, total, context.Cause(ctx))
	}
	return nil
}
