package bench

import (
	"context"
	"sync"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// hashChunk is how many cells a hashing worker handles between
// cancellation checks.
const hashChunk = 4096

// Hashes101 returns the hash of every cell, in order. The cells are split
// into two fixed halves hashed concurrently; ctx is checked every few
// thousand cells. The result does not depend on GOMAXPROCS.
func Hashes101(ctx context.Context, cells []cell.NB101) ([]cell.Hash, error) {
	out := make([]cell.Hash, len(cells))
	const workers = 2
	var wg sync.WaitGroup
	errs := make([]error, workers)
	per := (len(cells) + workers - 1) / workers
	for w := range workers {
		lo, hi := min(w*per, len(cells)), min((w+1)*per, len(cells))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				if (i-lo)%hashChunk == 0 {
					if err := ctx.Err(); err != nil {
						errs[w] = err
						return
					}
				}
				out[i] = cells[i].Hash()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
