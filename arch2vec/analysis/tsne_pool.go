package analysis

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// tsneShards is the number of contiguous point ranges t-SNE's parallel
// loops are cut into. Every result is stored per point and totals are
// added in point order, so neither the shard count nor the number of
// workers changes a single bit of the output.
const tsneShards = 64

// tsnePool runs a function over fixed shards of the points on persistent
// goroutines, so that an iteration allocates nothing: the caller works as
// worker 0, GOMAXPROCS−1 goroutines as the others.
type tsnePool struct {
	n, shards int
	fn        func(worker, lo, hi int)
	next      atomic.Int64
	start     []chan struct{}
	wg        sync.WaitGroup
}

// newTSNEPool starts a pool over n points.
func newTSNEPool(n int) *tsnePool {
	p := &tsnePool{n: n, shards: min(tsneShards, n)}
	workers := max(1, min(runtime.GOMAXPROCS(0), p.shards))
	p.start = make([]chan struct{}, workers-1)
	for w := range p.start {
		p.start[w] = make(chan struct{})
		go p.loop(w + 1)
	}
	return p
}

// workers returns the number of workers, the caller included.
func (p *tsnePool) workers() int { return len(p.start) + 1 }

// run calls fn(worker, lo, hi) for every shard [lo, hi) of the points and
// returns when all are done. A worker runs one shard at a time.
func (p *tsnePool) run(fn func(worker, lo, hi int)) {
	p.fn = fn
	p.next.Store(0)
	p.wg.Add(len(p.start))
	for _, c := range p.start {
		c <- struct{}{}
	}
	p.work(0)
	p.wg.Wait()
	p.fn = nil
}

// work runs shards until none is left.
func (p *tsnePool) work(w int) {
	for {
		s := int(p.next.Add(1)) - 1
		if s >= p.shards {
			return
		}
		p.fn(w, s*p.n/p.shards, (s+1)*p.n/p.shards)
	}
}

// loop is the body of worker w's goroutine.
func (p *tsnePool) loop(w int) {
	for range p.start[w-1] {
		p.work(w)
		p.wg.Done()
	}
}

// close stops the pool's goroutines.
func (p *tsnePool) close() {
	for _, c := range p.start {
		close(c)
	}
}
