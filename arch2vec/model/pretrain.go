package model

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// Streams of the PCG generators derived from Config.Seed, one per use, so
// that each random sequence is independent of the others (changing
// ValiditySamples does not change training).
const (
	streamSplit    = 0x5eed_0001 // the two split permutations
	streamInit     = 0x5eed_0002 // weight initialisation
	streamTrain    = 0x5eed_0003 // dropout and reparameterisation noise
	streamValidity = 0x5eed_1000 // + epoch: validity draws of that epoch
)

// Hooks receive progress during pretraining. Both are optional and are
// called on the goroutine running the training; an error from either stops
// training after the batch or epoch it reports, and is returned wrapped.
type Hooks struct {
	// OnBatch is called after every optimiser step.
	OnBatch func(BatchStats) error
	// OnEpoch is called after every epoch, once its metrics are computed.
	OnEpoch func(EpochStats) error
}

// BatchStats describe one optimiser step.
type BatchStats struct {
	Epoch   int     // 0-based epoch
	Batch   int     // batches done in this epoch, 1..Batches
	Batches int     // batches per epoch
	Loss    float32 // loss of this batch
	// CellsPerSec is the training throughput since the start of this
	// Run call.
	CellsPerSec float64
}

// EpochStats summarise one epoch. Every field except Seconds and
// CellsPerSec is bit-identical for a given seed and dataset.
type EpochStats struct {
	// Epoch is the 0-based epoch number.
	Epoch int `json:"epoch"`
	// TrainMode reports whether the epoch ran in training mode (see [Mode]).
	TrainMode bool `json:"train_mode"`
	// Loss is the mean of the per-batch training losses.
	Loss float64 `json:"loss"`
	// HeldOut holds the reconstruction metrics on the held-out split,
	// computed after the epoch.
	HeldOut Recon `json:"held_out"`
	// Validity holds the validity and uniqueness of Config.ValiditySamples
	// latent draws (zero when ValiditySamples < 0).
	Validity Validity `json:"validity"`
	// ZMean and ZStd are the per-position (N×Latent) mean and unbiased
	// standard deviation of the epoch's training μ, the distribution of
	// the validity draws.
	ZMean []float32 `json:"z_mean"`
	ZStd  []float32 `json:"z_std"`
	// Seconds is the wall time spent on the epoch in this process.
	Seconds float64 `json:"seconds"`
	// CellsPerSec is the training throughput of the epoch.
	CellsPerSec float64 `json:"cells_per_sec"`
}

// Result is the outcome of pretraining.
type Result struct {
	// Config is the resolved configuration (every default filled in).
	Config Config
	// Model is the trained network. It is the [Trainer]'s own model: it
	// changes if that Trainer runs again.
	Model *VAE
	// History holds one entry per completed epoch.
	History []EpochStats
}

// Pretrain trains a GIN-VAE on data as the reference does
// (models/pretraining_nasbench101.py, arch2vec.md §2.5): the first
// int(0.9·Len) cells in dataset order form the training split, the rest
// the held-out split; each is permuted once by the seed and the same batch
// order is reused every epoch. Each batch is one forward/backward pass,
// global gradient clipping and an Adam step. After each epoch it computes
// the held-out [Recon] metrics and the [Validity] of latent draws.
//
// numpy's permutation stream cannot be reproduced in Go, so the
// permutation (and every other random draw) differs from the reference's;
// its structure (split, one fixed order, no reshuffle) is the same.
//
// It is NewTrainer followed by [Trainer.Run]. A config that is invalid or
// does not fit data gives a nil result and an error. On cancellation, a
// hook error or a non-finite loss it returns the result so far together
// with an error (wrapping context.Cause(ctx) on cancellation).
func Pretrain(ctx context.Context, cfg Config, data *Dataset, hooks Hooks) (*Result, error) {
	t, err := NewTrainer(cfg, data, hooks)
	if err != nil {
		return nil, err
	}
	return t.Run(ctx)
}

// Trainer is a pretraining run that can stop and continue: its state is
// the model, the optimiser, the random generator and the position in the
// current epoch. Training advances one batch at a time, so a stop (a
// cancelled context, a hook error) always leaves the state of the last
// complete batch, and a later Run continues from exactly there with the
// same numbers as an uninterrupted run. [Trainer.Save] writes that state
// to a checkpoint and [LoadTrainer] restores it.
//
// A Trainer is not safe for concurrent use.
type Trainer struct {
	cfg   Config // resolved
	data  *Dataset
	hooks Hooks
	model *VAE
	opt   nn.Adam
	pcg   *rand.PCG
	rng   *rand.Rand
	train []int // permuted training indices
	held  []int // permuted held-out indices

	epoch   int         // current epoch (0-based)
	batch   int         // batches done in the current epoch
	lossSum float64     // sum of the batch losses of the current epoch
	z       latentStats // training μ statistics of the current epoch
	history []EpochStats

	seconds float64 // time spent on the current epoch so far
	dataSum string  // data.Sum(), computed on the first Save
	reps    *replicas
	b       Batch
}

