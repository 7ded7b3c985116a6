package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
)

// Method is a search strategy. Run performs one search over t from the
// given seed and returns its trace; the same seed and table always give the
// same trace. Run checks ctx once per query or iteration; when ctx ends it
// returns the trace so far together with an error wrapping
// context.Cause(ctx). progress, if not nil, is called after every query
// with the number of queries so far and the incumbent's validation
// accuracy. Methods are values: one Method may run concurrently on many
// goroutines.
type Method interface {
	Name() string
	Run(ctx context.Context, t *Table, seed uint64, progress func(query int, best float64)) (*Trace, error)
}

// newRand returns the run's random source: PCG seeded from the run seed
// and a per-method stream constant, so methods sharing a seed do not share
// random numbers.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// checkRun validates what every Method.Run needs.
func checkRun(t *Table, b Budget) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return b.validate()
}

// setDefault replaces a zero option with its default.
func setDefault[T int | float64](p *T, v T) {
	if *p == 0 {
		*p = v
	}
}

// stopped wraps the cause of a cancelled run.
func stopped(ctx context.Context, method string, n int) error {
	return fmt.Errorf("search: %s: stopped after %d queries: %w", method, n, context.Cause(ctx))
}

// Random is random search: cells drawn uniformly without replacement until
// the budget is spent (the "Random search" baseline of arch2vec's plots).
type Random struct {
	Budget Budget
}

// Name returns "random".
func (Random) Name() string { return "random" }

// Run performs one random search; see [Method].
func (m Random) Run(ctx context.Context, t *Table, seed uint64, progress func(int, float64)) (*Trace, error) {
	if err := checkRun(t, m.Budget); err != nil {
		return nil, err
	}
	rng := newRand(seed, streamRandom)
	rec := newRecorder(t, m.Budget, m.Name(), seed, progress)
	perm := newSampler(t.Len())
	for perm.left() > 0 {
		if ctx.Err() != nil {
			return rec.trace, stopped(ctx, m.Name(), len(rec.trace.Queries))
		}
		if rec.add(perm.next(rng)) {
			break
		}
	}
	return rec.trace, nil
}

// Stream constants separate the random streams of the methods.
const (
	streamRandom    = 0x72616e646f6d // "random"
	streamReinforce = 0x7265696e66   // "reinf"
	streamDNGO      = 0x646e676f     // "dngo"
)

// sampler draws indices 0..n-1 uniformly without replacement by a lazy
// Fisher–Yates shuffle.
type sampler struct {
	perm []int32
	k    int
}

func newSampler(n int) *sampler {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	return &sampler{perm: p}
}

func (s *sampler) left() int { return len(s.perm) - s.k }

func (s *sampler) next(rng *rand.Rand) int {
	j := s.k + rng.IntN(len(s.perm)-s.k)
	s.perm[s.k], s.perm[j] = s.perm[j], s.perm[s.k]
	s.k++
	return int(s.perm[s.k-1])
}

// RunMany runs method once per seed on up to workers goroutines (at least
// one) and returns the traces in the order of seeds. Each run depends only
// on its seed, so the result does not depend on workers. progress, if not
// nil, is called with the run's position in seeds, the query number and the
// incumbent's validation accuracy; calls are serialised. On the first error
// or when ctx ends, the remaining runs are not started and RunMany returns
// the traces finished so far (nil for the others) with the first error.
func RunMany(ctx context.Context, method Method, t *Table, seeds []uint64, workers int,
	progress func(run, query int, best float64)) ([]*Trace, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	workers = max(1, min(workers, len(seeds)))
	traces := make([]*Trace, len(seeds))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	jobs := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				var pf func(int, float64)
				if progress != nil {
					pf = func(q int, best float64) {
						mu.Lock()
						defer mu.Unlock()
						progress(i, q, best)
					}
				}
				tr, err := method.Run(ctx, t, seeds[i], pf)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("run %d (seed %d): %w", i, seeds[i], err)
						cancel(firstErr)
					}
				} else {
					traces[i] = tr
				}
				mu.Unlock()
			}
		}()
	}
	for i := range seeds {
		if ctx.Err() != nil {
			break
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = fmt.Errorf("search: %s: %w", method.Name(), context.Cause(ctx))
	}
	return traces, firstErr
}
