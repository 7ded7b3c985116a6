package model

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Space is the search space a model is trained on. It fixes the graph size
// and the width of the operation one-hot: 7 nodes × 5 classes for
// NAS-Bench-101, 8 nodes × 7 classes for NAS-Bench-201 (arch2vec.md §1).
// The zero value is NASBench101.
type Space uint8

// The search spaces.
const (
	NASBench101 Space = iota // "nasbench101": 7×7 adjacency, 5 operation classes
	NASBench201              // "nasbench201": 8×8 adjacency, 7 operation classes
)

// String returns "nasbench101" or "nasbench201".
func (s Space) String() string {
	switch s {
	case NASBench101:
		return "nasbench101"
	case NASBench201:
		return "nasbench201"
	}
	return fmt.Sprintf("Space(%d)", uint8(s))
}

// ParseSpace parses a space name: "nasbench101" (or "nb101", "101") or
// "nasbench201" ("nb201", "201"), case-insensitively.
func ParseSpace(name string) (Space, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "nasbench101", "nasbench-101", "nb101", "101":
		return NASBench101, nil
	case "nasbench201", "nasbench-201", "nb201", "201":
		return NASBench201, nil
	}
	return 0, fmt.Errorf("model: unknown space %q (want nasbench101 or nasbench201)", name)
}