// NewTrainer prepares a pretraining run: it checks cfg against data,
// splits and permutes the cells, and initialises the model (PyTorch's
// default initialisation, from the seed). data must not change while the
// Trainer uses it.
func NewTrainer(cfg Config, data *Dataset, hooks Hooks) (*Trainer, error) {
	t, err := newTrainer(cfg, data, hooks)
	if err != nil {
		return nil, err
	}
	t.model = NewVAE(vaeConfig(t.cfg), rand.New(rand.NewPCG(t.cfg.Seed, streamInit)))
	return t, nil
}

// newTrainer builds everything but the model.
func newTrainer(cfg Config, data *Dataset, hooks Hooks) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := cfg.Resolved()
	if data.Space != c.Space || data.C != c.InputDim {
		return nil, fmt.Errorf("model: pretrain: dataset of %v (%d classes) for a %v model (%d classes)", data.Space, data.C, c.Space, c.InputDim)
	}
	nTrain := int(0.9 * float64(data.Len)) // Python int(0.9*N)
	if nTrain < 2 || data.Len-nTrain < 1 {
		return nil, fmt.Errorf("model: pretrain: %d cells, need at least 3 (2 to train, 1 held out)", data.Len)
	}
	perm := rand.New(rand.NewPCG(c.Seed, streamSplit))
	t := &Trainer{cfg: c, data: data, hooks: hooks, opt: nn.Adam{LR: c.LR}}
	t.train = perm.Perm(nTrain)
	t.held = perm.Perm(data.Len - nTrain)
	for i := range t.held {
		t.held[i] += nTrain
	}
	t.pcg = rand.NewPCG(c.Seed, streamTrain)
	t.rng = rand.New(t.pcg)
	return t, nil
}

// vaeConfig maps the training configuration to the network's.
func vaeConfig(c Config) VAEConfig {
	return VAEConfig{InputDim: c.InputDim, HiddenDim: c.Hidden, LatentDim: c.Latent, Layers: c.Layers, Dropout: c.dropout()}
}

// Config returns the resolved configuration.
func (t *Trainer) Config() Config { return t.cfg }

// SetHooks replaces the hooks, e.g. to report a continued run to a new
// progress display.
func (t *Trainer) SetHooks(h Hooks) { t.hooks = h }

// Model returns the model being trained. It changes while the Trainer runs.
func (t *Trainer) Model() *VAE { return t.model }

// Epoch returns the number of completed epochs.
func (t *Trainer) Epoch() int { return len(t.history) }

// History returns the statistics of the completed epochs (a copy).
func (t *Trainer) History() []EpochStats { return append([]EpochStats(nil), t.history...) }

// Run trains until Config.Epochs epochs are complete; see [Trainer.RunTo].
func (t *Trainer) Run(ctx context.Context) (*Result, error) { return t.RunTo(ctx, t.cfg.Epochs) }

// RunTo trains until epochs epochs are complete (it may go beyond
// Config.Epochs, to train further) and returns the result. ctx is checked
// before every batch and between evaluation chunks: a stop happens within
// one batch and leaves the state of the last complete batch, from which a
// later Run or RunTo continues. On cancellation it returns the result so
// far and an error wrapping context.Cause(ctx); a hook error is returned
// wrapped the same way. A NaN or infinite loss is an error too: no update
// is applied for that batch, but in training mode the BatchNorm running
// statistics may already hold non-finite values, so such a model should be
// discarded.
func (t *Trainer) RunTo(ctx context.Context, epochs int) (*Result, error) {
	rate := throughput{start: time.Now()}
	for t.epoch < epochs {
		trainMode := t.cfg.Mode == ModeStandard || t.epoch == 0
		start := time.Now()
		cells, err := t.trainEpoch(ctx, trainMode, &rate)
		trainSecs := time.Since(start).Seconds()
		var st EpochStats
		if err == nil {
			st, err = t.finishEpoch(ctx, trainMode)
		}
		t.seconds += time.Since(start).Seconds()
		if err != nil {
			return t.result(), err
		}
		st.Seconds = t.seconds
		if trainSecs > 0 {
			st.CellsPerSec = float64(cells) / trainSecs
		}
		t.history = append(t.history, st)
		t.epoch++
		t.batch, t.lossSum, t.z, t.seconds = 0, 0, latentStats{}, 0
		if t.hooks.OnEpoch != nil {
			if err := t.hooks.OnEpoch(st); err != nil {
				return t.result(), fmt.Errorf("model: pretrain: after epoch %d: hook: %w", st.Epoch, err)
			}
		}
	}
	return t.result(), nil
}

