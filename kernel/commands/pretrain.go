package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/plot"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/magic"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// pretrainCommand returns %pretrain.
func (w *Workspace) pretrainCommand() *magic.Command {
	return &magic.Command{
		Name:    "pretrain",
		Summary: "Train the arch2vec GIN variational autoencoder on the loaded cells",
		Doc: "Pretrains arch2vec's GIN-VAE on the loaded cells as the reference code does: the first 90% " +
			"of the cells (in load order) train, the rest are held out. A progress bar shows the epoch, " +
			"batch, loss, throughput and time left; after each epoch a metrics row is added " +
			"(held-out reconstruction accuracy of operations and edges, exact reconstructions, and " +
			"the validity and uniqueness of --validity decoded latent draws). At the end the loss " +
			"curve is drawn and the metrics table returned (also as application/json).\n\n" +
			"--mode reference reproduces the published code (training mode in epoch 0 only); " +
			"standard trains as a VAE in every epoch. Zero --epochs or --seed take the reference " +
			"values of the space (8 and 1 for nasbench101, 10 and 3 for nasbench201).\n\n" +
			"The model replaces the workspace's only when training completes (and --save succeeds): " +
			"an interrupt keeps the previous one.",
		Example: "%pretrain --epochs 8 --save nb101.ckpt\n%pretrain --epochs 1 --validity 0",
		Flags: []magic.Flag{
			{Name: "epochs", Kind: magic.Int, Default: "0", Help: "passes over the training split (0: space default)"},
			{Name: "batch", Kind: magic.Int, Default: "32", Help: "minibatch size in cells"},
			{Name: "lr", Kind: magic.Float, Default: "1e-3", Help: "Adam learning rate"},
			{Name: "latent", Kind: magic.Int, Default: "16", Help: "latent dimension per node"},
			{Name: "mode", Kind: magic.Enum, Values: []string{"reference", "standard"}, Default: "reference", Help: "training-mode schedule"},
			{Name: "seed", Kind: magic.Int, Default: "0", Help: "random seed (0: space default)"},
			{Name: "validity", Kind: magic.Int, Default: "10000", Help: "latent draws per epoch for validity (0: skip)"},
			{Name: "save", Kind: magic.String, Meta: "FILE", Help: "write a checkpoint here at the end", Complete: completeFiles},
		},
		Run: w.runPretrain,
	}
}

// maxValidity bounds --validity: the decoded draws of an epoch are held in
// memory together.
const maxValidity = 1_000_000

// pretrainConfig builds the model configuration from the flags.
func pretrainConfig(call *magic.Call, cs *cellSet) (model.Config, error) {
	checks := []struct {
		name string
		ok   bool
		msg  string
	}{
		{"epochs", call.Int("epochs") >= 0, "--epochs must be ≥ 0"},
		{"batch", call.Int("batch") >= 1, "--batch must be ≥ 1"},
		{"lr", call.Float("lr") > 0, "--lr must be > 0"},
		{"latent", call.Int("latent") >= 1, "--latent must be ≥ 1"},
		{"seed", call.Int("seed") >= 0, "--seed must be ≥ 0"},
		{"validity", call.Int("validity") >= 0 && call.Int("validity") <= maxValidity,
			fmt.Sprintf("--validity must be between 0 and %d", maxValidity)},
		{"save", !call.IsSet("save") || call.String("save") != "", "--save needs a file name"},
	}
	for _, c := range checks {
		if !c.ok {
			return model.Config{}, call.Usagef(c.name, "%s", c.msg)
		}
	}
	mode, _ := model.ParseMode(call.String("mode"))
	validity := call.Int("validity")
	if validity == 0 {
		validity = -1
	}
	cfg := model.Config{
		Space: cs.modelSpace(), Epochs: call.Int("epochs"), Batch: call.Int("batch"), LR: call.Float("lr"),
		Latent: call.Int("latent"), Mode: mode, Seed: uint64(call.Int("seed")), ValiditySamples: validity,
	}
	if err := cfg.Validate(); err != nil {
		return model.Config{}, fmt.Errorf("pretrain: %w", err)
	}
	return cfg, nil
}

