package cell

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// naiveEnumerate transcribes nasbench's scripts/generate_graphs.py for
// graphs of at most maxV vertices: every bitmask, every labelling, hashed,
// first occurrence wins.
func naiveEnumerate(maxV int) ([]NB101, []Hash) {
	var cells []NB101
	var hashes []Hash
	seen := map[Hash]bool{}
	for v := 2; v <= maxV; v++ {
		for b := range 1 << (v * (v - 1) / 2) {
			c := NB101{N: v}
			for y := 1; y < v; y++ {
				for x := range y {
					if b>>(x+y*(y-1)/2)&1 == 1 {
						c.Adj[x] |= 1 << y
					}
				}
			}
			if c.NumEdges() > MaxEdges || c.keptVertices() != uint8(1<<v-1) {
				continue
			}
			labels := 1
			for range v - 2 {
				labels *= 3
			}
			for code := range labels {
				c.Ops[0], c.Ops[v-1] = Input, Output
				for i, x := v-2, code; i >= 1; i-- {
					c.Ops[i], _ = HashLabel(x % 3).Op()
					x /= 3
				}
				if h := c.Hash(); !seen[h] {
					seen[h] = true
					cells = append(cells, c)
					hashes = append(hashes, h)
				}
			}
		}
	}
	return cells, hashes
}

func TestEnumerateMatchesGenerateGraphs(t *testing.T) {
	maxV := 5
	if !testing.Short() {
		maxV = 6
	}
	want, wantH := naiveEnumerate(maxV)
	got, gotH, err := enumerate(context.Background(), maxV, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d cells, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] || gotH[i] != wantH[i] {
			t.Fatalf("cell %d = %v %v, want %v %v", i, got[i], gotH[i], want[i], wantH[i])
		}
	}
	fast, noHashes, err := enumerate(context.Background(), maxV, false, nil)
	if err != nil || noHashes != nil || !slices.Equal(fast, want) {
		t.Fatalf("unhashed enumeration differs (%d cells, %v)", len(fast), err)
	}
}

func TestEnumerateDeterministicAcrossProcs(t *testing.T) {
	prev := runtime.GOMAXPROCS(1)
	one, _, err := enumerate(context.Background(), 5, true, nil)
	runtime.GOMAXPROCS(max(prev, 3))
	three, _, err3 := enumerate(context.Background(), 5, true, nil)
	runtime.GOMAXPROCS(prev)
	if err != nil || err3 != nil {
		t.Fatal(err, err3)
	}
	if !slices.Equal(one, three) {
		t.Fatal("results differ with GOMAXPROCS")
	}
}

func TestEnumerateCancel(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("stop")
	var mu sync.Mutex
	calls := 0
	cells, err := Enumerate101(ctx, func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if done == 2 {
			cancel(stop)
		}
	})
	if cells != nil || !errors.Is(err, stop) {
		t.Fatalf("Enumerate101 after cancel = %d cells, %v", len(cells), err)
	}
	if calls < 2 {
		t.Errorf("%d progress calls", calls)
	}
}

// TestEnumerate101Full enumerates the whole space: NumCells101 cells with
// distinct hashes, each valid, pruned and hashing to its hash; its 20,001
// smallest hashes are exactly the keys of the nasbench-vis 20k file (the
// data README says that file holds the 20,001 smallest module hashes),
// which includes the official hash 00005c142e6f48ac74fdcf73e3439874.
func TestEnumerate101Full(t *testing.T) {
	if testing.Short() {
		t.Skip("full enumeration under -short")
	}
	var vis struct {
		Key []string `json:"key"`
	}
	readSharedJSON(t, "data/nasbench101/raw/nasbenchvis_data-20k.json", &vis)
	lastDone, total := 0, 0
	cells, hashes, err := Enumerate101Hashed(context.Background(), func(done, n int) {
		if done != lastDone+1 {
			t.Errorf("progress %d after %d", done, lastDone)
		}
		lastDone, total = done, n
	})
	if err != nil {
		t.Fatal(err)
	}
	if lastDone != total || total == 0 {
		t.Errorf("progress ended at %d of %d", lastDone, total)
	}
	if len(cells) != NumCells101 || len(hashes) != NumCells101 {
		t.Fatalf("%d cells, %d hashes, want %d", len(cells), len(hashes), NumCells101)
	}
	distinct := make(map[Hash]struct{}, len(hashes))
	for i, c := range cells {
		distinct[hashes[i]] = struct{}{}
		if i%97 == 0 { // a sample: Validate and Hash cost as much as the enumeration
			if err := c.Validate(); err != nil {
				t.Fatalf("cell %d %v: %v", i, c, err)
			}
			if p, _ := c.Prune(); p != c {
				t.Fatalf("cell %d %v not pruned", i, c)
			}
			if c.Hash() != hashes[i] {
				t.Fatalf("cell %d: hash mismatch", i)
			}
		}
		if i > 0 && cells[i-1].N > c.N {
			t.Fatalf("cell %d: sizes out of order", i)
		}
	}
	if len(distinct) != NumCells101 {
		t.Fatalf("%d distinct hashes, want %d", len(distinct), NumCells101)
	}
	fast, err := Enumerate101(context.Background(), nil)
	if err != nil || !slices.Equal(fast, cells) {
		t.Fatalf("Enumerate101 differs from Enumerate101Hashed (%d cells, %v)", len(fast), err)
	}
	sorted := slices.Clone(hashes)
	slices.SortFunc(sorted, func(a, b Hash) int { return bytes.Compare(a[:], b[:]) })
	if len(vis.Key) != 20001 {
		t.Fatalf("20k file has %d keys", len(vis.Key))
	}
	wantKeys := slices.Clone(vis.Key)
	slices.Sort(wantKeys)
	for i, k := range wantKeys {
		if sorted[i].String() != k {
			t.Fatalf("smallest hash %d = %v, want %s", i, sorted[i], k)
		}
	}
	if sorted[0].String() != "00005c142e6f48ac74fdcf73e3439874" {
		t.Errorf("smallest hash %v", sorted[0])
	}
}

// BenchmarkEnumerate101 measures one full enumeration without hashes:
// cells/s, s/op and the peak live heap (sampled every 10 ms, MiB).
func BenchmarkEnumerate101(b *testing.B) {
	benchEnumerate(b, func() (int, error) {
		cells, err := Enumerate101(context.Background(), nil)
		return len(cells), err
	})
}

// BenchmarkEnumerate101Hashed is BenchmarkEnumerate101 with every cell's
// nasbench hash.
func BenchmarkEnumerate101Hashed(b *testing.B) {
	benchEnumerate(b, func() (int, error) {
		cells, _, err := Enumerate101Hashed(context.Background(), nil)
		return len(cells), err
	})
}

func benchEnumerate(b *testing.B, run func() (int, error)) {
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		runtime.GC()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() { peak = max(peak, samplePeakHeap(stop)) })
		n, err := run()
		close(stop)
		wg.Wait()
		if err != nil || n != NumCells101 {
			b.Fatal(n, err)
		}
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(sec, "s/op")
	b.ReportMetric(NumCells101/sec, "cells/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// samplePeakHeap returns the largest HeapAlloc seen until stop closes.
func samplePeakHeap(stop <-chan struct{}) uint64 {
	var peak uint64
	var ms runtime.MemStats
	for {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
		select {
		case <-stop:
			return peak
		case <-time.After(10 * time.Millisecond):
		}
	}
}
