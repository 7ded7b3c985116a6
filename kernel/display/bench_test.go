package display

import (
	"fmt"
	"testing"

	"github.com/arch2vec/arch2vec/kernel/display/displaytest"
)

func BenchmarkTable100(b *testing.B) {
	rows := make([][]string, 100)
	for i := range rows {
		rows[i] = []string{fmt.Sprint(i + 1), fmt.Sprintf("cell-%d", i), fmt.Sprintf("%.2f", 90+float64(i)/100)}
	}
	b.ReportAllocs()
	for b.Loop() {
		Table([]string{"rank", "cell", "val acc"}, rows)
	}
}

// BenchmarkProgressAdd measures an update suppressed by the rate limit,
// the common case inside a training loop.
func BenchmarkProgressAdd(b *testing.B) {
	p := NewProgress(&displaytest.Recorder{}, ProgressConfig{Total: 1 << 40})
	_ = p.Start()
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Add(1)
	}
}
