package nbrun

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// BenchmarkRun measures the runner's own overhead per cell: a notebook of
// 100 cells, each writing a few stream lines and a display, run through
// the instant fake interpreter, then encoded.
func BenchmarkRun(b *testing.B) {
	b.ReportAllocs()
	sources := make([]string, 100)
	for i := range sources {
		sources[i] = fmt.Sprintf("out line %d\nout more\nerr warn\ndisplay p%d 0%%\nupdate p%d 100%%\nresult %d", i, i, i, i)
	}
	for b.Loop() {
		nb := &Notebook{FormatMinor: 4}
		for _, s := range sources {
			nb.Cells = append(nb.Cells, &Cell{Type: "code", Source: s, Outputs: []*Output{}})
		}
		if _, err := Run(context.Background(), nb, &fakeInterp{}, Options{}); err != nil {
			b.Fatal(err)
		}
		if _, err := nb.Marshal(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(sources))/b.Elapsed().Seconds(), "cells/s")
}

// BenchmarkParse measures reading the golden notebook.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/outputs.golden.ipynb")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
