package commands

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/magic"
)

// loadModelCommand returns %load_model.
func (w *Workspace) loadModelCommand() *magic.Command {
	return &magic.Command{
		Name:    "load_model",
		Summary: "Load a pretrained model from a %pretrain --save checkpoint",
		Doc: "Reads the network of a checkpoint written by %pretrain --save and makes it the workspace's " +
			"model, for %embed, without training. The checkpoint is checked (magic, version, checksum, " +
			"tensor shapes); a bad file leaves the workspace unchanged. Returns the model's " +
			"configuration (also as application/json).",
		Example: "%load_model nb101.ckpt",
		Args:    []magic.Arg{{Name: "path", Help: "checkpoint file", Complete: completeFiles}},
		Run:     w.runLoadModel,
	}
}

// runLoadModel runs %load_model.
func (w *Workspace) runLoadModel(ctx context.Context, call *magic.Call) error {
	path := call.String("path")
	if path == "" {
		return call.Usagef("path", "PATH needs a file name")
	}
	// A checkpoint is read whole: a device such as /dev/zero would never
	// end and exhaust memory.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("load_model: %s is not a regular file", path)
	}
	m, cfg, err := model.LoadModel(path)
	if err != nil {
		return fmt.Errorf("load_model: %w", err)
	}
	space := bench.Space101
	if cfg.Space == model.NASBench201 {
		space = bench.Space201
	}
	rows := [][]string{
		{"checkpoint", path},
		{"space", space.String()},
		{"latent dimension", strconv.Itoa(cfg.Latent)},
		{"hidden width", strconv.Itoa(cfg.Hidden)},
		{"GIN layers", strconv.Itoa(cfg.Layers)},
		{"epochs configured", strconv.Itoa(cfg.Epochs)},
		{"parameters", strconv.Itoa(m.NumParams())},
	}
	b, err := withJSON(display.Table([]string{"model", ""}, rows), map[string]any{"path": path, "config": cfg, "params": m.NumParams()})
	if err != nil {
		return fmt.Errorf("load_model: %w", err)
	}
	tr := &trained{space: space, result: &model.Result{Config: cfg, Model: m}, saved: path}
	w.commit(func(w *Workspace) { w.trained = tr })
	call.Result(b)
	return nil
}
