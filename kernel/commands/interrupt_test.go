package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/kerneltest"
	"github.com/arch2vec/arch2vec/kernel/magic"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// TestInterruptPretrainThroughKernel drives the real commands through the
// protocol core: an interrupt_request during %pretrain must end the cell
// with KeyboardInterrupt within a second, the kernel must answer the next
// cell, and the workspace must hold its last complete state (no model).
func TestInterruptPretrainThroughKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("pretrains for a few seconds")
	}
	mux := magic.NewMux(kernel.Info{Implementation: "arch2vec-test", Language: kernel.LanguageInfo{Name: "arch2vec"}})
	Register(mux)
	tr := kerneltest.NewTransport([]byte("key"), nil)
	k := kernel.New(mux, tr, kernel.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- k.Serve(ctx) }()
	defer func() { cancel(); <-served; tr.Close() }()
	c := kerneltest.NewClient(tr.Conn())

	if ex, err := c.Execute(ctx, "%load_cells nasbench201 --limit 3000", nil); err != nil || ex.Content()["status"] != "ok" {
		t.Fatalf("load_cells: %v %v", err, ex.Content())
	}
	req, err := c.Start(kernel.Shell, wire.ExecuteRequest, kerneltest.ExecuteContent("%pretrain --epochs 200 --validity 0", nil))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // well inside the first epochs
	t0 := time.Now()
	if ex, err := c.Do(ctx, kernel.Control, wire.InterruptRequest, map[string]any{}); err != nil || ex.Content()["status"] != "ok" {
		t.Fatalf("interrupt: %v", err)
	}
	run, err := c.Wait(ctx, req, true)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > time.Second {
		t.Errorf("pretrain stopped %v after the interrupt, want < 1s", d)
	}
	if got := run.Content(); got["status"] != "error" || got["ename"] != "KeyboardInterrupt" {
		t.Errorf("interrupted %%pretrain replied %v, want a KeyboardInterrupt error", got)
	}
	next, err := c.Execute(ctx, "%embed --plot none", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The interrupted run never became the workspace's model.
	if got := next.Content(); got["status"] != "error" || !strings.Contains(fmt.Sprint(got["evalue"]), "pretrain") {
		t.Errorf("after the interrupt, %%embed replied %v, want the no-model error", got)
	}
}
