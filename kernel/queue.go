package kernel

import (
	"context"
	"sync"
)

// requestQueue is the unbounded FIFO of shell requests between the
// receive loop and the executor. It also counts how many queued requests
// are to be aborted after an execute failed with stop_on_error.
type requestQueue struct {
	mu     sync.Mutex
	items  []*request
	abortN int           // the first abortN items are aborted if executes
	ready  chan struct{} // has a token when items may be non-empty
}

func (q *requestQueue) init() { q.ready = make(chan struct{}, 1) }

func (q *requestQueue) push(r *request) {
	q.mu.Lock()
	q.items = append(q.items, r)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop blocks until a request is queued or ctx is done. abort reports
// whether the request was queued when an execute failed with stop_on_error.
func (q *requestQueue) pop(ctx context.Context) (r *request, abort, ok bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			r = q.items[0]
			q.items[0] = nil
			q.items = q.items[1:]
			if q.abortN > 0 {
				q.abortN--
				abort = true
			}
			q.mu.Unlock()
			return r, abort, true
		}
		q.mu.Unlock()
		select {
		case <-q.ready:
		case <-ctx.Done():
			return nil, false, false
		}
	}
}

// abortQueued marks every request queued now for abort.
func (q *requestQueue) abortQueued() {
	q.mu.Lock()
	q.abortN = len(q.items)
	q.mu.Unlock()
}
