package kernel_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/kerneltest"
)

// TestConformanceMemory runs the shared conformance table over the
// in-memory transport.
func TestConformanceMemory(t *testing.T) {
	kerneltest.RunConformance(t, kerneltest.StartMemory)
}

// BenchmarkExecuteRoundTripMemory measures the core alone: a trivial
// execute through the in-memory transport (frames encoded, signed and
// verified both ways), until reply and idle are in.
func BenchmarkExecuteRoundTripMemory(b *testing.B) {
	conn, _ := kerneltest.StartMemory(b, kernel.Options{Logger: slog.New(slog.DiscardHandler)})
	ctx := context.Background()
	c := kerneltest.NewClient(conn)
	if err := c.WaitReady(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t0 := time.Now()
		ex, err := c.Execute(ctx, "echo x", nil)
		if err != nil || ex.Content()["status"] != "ok" {
			b.Fatalf("%v %v", ex, err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*95/100].Nanoseconds()), "p95-ns")
}
