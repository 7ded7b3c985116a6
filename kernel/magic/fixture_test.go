package magic

import (
	"context"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/display/displaytest"
)

// pretrainCmd is a command with every kind of flag and argument, standing
// in for the arch2vec commands. Its Run stores the Call in *got.
func pretrainCmd(got **Call) *Command {
	return &Command{
		Name:    "pretrain",
		Summary: "Train the GIN-VAE on a cell set",
		Doc:     "Trains the autoencoder on the loaded cells.\n\nThe model replaces the current one only when training ends.",
		Example: "%pretrain --epochs 2 nasbench201",
		Args: []Arg{
			{Name: "cells", Help: "the cell set", Kind: Enum, Values: []string{"nasbench101", "nasbench201"}},
			{Name: "files", Help: "extra data files", Variadic: true, Optional: true,
				Complete: func(prefix string) []string { return []string{"a file.json", "b.json"} }},
		},
		Flags: []Flag{
			{Name: "epochs", Kind: Int, Default: "8", Help: "training epochs"},
			{Name: "lr", Kind: Float, Default: "1e-3", Help: "learning rate"},
			{Name: "shuffle", Kind: Bool, Default: "true", Help: "shuffle the batches"},
			{Name: "timeout", Kind: Duration, Default: "30s", Help: "give up after this long"},
			{Name: "optimizer", Kind: Enum, Values: []string{"adam", "sgd"}, Default: "adam", Help: "the optimiser"},
			{Name: "out", Short: "o", Meta: "FILE", Help: "write the model to FILE"},
		},
		Run: func(ctx context.Context, call *Call) error {
			*got = call
			if call.Float("lr") > 1 {
				return call.Usagef("lr", "learning rate %g is too large", call.Float("lr"))
			}
			call.Result(display.Text("trained " + call.String("cells")))
			return nil
		},
	}
}

// testMux returns a Mux with the built-ins and pretrainCmd.
func testMux(got **Call) *Mux {
	m := NewMux(kernel.Info{Implementation: "test"})
	m.Handle(pretrainCmd(got))
	return m
}

// run executes code as a stored cell with execution count 1.
func run(t *testing.T, m *Mux, code string) (*kernel.ExecuteResult, *displaytest.Recorder, error) {
	t.Helper()
	rec := &displaytest.Recorder{}
	res, err := m.Execute(context.Background(), &kernel.ExecuteRequest{Code: code, StoreHistory: true, ExecutionCount: 1}, rec)
	return res, rec, err
}

func plain(b any) string {
	switch b := b.(type) {
	case map[string]any:
		return b["text/plain"].(string)
	}
	return ""
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
