package analysis

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the CPU time the process has used, a steadier measure
// than wall time on a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkTSNE10k lays out 10,000 points in 16 dimensions (20 Gaussian
// clusters) with the default options, as the paper's figure 4 does.
func BenchmarkTSNE10k(b *testing.B) {
	const c, m, d = 20, 500, 16
	n := c * m
	x, _ := blobs(37, c, m, d, 2)
	y := make([]float64, 2*n)
	var st TSNEStats
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		var err error
		if st, err = TSNE(context.Background(), y, x, n, d, TSNEOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/layout")
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/layout")
	b.ReportMetric(float64(st.Iterations), "iterations")
	b.ReportMetric(st.KL, "KL")
}

// BenchmarkTSNEGradient10k times one Barnes–Hut gradient of a spread
// 10,000-point layout, the work of one iteration.
func BenchmarkTSNEGradient10k(b *testing.B) {
	const c, m, d = 20, 500, 16
	n := c * m
	x, _ := blobs(37, c, m, d, 2)
	pool := newTSNEPool(n)
	defer pool.close()
	p, err := affinities(context.Background(), pool, x, n, d, 30)
	if err != nil {
		b.Fatal(err)
	}
	st := newTSNEState(pool, p, n, 0.5)
	y := randomLayout(3, n, 30)
	grad := make([]float64, 2*n)
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		st.gradient(y, grad, 1, false)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric((cpuTime()-cpu).Seconds()*1e3/float64(b.N), "cpu-ms/op")
}
