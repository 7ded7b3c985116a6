package bench

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the embedded tables from ../shared/data")

// sharedTable201 parses the NB201 table from the shared CSVs.
func sharedTable201(t testing.TB) *Table201 {
	t.Helper()
	sharedPath(t, "data/nasbench201/"+File200)
	tab, err := LoadTable201(filepath.Dir(filepath.Dir(sharedPath(t, "data/nasbench201/"+File200))))
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func sharedSubset101(t testing.TB) *Subset101 {
	t.Helper()
	s, err := LoadSubset101(sharedPath(t, "data/nasbench101/"+FileSubset101))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEmbeddedUpToDate checks that the embedded tables decode to exactly
// the tables parsed from the shared source files; with -update it
// rewrites them first (go generate runs it so).
func TestEmbeddedUpToDate(t *testing.T) {
	tab, sub := sharedTable201(t), sharedSubset101(t)
	if *update {
		for name, data := range map[string][]byte{
			embeddedNB201: encodeTable201(tab), embeddedSubset101: encodeSubset101(sub),
		} {
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s, %d bytes", name, len(data))
		}
		t.Skip("embedded files rewritten; run the tests again to check them")
	}
	emb, err := NB201()
	if err != nil {
		t.Fatal(err)
	}
	if emb.Len() != len(tab.Rows) {
		t.Fatalf("run go generate ./arch2vec/bench: embedded NB201 has %d rows, shared CSVs %d", emb.Len(), len(tab.Rows))
	}
	for i := range tab.Rows {
		if emb.Rows[i] != tab.Rows[i] {
			t.Fatalf("NB201 row %d: embedded %+v, CSV %+v", i, emb.Rows[i], tab.Rows[i])
		}
	}
	es, err := NB101Subset()
	if err != nil {
		t.Fatal(err)
	}
	if es.Len() != sub.Len() {
		t.Fatalf("embedded subset has %d records, shared file %d", es.Len(), sub.Len())
	}
	for i, r := range sub.Records {
		e := es.Records[i]
		if e.Hash != r.Hash || e.Valid108 != r.Valid108 || e.Time != r.Time || e.Params != r.Params {
			t.Fatalf("subset record %d: embedded %+v, JSON %+v", i, e, r)
		}
		for _, v := range e.ValidEarly {
			if !math.IsNaN(float64(v)) {
				t.Fatalf("subset record %d: embedded early accuracy %v, want NaN", i, v)
			}
		}
	}
}

func TestEmbeddedNB201(t *testing.T) {
	tab, err := NB201()
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 15625 {
		t.Fatalf("%d rows, want 15625", tab.Len())
	}
	best := 0
	for i, r := range tab.Rows {
		if r.Test200[CIFAR10] > tab.Rows[best].Test200[CIFAR10] {
			best = i
		}
		if j, ok := tab.Index(r.Cell); !ok || j != i {
			t.Fatalf("Index(row %d cell) = %d, %v", i, j, ok)
		}
	}
	if got := math.Round(tab.Rows[best].Test200[CIFAR10]*100) / 100; best != 6111 || got != 94.37 {
		t.Errorf("best CIFAR-10 test accuracy %.2f at %d, want 94.37 at 6111", got, best)
	}
	if got, want := tab.Arch(1), "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"; got != want {
		t.Errorf("Arch(1) = %s, want %s", got, want)
	}
	// Maxima listed in shared/data/nasbench201/README.md.
	for _, tc := range []struct {
		name string
		col  func(r *Row201) float64
		want float64
	}{
		{"c10_valid", func(r *Row201) float64 { return r.Valid200[CIFAR10] }, 91.607},
		{"c100_valid", func(r *Row201) float64 { return r.Valid200[CIFAR100] }, 73.493},
		{"c100_test", func(r *Row201) float64 { return r.Test200[CIFAR100] }, 73.513},
		{"in16_valid", func(r *Row201) float64 { return r.Valid200[ImageNet16] }, 46.733},
		{"in16_test", func(r *Row201) float64 { return r.Test200[ImageNet16] }, 47.311},
		{"cifar10-test 12ep", func(r *Row201) float64 { return r.Test12[CIFAR10] }, 89.16},
	} {
		m := 0.0
		for i := range tab.Rows {
			m = max(m, tc.col(&tab.Rows[i]))
		}
		if math.Abs(m-tc.want) > 5e-4 {
			t.Errorf("max %s = %v, want %v", tc.name, m, tc.want)
		}
	}
	// Row 0 of raw/landscapes_cifar10_avg.csv: train-all-time 1444.2186,
	// valid-per-time 2.548979237 (rounded to the microsecond).
	if r := tab.Rows[0]; r.TrainTime200 != 1444.2186 || r.EvalTime != 2.548979 {
		t.Errorf("row 0 times %v, %v", r.TrainTime200, r.EvalTime)
	}
}

func TestEmbeddedConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	tabs := make([]*Table201, 8)
	subs := make([]*Subset101, 8)
	for i := range tabs {
		wg.Go(func() {
			tabs[i], _ = NB201()
			subs[i], _ = NB101Subset()
		})
	}
	wg.Wait()
	for i := range tabs {
		if tabs[i] == nil || tabs[i] != tabs[0] || subs[i] == nil || subs[i] != subs[0] {
			t.Fatalf("call %d returned a different or nil table", i)
		}
	}
}

func TestDecodeCorrupt(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"not gzip":  []byte("hello"),
		"bad magic": gzipBytes([]byte("a2vNB999\x01\x00\x00\x00\x01\x00\x00\x00")),
		"short":     gzipBytes([]byte("a2vNB201\x01\x00\x00\x00\x02\x00\x00\x00\x00")),
		"version":   gzipBytes([]byte("a2vNB201\x02\x00\x00\x00\x01\x00\x00\x00")),
	} {
		if _, err := decodeTable201(data); err == nil {
			t.Errorf("%s: decodeTable201 accepted it", name)
		}
		if _, err := decodeSubset101(data); err == nil {
			t.Errorf("%s: decodeSubset101 accepted it", name)
		}
	}
}
