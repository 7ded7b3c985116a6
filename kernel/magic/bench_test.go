package magic

import (
	"context"
	"sync"
	"testing"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/display/displaytest"
)

const benchCell = `# a typical cell
%pretrain --epochs 8 --lr=1e-3 --no-shuffle nasbench201
%pretrain --optimizer sgd -o "model one.json" nasbench101 a.json b.json   # more
%echo --to result "done: κλμ"
`

func BenchmarkCompileCell(b *testing.B) {
	m := testMux(new(*Call))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.compileCell(benchCell); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cells/s")
}

func BenchmarkComplete(b *testing.B) {
	m := testMux(new(*Call))
	code := benchCell + "%pretrain --optimizer "
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Complete(context.Background(), code, len([]rune(code))); err != nil {
			b.Fatal(err)
		}
	}
}

// TestConcurrentRequests runs completions, inspections and is_complete
// checks while cells execute, as the kernel core may (meaningful with -race).
func TestConcurrentRequests(t *testing.T) {
	m := testMux(new(*Call))
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 50 {
			req := &kernel.ExecuteRequest{Code: "%echo x\n%history -n 2", StoreHistory: true, ExecutionCount: i}
			if _, err := m.Execute(context.Background(), req, &displaytest.Recorder{}); err != nil {
				t.Error(err)
			}
		}
	})
	for range 50 {
		m.Complete(context.Background(), "%h", 2)
		m.Inspect(context.Background(), "%history", 3, 0)
		m.IsComplete("%history -n 1")
	}
	wg.Wait()
}
