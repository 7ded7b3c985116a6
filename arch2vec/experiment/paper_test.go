package experiment

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// Paper figures (arch2vec.md §4.5), final test accuracy in percent.
var paperNB201 = [bench.NumDatasets]map[string]Paper{
	{"bo": {94.18, 0.24}, "rl": {94.12, 0.42}},
	{"bo": {73.37, 0.30}, "rl": {73.15, 0.78}},
	{"bo": {46.27, 0.37}, "rl": {46.16, 0.38}},
}

func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return n
}

// TestPaperNB201 reproduces the NAS-Bench-201 experiment: pretraining
// (reference config), embedding, then arch2vec-BO, arch2vec-RL and random
// search on each dataset at the reference budgets. Opt-in:
//
//	ARCH2VEC_EXPERIMENTS=1 go test -run 'TestPaperNB201$' -v -timeout 180m ./arch2vec/experiment/
//
// ARCH2VEC_RUNS (default 200) is the number of CIFAR-10 runs per method,
// ARCH2VEC_RUNS_OTHER (default 50) those on CIFAR-100 and ImageNet16-120,
// ARCH2VEC_DATASETS (default all three) a comma-separated list of datasets,
// ARCH2VEC_METHODS (default "bo,rl,random,sup-bo,sup-rl") the methods,
// ARCH2VEC_RUNS_SUP (default 20) and ARCH2VEC_RUNS_SUP_OTHER (default 10)
// the runs of the supervised baselines (see TestPaperNB201Supervised),
// ARCH2VEC_SEED0
// (default 1) the first seed, ARCH2VEC_QUIRKS=0
// the corrected (non-reference) BO/RL behaviour, ARCH2VEC_EMB a file caching
// the embeddings (float32 little-endian, written if missing).
func TestPaperNB201(t *testing.T) {
	if os.Getenv("ARCH2VEC_EXPERIMENTS") == "" {
		t.Skip("set ARCH2VEC_EXPERIMENTS=1 to run the paper's NAS-Bench-201 experiment")
	}
	ctx := context.Background()
	tab, err := bench.NB201()
	if err != nil {
		t.Fatal(err)
	}
	emb := nb201Embeddings(t, ctx, tab.Rows)
	runs := [bench.NumDatasets]int{envInt(t, "ARCH2VEC_RUNS", 200), envInt(t, "ARCH2VEC_RUNS_OTHER", 50), envInt(t, "ARCH2VEC_RUNS_OTHER", 50)}
	dsets := envDatasets(t, bench.Datasets[:])
	want := wantMethods()
	reference := os.Getenv("ARCH2VEC_QUIRKS") != "0"
	for _, ds := range dsets {
		st, err := NB201Table(tab.Rows, emb, ds)
		if err != nil {
			t.Fatal(err)
		}
		var methods []search.Method
		for _, m := range NB201Methods(ds, reference) {
			if want[m.Name()] {
				methods = append(methods, m)
			}
		}
		outs := compareLogged(t, ds, methods, st, seedsFrom(t, runs[ds]), NB201Valid200(tab.Rows, ds))
		outs = append(outs, supervisedOutcomes(t, ds, reference, tab.Rows, st, want)...)
		var sb strings.Builder
		WriteTable(&sb, fmt.Sprintf("NAS-Bench-201 %s, budget %.0f s, reference quirks %v, max test %.2f %%",
			ds, NB201Budgets[ds], reference, 100*maxOf(st.Test)), outs, paperNB201[ds])
		writeWelch(&sb, outs, "test", func(o Outcome) []float64 { return o.FinalTest })
		t.Log("\n" + sb.String())
	}
}

// writeWelch prints Welch's test, on the sample of each outcome that
// sample returns, of bo and rl against random, of the supervised
// baselines against random, and of arch2vec against the supervised
// baselines.
func writeWelch(w io.Writer, outs []Outcome, what string, sample func(Outcome) []float64) {
	byName := map[string]Outcome{}
	for _, o := range outs {
		byName[o.Method] = o
	}
	pairs := [][2]string{{"bo", "random"}, {"rl", "random"}, {SupervisedBO, "random"}, {SupervisedRL, "random"},
		{"bo", SupervisedBO}, {"rl", SupervisedRL}}
	for _, p := range pairs {
		a, ok := byName[p[0]]
		b, ok2 := byName[p[1]]
		if !ok || !ok2 {
			continue
		}
		wt, err := search.Welch(sample(a), sample(b))
		if err != nil {
			fmt.Fprintf(w, "  Welch %s vs %s: %v\n", p[0], p[1], err)
			continue
		}
		fmt.Fprintf(w, "  Welch %s vs %s (final %s): t = %.3f, df = %.1f, p = %.3g\n", p[0], p[1], what, wt.T, wt.DF, wt.P)
	}
}

// envDatasets returns the datasets listed in $ARCH2VEC_DATASETS, or def.
func envDatasets(t *testing.T, def []bench.Dataset) []bench.Dataset {
	s := os.Getenv("ARCH2VEC_DATASETS")
	if s == "" {
		return def
	}
	var dsets []bench.Dataset
	for _, f := range strings.Split(s, ",") {
		d, err := bench.ParseDataset(f)
		if err != nil {
			t.Fatal(err)
		}
		dsets = append(dsets, d)
	}
	return dsets
}

// seedsFrom returns n run seeds starting at $ARCH2VEC_SEED0 (default 1).
func seedsFrom(t *testing.T, n int) []uint64 {
	s := Seeds(n)
	off := uint64(envInt(t, "ARCH2VEC_SEED0", 1) - 1)
	for i := range s {
		s[i] += off
	}
	return s
}

// wantMethods is the set of method names in $ARCH2VEC_METHODS, by default
// bo, rl, random and the supervised baselines (NB201 only).
func wantMethods() map[string]bool {
	s := os.Getenv("ARCH2VEC_METHODS")
	if s == "" {
		s = "bo,rl,random," + SupervisedBO + "," + SupervisedRL
	}
	want := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		want[strings.TrimSpace(f)] = true
	}
	return want
}

func maxOf(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	return m
}

// nb201Embeddings pretrains the reference NB201 model (10 epochs, seed 3)
// and embeds every cell, or reads the embeddings cached in $ARCH2VEC_EMB.
func nb201Embeddings(t *testing.T, ctx context.Context, rows []bench.Row201) []float32 {
	cache := os.Getenv("ARCH2VEC_EMB")
	if emb, ok := readEmb(t, cache, len(rows)); ok {
		return emb
	}
	data, err := Dataset201(rows)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	emb, res, err := PretrainEmbed(ctx, model.Config{Space: model.NASBench201}, data, model.Hooks{OnEpoch: logEpoch(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pretrained and embedded %d cells (%s) in %s", data.Len, res.Config, time.Since(start).Round(time.Millisecond))
	writeEmb(t, cache, emb)
	return emb
}

// readEmb reads m×16 cached embeddings (float32 little-endian) from path;
// false if path is empty or missing.
func readEmb(t *testing.T, path string, m int) ([]float32, bool) {
	if path == "" {
		return nil, false
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 4*16*m {
		t.Fatalf("%s: %d bytes, want %d", path, len(b), 4*16*m)
	}
	emb := make([]float32, len(b)/4)
	for i := range emb {
		emb[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	t.Logf("embeddings read from %s", path)
	return emb, true
}

// writeEmb caches emb at path (nothing if path is empty).
func writeEmb(t *testing.T, path string, emb []float32) {
	if path == "" {
		return
	}
	b := make([]byte, 4*len(emb))
	for i, v := range emb {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