// runPretrain runs %pretrain.
func (w *Workspace) runPretrain(ctx context.Context, call *magic.Call) error {
	cs, err := w.snapshot().needCells("pretrain")
	if err != nil {
		return err
	}
	cfg, err := pretrainConfig(call, cs)
	if err != nil {
		return err
	}
	if cs.len() < 3 {
		return fmt.Errorf("pretrain: %d cells loaded: need at least 3 (2 to train, 1 held out)", cs.len())
	}
	data, err := cs.encoded()
	if err != nil {
		return fmt.Errorf("pretrain: %w", err)
	}
	cfg.Epochs = w.capped(call, "epochs", cfg.Epochs, cfg.Resolved().Epochs, func(q *Quick) int { return q.Epochs })
	if cfg.ValiditySamples > 0 {
		cfg.ValiditySamples = w.capped(call, "validity samples", cfg.ValiditySamples, 0, func(q *Quick) int { return q.Validity })
	}
	epochs := cfg.Resolved().Epochs
	p := call.Progress(display.ProgressConfig{Label: "pretrain", Unit: "batch"})
	_ = p.Start()
	mt := &metricsTable{out: call, id: p.ID() + "-metrics"}
	var losses []float64
	var last model.BatchStats
	hooks := model.Hooks{
		OnBatch: func(b model.BatchStats) error {
			if len(losses) == 0 {
				_ = p.SetTotal(int64(epochs * b.Batches))
			}
			last = b
			losses = append(losses, float64(b.Loss))
			_ = p.SetStatus(fmt.Sprintf("epoch %d/%d · batch %d/%d · loss %.4f · %.0f cells/s",
				b.Epoch+1, epochs, b.Batch, b.Batches, b.Loss, b.CellsPerSec))
			_ = p.Set(int64(b.Epoch*b.Batches + b.Batch))
			return nil // a failed display update must not stop training
		},
		OnEpoch: mt.add,
	}
	t, err := model.NewTrainer(cfg, data, hooks)
	if err != nil {
		_ = p.Finish("failed")
		return fmt.Errorf("pretrain: %w", err)
	}
	res, err := t.Run(ctx)
	if err != nil {
		_ = p.Finish("stopped")
		if ctx.Err() != nil {
			return interrupted("pretrain", err, fmt.Sprintf("at epoch %d, batch %d", last.Epoch+1, last.Batch))
		}
		return fmt.Errorf("pretrain: %w", err)
	}
	_ = p.Finish(fmt.Sprintf("done · final loss %.4f", res.History[len(res.History)-1].Loss))
	tr := &trained{space: cs.space, cells: cs, result: res, batches: losses}
	if path := call.String("save"); path != "" {
		if err := t.Save(path); err != nil {
			return fmt.Errorf("pretrain: the model is not kept: %w", err)
		}
		tr.saved = path
	}
	curve, err := lossFigure(tr)
	if err != nil {
		return fmt.Errorf("pretrain: %w", err)
	}
	result, err := withJSON(mt.bundle(), historyJSON(res))
	if err != nil {
		return fmt.Errorf("pretrain: %w", err)
	}
	w.commit(func(w *Workspace) { w.trained = tr })
	if err := call.Display(curve); err != nil {
		return err
	}
	call.Result(result)
	return nil
}

// metricsTable is the per-epoch metrics display of %pretrain, updated in
// place after each epoch.
type metricsTable struct {
	out  *magic.Call
	id   string
	rows [][]string
}

// metricsHeader are the columns of the metrics table.
var metricsHeader = []string{"epoch", "mode", "loss", "ops acc %", "adj acc %", "exact %", "valid %", "unique %", "s", "cells/s"}

// add appends the row of epoch e and shows the table. Display errors are
// ignored: they must not stop training.
func (m *metricsTable) add(e model.EpochStats) error {
	mode := "eval"
	if e.TrainMode {
		mode = "train"
	}
	m.rows = append(m.rows, []string{
		strconv.Itoa(e.Epoch + 1), mode, fmt.Sprintf("%.4f", e.Loss),
		pct(e.HeldOut.AccOps), pct(e.HeldOut.AccAdj), pct(e.HeldOut.Exact),
		pct(e.Validity.Validity), pct(e.Validity.Uniqueness),
		fmt.Sprintf("%.1f", e.Seconds), fmt.Sprintf("%.0f", e.CellsPerSec),
	})
	if len(m.rows) == 1 {
		_ = m.out.Out.Display(m.bundle(), m.id)
	} else {
		_ = m.out.Out.UpdateDisplay(m.bundle(), m.id)
	}
	return nil
}

// bundle returns the table so far.
func (m *metricsTable) bundle() wire.MIMEBundle { return display.Table(metricsHeader, m.rows) }

// historyJSON returns the pretraining metrics for application/json.
func historyJSON(res *model.Result) map[string]any {
	var epochs []map[string]any
	for _, e := range res.History {
		epochs = append(epochs, map[string]any{
			"epoch": e.Epoch + 1, "train_mode": e.TrainMode, "loss": num(e.Loss),
			"held_out": e.HeldOut, "validity": e.Validity, "seconds": e.Seconds, "cells_per_sec": e.CellsPerSec,
		})
	}
	return map[string]any{"config": res.Config, "epochs": epochs, "params": res.Model.NumParams()}
}

// maxCurvePoints bounds the points of the per-batch loss curve.
const maxCurvePoints = 2000

// lossFigure draws the per-batch losses and the per-epoch means.
func lossFigure(tr *trained) (wire.MIMEBundle, error) {
	h := tr.result.History
	if len(h) == 0 || len(tr.batches) == 0 {
		return wire.MIMEBundle{}, errors.New("no epoch completed")
	}
	// At most maxCurvePoints points: each the mean of a run of
	// consecutive batches (NB101 has 95,320 batches; their SVG would be
	// over a megabyte).
	per := float64(len(tr.batches)) / float64(len(h))
	step := (len(tr.batches) + maxCurvePoints - 1) / maxCurvePoints
	var bx, by []float64
	for lo := 0; lo < len(tr.batches); lo += step {
		hi := min(lo+step, len(tr.batches))
		s := 0.0
		for _, v := range tr.batches[lo:hi] {
			s += v
		}
		bx = append(bx, float64(hi)/per)
		by = append(by, s/float64(hi-lo))
	}
	label := "batch"
	if step > 1 {
		label = fmt.Sprintf("mean of %d batches", step)
	}
	ex, ey := make([]float64, len(h)), make([]float64, len(h))
	for i, e := range h {
		ex[i], ey[i] = float64(e.Epoch+1), e.Loss
	}
	f, err := plot.LossCurve(fmt.Sprintf("arch2vec pretraining on %d %s cells", tr.cells.len(), tr.space),
		plot.Series{Label: label, X: bx, Y: by},
		plot.Series{Label: "epoch mean", X: ex, Y: ey, Points: true})
	if err != nil {
		return wire.MIMEBundle{}, err
	}
	return figureBundle(f, fmt.Sprintf("<loss curve: %d epochs, final loss %.4f>", len(h), h[len(h)-1].Loss))
}
