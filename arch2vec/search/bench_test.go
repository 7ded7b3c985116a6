package search

import (
	"context"
	"testing"
)

// BenchmarkBONB201 is one BO run on an NB201-sized table (15,625×16) with
// NB201-like query times (100–250 s) at the CIFAR-10 budget of 12,000 s.
func BenchmarkBONB201(b *testing.B) {
	t := synthTable(15625, 16, 1, 100, 250)
	m := BO{Budget: Budget{Seconds: 12000}, TopK: 1, Target: 1.0}
	b.ReportAllocs()
	queries := 0
	cpu0 := cpuSeconds()
	for i := 0; b.Loop(); i++ {
		tr, err := m.Run(context.Background(), t, uint64(i+1), nil)
		if err != nil {
			b.Fatal(err)
		}
		queries += len(tr.Queries)
	}
	b.ReportMetric(float64(queries)/float64(b.N), "queries/run")
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// BenchmarkRLNB101Step is one REINFORCE query (policy step, action,
// nearest unvisited neighbour) on an NB101-sized table (423,624×16).
func BenchmarkRLNB101Step(b *testing.B) {
	t := synthTable(423624, 16, 1, 1000, 3000)
	env := newRLEnv(t, newRand(1, 1), RLQuirks{})
	a := make([]float32, 16)
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	for i := 0; b.Loop(); i++ {
		a[i%16] += 0.01
		if env.step(a) < 0 {
			b.Fatal("table exhausted")
		}
	}
	b.ReportMetric(float64(t.Len())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric((cpuSeconds()-cpu0)*1e3/float64(b.N), "cpu-ms/op")
}

// BenchmarkRLNB101Query is the whole REINFORCE method on an NB101-sized
// table: 64 queries per run (four policy updates), reported per query.
func BenchmarkRLNB101Query(b *testing.B) {
	t := synthTable(423624, 16, 1, 1000, 3000)
	m := Reinforce{Budget: Budget{Queries: 64}}
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	for i := 0; b.Loop(); i++ {
		if _, err := m.Run(context.Background(), t, uint64(i+1), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(64*b.N), "ms/query")
	b.ReportMetric((cpuSeconds()-cpu0)*1e3/float64(64*b.N), "cpu-ms/query")
}
