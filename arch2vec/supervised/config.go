package supervised

import (
	"fmt"
	"math"
)

// Config sizes the supervised GIN and its training. A zero field takes the
// reference value in its comment.
type Config struct {
	Hidden int // GIN width; 0 means 128
	Latent int // output width (the pooled encoding); 0 means 16
	Layers int // GIN message-passing layers; 0 means 4

	// Epochs, BatchSize: the surrogate's training (pybnn's DNGO); 0 means
	// 100 epochs of minibatches of 10 (all points if N ≤ BatchSize, the
	// last incomplete batch dropped).
	Epochs, BatchSize int
	// LR is the Adam learning rate of the GIN; 0 means 1e-2 for the
	// surrogate (pybnn's DNGO) and 1e-3 for the REINFORCE encoder
	// (supervised_reinforce.py's optimizer_gin; the policy keeps
	// search.Reinforce.LR, 1e-2).
	LR float64
	// Workers is the number of goroutines encoding all cells; 0 means 2.
	// Results do not depend on it.
	Workers int

	// Quirks reproduces reference behaviours that the package corrects by
	// default; see [Quirks].
	Quirks Quirks

	// OnEpoch, if not nil, is called after every training epoch of the
	// surrogate network ([Config.Surrogate], [Config.Embed]) with the
	// epochs done and their number, for progress displays.
	OnEpoch func(done, total int)
}

// Quirks selects behaviours of arch2vec's supervised scripts that this
// package does not copy by default (see the package documentation).
type Quirks struct {
	// EIPrecedence: supervised_dngo.py computes u = μ − 0.95/v instead of
	// (μ − 0.95)/v. The surrogate then reports the mean v·μ, so that
	// search's reference EI (u = (mean − τ)/v) evaluates μ − τ/v. Only
	// meaningful with search.EIReference.
	EIPrecedence bool
	// InitialState: supervised_reinforce.py encodes the random initial
	// cell at every step instead of the current cell; the policy then
	// always sees (and trains the GIN through) the initial cell.
	InitialState bool
}

// Reference learning rates.
const (
	lrSurrogate = 1e-2
	lrEncoder   = 1e-3
)

func (c Config) withDefaults(lr float64) Config {
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	def(&c.Hidden, 128)
	def(&c.Latent, 16)
	def(&c.Layers, 4)
	def(&c.Epochs, 100)
	def(&c.BatchSize, 10)
	def(&c.Workers, 2)
	if c.LR == 0 {
		c.LR = lr
	}
	return c
}

// validate reports a setting that cannot train (after defaults).
func (c Config) validate() error {
	if c.Hidden < 1 || c.Latent < 1 || c.Layers < 1 || c.Epochs < 1 || c.BatchSize < 1 || c.Workers < 1 {
		return fmt.Errorf("supervised: config: hidden %d, latent %d, layers %d, epochs %d, batch size %d, workers %d: want positive",
			c.Hidden, c.Latent, c.Layers, c.Epochs, c.BatchSize, c.Workers)
	}
	if !(c.LR > 0) || math.IsInf(c.LR, 0) {
		return fmt.Errorf("supervised: config: learning rate %v, want a finite value > 0", c.LR)
	}
	return nil
}