// throughput counts the cells trained since start, for BatchStats.
type throughput struct {
	start time.Time
	cells int
}

// batches is the number of batches per epoch (the last may be partial).
func (t *Trainer) batches() int { return (len(t.train) + t.cfg.Batch - 1) / t.cfg.Batch }

// trainEpoch runs the remaining batches of the current epoch and returns
// the number of cells it trained. Each batch is a forward/backward pass,
// clipping and an Adam step; the state is consistent between batches.
func (t *Trainer) trainEpoch(ctx context.Context, trainMode bool, rate *throughput) (int, error) {
	bs, nb := t.cfg.Batch, t.batches()
	cells := 0
	for t.batch < nb {
		if ctx.Err() != nil {
			return cells, fmt.Errorf("model: pretrain: stopped in epoch %d after batch %d of %d: %w", t.epoch, t.batch, nb, context.Cause(ctx))
		}
		idx := t.train[t.batch*bs : min((t.batch+1)*bs, len(t.train))]
		loss, err := t.step(idx, trainMode)
		if err != nil {
			return cells, fmt.Errorf("model: pretrain: epoch %d batch %d: %w", t.epoch, t.batch, err)
		}
		t.lossSum += float64(loss)
		t.batch++
		cells += len(idx)
		rate.cells += len(idx)
		if t.hooks.OnBatch != nil {
			err := t.hooks.OnBatch(BatchStats{Epoch: t.epoch, Batch: t.batch, Batches: nb, Loss: loss,
				CellsPerSec: float64(rate.cells) / time.Since(rate.start).Seconds()})
			if err != nil {
				return cells, fmt.Errorf("model: pretrain: epoch %d batch %d: hook: %w", t.epoch, t.batch, err)
			}
		}
	}
	return cells, nil
}

// step trains on the cells idx: forward and backward pass, clipping, an
// Adam step, and the μ statistics. It does not allocate once the buffers
// have grown to the batch size. A non-finite loss is an error, returned
// before any update.
func (t *Trainer) step(idx []int, trainMode bool) (float32, error) {
	t.data.gather(&t.b, idx)
	loss := t.model.Step(&t.b, trainMode, t.rng)
	if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
		return loss, fmt.Errorf("loss is %v", loss)
	}
	params := t.model.Params()
	if t.cfg.Clip > 0 {
		nn.ClipGradNorm(params, float32(t.cfg.Clip))
	}
	t.opt.Step(params)
	mu, _, _, _ := t.model.Outputs()
	width := t.data.N * t.cfg.Latent
	t.z.add(mu[:len(idx)*width], len(idx), width)
	return loss, nil
}

// finishEpoch computes the held-out metrics and the validity of the epoch
// that has just finished its batches. It changes no training state, so a
// stop here is retried by the next Run.
func (t *Trainer) finishEpoch(ctx context.Context, trainMode bool) (EpochStats, error) {
	if t.reps == nil {
		t.reps = newReplicas(t.model, t.cfg.Workers)
	} else {
		t.reps.sync(t.model)
	}
	st := EpochStats{Epoch: t.epoch, TrainMode: trainMode, Loss: t.lossSum / float64(t.batches())}
	var err error
	if st.HeldOut, err = evaluate(ctx, t.reps, t.data, t.held); err != nil {
		return st, fmt.Errorf("model: pretrain: epoch %d held-out metrics: %w", t.epoch, err)
	}
	st.ZMean, st.ZStd = t.z.meanStd()
	if t.cfg.ValiditySamples > 0 {
		rng := rand.New(rand.NewPCG(t.cfg.Seed, streamValidity+uint64(t.epoch)))
		if st.Validity, err = sampleValidity(ctx, t.reps, t.cfg.Space, st.ZMean, st.ZStd, t.cfg.ValiditySamples, rng); err != nil {
			return st, fmt.Errorf("model: pretrain: epoch %d validity: %w", t.epoch, err)
		}
	}
	return st, nil
}

// result returns the current state as a Result.
func (t *Trainer) result() *Result {
	return &Result{Config: t.cfg, Model: t.model, History: t.History()}
}
