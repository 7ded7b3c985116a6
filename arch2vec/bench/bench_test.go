package bench

import (
	"bytes"
	"io"
	"testing"
)

// benchEntries101 returns n NB101 entries cycling over the fixture cells,
// hashes filled in as the enumerate command has them.
func benchEntries101(b *testing.B, n int) []Entry {
	base := entries101(b)
	for i := range base {
		base[i].Hash = base[i].Cell101.Hash()
	}
	es := make([]Entry, n)
	for i := range es {
		es[i] = base[i%len(base)]
	}
	return es
}

func BenchmarkWriteData101(b *testing.B) {
	es := benchEntries101(b, 10000)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		w := NewDataWriter(io.Discard, Space101)
		for i := range es {
			if err := w.Write(&es[i]); err != nil {
				b.Fatal(err)
			}
		}
		w.Close()
		size = len(es)
	}
	b.ReportMetric(float64(size*b.N)/b.Elapsed().Seconds(), "cells/s")
}

func BenchmarkReadData101(b *testing.B) {
	data := writeData(b, Space101, benchEntries101(b, 10000))
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r := NewDataReader(Source{Name: "bench", R: bytes.NewReader(data)})
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "cells/s")
}

func BenchmarkDecodeEmbedded(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeTable201(nb201Bin); err != nil {
			b.Fatal(err)
		}
		if _, err := decodeSubset101(nb101SubBin); err != nil {
			b.Fatal(err)
		}
	}
}
