package nn

import (
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

// serial disables the helper goroutine (see SetParallel). It starts true
// unless the environment variable ARCH2VEC_PARALLEL is "1".
var serial atomic.Bool

func init() { serial.Store(os.Getenv("ARCH2VEC_PARALLEL") != "1") }

// SetParallel turns the two-way split of large products and BatchNorm
// passes on or off (off by default). Results are bit-identical either way;
// only the speed differs. The split hands each half-product (10-40 µs of
// work) to a parked goroutine, and waking it costs several µs even on an
// idle core; on the shared 2-core development machine the split made a
// training step 1.4-1.7× slower, so it is opt-in. Callers that want several
// cores should rather run whole models on several goroutines (as Embed's
// replicas do), which needs no hand-offs.
func SetParallel(on bool) { serial.Store(!on) }

// parallelFlops is the work above which a product is split in two row
// halves, the second computed by a helper goroutine. The split does not
// depend on GOMAXPROCS and every element of c is computed by the same
// instruction sequence either way, so results are bit-identical.
const parallelFlops = 1 << 18

// job is one half of a split computation: either a product (fn nil) or a
// call fn(lo, hi) over an index range.
type job struct {
	fn       func(lo, hi int)
	lo, hi   int
	m, n, k  int
	a        []float32
	sai, sap int
	b        []float32
	ldb      int
	c        []float32
	ldc      int
	acc      bool
	ep       epi
}

func (j *job) run() {
	if j.fn != nil {
		j.fn(j.lo, j.hi)
		return
	}
	gemmEx(j.m, j.n, j.k, j.a, j.sai, j.sap, j.b, j.ldb, j.c, j.ldc, j.acc, j.ep)
}

// pool is the one helper goroutine that runs the second half of split
// work. Callers that find it busy run both halves themselves.
var pool struct {
	once sync.Once
	mu   sync.Mutex
	jobs chan job
	done chan struct{}
}

func startPool() {
	pool.jobs = make(chan job)
	pool.done = make(chan struct{})
	go func() {
		for j := range pool.jobs {
			j.run()
			pool.done <- struct{}{}
		}
	}()
}

// split runs first and second, the second on the helper goroutine when
// there are 2 or more Ps and the helper is free, otherwise in order on the
// caller. first and second must write disjoint memory.
func split(first, second *job) {
	if serial.Load() || runtime.GOMAXPROCS(0) < 2 {
		first.run()
		second.run()
		return
	}
	pool.once.Do(startPool)
	if !pool.mu.TryLock() {
		first.run()
		second.run()
		return
	}
	pool.jobs <- *second
	first.run()
	<-pool.done
	pool.mu.Unlock()
}

// parallelRange calls fn(0, h) and fn(h, n) with the fixed split
// h = n/2 rounded down to a multiple of align, in parallel when it pays
// (work is the total cost in rough flops). fn must write only what belongs
// to its range, so the result never depends on the split being parallel.
func parallelRange(fn func(lo, hi int), n, align, work int) {
	h := (n / 2) / align * align
	if work < parallelFlops/4 || h == 0 {
		fn(0, n)
		return
	}
	split(&job{fn: fn, lo: 0, hi: h}, &job{fn: fn, lo: h, hi: n})
}