// MarshalText encodes s by name, so a [Config] serialises readably.
func (s Space) MarshalText() ([]byte, error) {
	if s > NASBench201 {
		return nil, fmt.Errorf("model: invalid space %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText parses a name written by [Space.MarshalText].
func (s *Space) UnmarshalText(b []byte) error {
	v, err := ParseSpace(string(b))
	*s = v
	return err
}

// nodes and classes return the padded graph size and one-hot width.
func (s Space) nodes() int {
	if s == NASBench201 {
		return 8
	}
	return 7
}

func (s Space) classes() int {
	if s == NASBench201 {
		return 7
	}
	return 5
}

// Mode selects when the network runs in training mode during pretraining.
// The zero value is ModeReference.
type Mode uint8

const (
	// ModeReference reproduces the reference code (arch2vec.md §2.5): the
	// model is in training mode for epoch 0 only. From epoch 1 on it stays
	// in evaluation mode, because the reference calls model.eval() after
	// each epoch and never model.train() again: BatchNorm then normalises
	// with the running statistics frozen at the end of epoch 0 (its γ, β
	// still learn), decoder dropout is off, and the encoder's
	// reparameterisation returns μ, so epochs 1.. train a deterministic
	// autoencoder. This is what the published embeddings come from.
	ModeReference Mode = iota
	// ModeStandard trains in training mode every epoch (batch statistics,
	// dropout and sampling z = μ + ε·exp(logvar) throughout), as the paper
	// describes a VAE. It is a deliberate deviation from the reference.
	ModeStandard
)

// String returns "reference" or "standard".
func (m Mode) String() string {
	switch m {
	case ModeReference:
		return "reference"
	case ModeStandard:
		return "standard"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ParseMode parses "reference" or "standard", case-insensitively.
func ParseMode(name string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "reference", "ref":
		return ModeReference, nil
	case "standard", "std":
		return ModeStandard, nil
	}
	return 0, fmt.Errorf("model: unknown mode %q (want reference or standard)", name)
}

// MarshalText encodes m by name.
func (m Mode) MarshalText() ([]byte, error) {
	if m > ModeStandard {
		return nil, fmt.Errorf("model: invalid mode %d", uint8(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText parses a name written by [Mode.MarshalText].
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	*m = v
	return err
}

// Config holds the pretraining settings. Its zero value is the reference
// configuration (models/pretraining_nasbench101.py and
// pretraining_nasbench201.py with cfg 4, arch2vec.md §2): every field whose
// value is zero takes the default written in its comment. Functions that
// take a Config read it and never write defaults back into it; see
// [Config.Resolved] for the effective values.
type Config struct {
	// Space is the search space of the cells. Default NASBench101.
	Space Space `json:"space"`
	// InputDim is the width of the operation one-hot. Default by space:
	// 5 (NB101), 7 (NB201). It must match the dataset.
	InputDim int `json:"input_dim,omitempty"`
	// Hidden is the width of the GIN layers. Default 128.
	Hidden int `json:"hidden,omitempty"`
	// Latent is the per-node latent dimension. Default 16.
	Latent int `json:"latent,omitempty"`
	// Layers is the number of GIN message-passing layers (the reference's
	// num_hops − 1). Default 4.
	Layers int `json:"layers,omitempty"`
	// Dropout is the decoder's dropout probability on z in training mode.
	// Default 0.3; a negative value means no dropout.
	Dropout float64 `json:"dropout,omitempty"`
	// LR is Adam's learning rate (betas 0.9, 0.999, eps 1e-8, no weight
	// decay, no schedule). Default 1e-3.
	LR float64 `json:"lr,omitempty"`
	// Batch is the minibatch size in cells. Default 32. The last batch of
	// an epoch may be smaller (it is kept, as a PyTorch slice keeps it).
	Batch int `json:"batch,omitempty"`
	// Epochs is the number of passes over the training split. Default by
	// space: 8 (NB101), 10 (NB201).
	Epochs int `json:"epochs,omitempty"`
	// Clip is the maximum global L2 norm of the gradient
	// (clip_grad_norm_). Default 5; a negative value disables clipping.
	Clip float64 `json:"clip,omitempty"`
	// Seed seeds every random choice (split permutation, initialisation,
	// dropout and sampling noise, validity draws). Default by space, the
	// reference's: 1 (NB101), 3 (NB201). Seed 0 therefore cannot be chosen.
	Seed uint64 `json:"seed,omitempty"`
	// Mode selects training or evaluation mode per epoch. Default
	// ModeReference (training mode in epoch 0 only; see [Mode]).
	Mode Mode `json:"mode"`
	// ValiditySamples is the number of latent draws for the per-epoch
	// validity and uniqueness (arch2vec.md §3.2). Default 10,000; a
	// negative value skips the measurement.
	ValiditySamples int `json:"validity_samples,omitempty"`
	// Workers is the number of goroutines of the per-epoch evaluation and
	// validity passes, each with its own copy of the network. Default 2, at
	// most 64. Results do not depend on it.
	Workers int `json:"workers,omitempty"`
}

// Upper bounds of the sizes in a Config, far above any sensible setting,
// so that a mistyped flag gives an error rather than exhausting memory.
const (
	maxWorkers = 64
	maxHidden  = 4096
	maxLatent  = 1024
	maxLayers  = 32
	maxBatch   = 1 << 16
)

// Resolved returns a copy of c with every zero field replaced by its
// default. It does not modify c.
func (c Config) Resolved() Config {
	r := c
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	def(&r.InputDim, r.Space.classes())
	def(&r.Hidden, 128)
	def(&r.Latent, 16)
	def(&r.Layers, 4)
	def(&r.Batch, 32)
	def(&r.ValiditySamples, 10000)
	def(&r.Workers, 2)
	if r.Space == NASBench201 {
		def(&r.Epochs, 10)
	} else {
		def(&r.Epochs, 8)
	}
	if r.Dropout == 0 {
		r.Dropout = 0.3
	}
	if r.LR == 0 {
		r.LR = 1e-3
	}
	if r.Clip == 0 {
		r.Clip = 5
	}
	if r.Seed == 0 {
		r.Seed = 1
		if r.Space == NASBench201 {
			r.Seed = 3
		}
	}
	return r
}

// Validate reports a setting that cannot be used, naming the field. Sizes
// are bounded: Hidden ≤ 4096, Latent ≤ 1024, Layers ≤ 32, Batch ≤ 65,536,
// Workers ≤ 64.
func (c Config) Validate() error {
	r := c.Resolved()
	switch {
	case r.Space > NASBench201:
		return fmt.Errorf("model: config: invalid space %d", uint8(r.Space))
	case r.Mode > ModeStandard:
		return fmt.Errorf("model: config: invalid mode %d", uint8(r.Mode))
	case r.InputDim < 0, r.Hidden < 0, r.Latent < 0, r.Layers < 0, r.Batch < 0, r.Epochs < 0, r.Workers < 0:
		return fmt.Errorf("model: config: negative size in %s", r)
	case r.Workers > maxWorkers:
		return fmt.Errorf("model: config: %d workers, at most %d", r.Workers, maxWorkers)
	case r.Hidden > maxHidden, r.Latent > maxLatent, r.Layers > maxLayers, r.Batch > maxBatch:
		return fmt.Errorf("model: config: hidden %d, latent %d, layers %d, batch %d: at most %d, %d, %d, %d",
			r.Hidden, r.Latent, r.Layers, r.Batch, maxHidden, maxLatent, maxLayers, maxBatch)
	case r.InputDim != r.Space.classes():
		return fmt.Errorf("model: config: input_dim %d does not match %v (%d operation classes)", r.InputDim, r.Space, r.Space.classes())
	case r.Dropout >= 1:
		return fmt.Errorf("model: config: dropout %g, want < 1", r.Dropout)
	case r.LR < 0:
		return fmt.Errorf("model: config: negative learning rate %g", r.LR)
	}
	return nil
}

// String formats c as JSON, the form saved with checkpoints and results.
func (c Config) String() string {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Sprintf("%#v", c)
	}
	return string(b)
}

// dropout returns the resolved dropout probability (negative means none).
func (c Config) dropout() float32 {
	if c.Dropout < 0 {
		return 0
	}
	return float32(c.Dropout)
}
