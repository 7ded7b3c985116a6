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
//	ARCH2VEC_EXPERIMENTS=1 go test -run TestPaperNB201 -v -timeout 60m ./arch2vec/experiment/
//
// ARCH2VEC_RUNS (default 200) is the number of CIFAR-10 runs per method,
// ARCH2VEC_RUNS_OTHER (default 50) those on CIFAR-100 and ImageNet16-120,
// ARCH2VEC_DATASETS (default all three) a comma-separated list of datasets,
// ARCH2VEC_METHODS (default "bo,rl,random") the methods, ARCH2VEC_SEED0
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
	dsets := bench.Datasets[:]
	if s := os.Getenv("ARCH2VEC_DATASETS"); s != "" {
		dsets = nil
		for _, f := range strings.Split(s, ",") {
			d, err := bench.ParseDataset(f)
			if err != nil {
				t.Fatal(err)
			}
			dsets = append(dsets, d)
		}
	}
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
		last := time.Now()
		outs, err := Compare(ctx, methods, st, seedsFrom(t, runs[ds]), 2, NB201Valid200(tab.Rows, ds), nil,
			func(m string, run, query int, best float64) {
				if time.Since(last) > time.Minute {
					last = time.Now()
					t.Logf("%s %s: run %d query %d best %.4f", ds, m, run, query, best)
				}
			})
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		WriteTable(&sb, fmt.Sprintf("NAS-Bench-201 %s, budget %.0f s, reference quirks %v, max test %.2f %%",
			ds, NB201Budgets[ds], reference, 100*maxOf(st.Test)), outs, paperNB201[ds])
		writeWelch(&sb, outs, "test", func(o Outcome) []float64 { return o.FinalTest })
		t.Log("\n" + sb.String())
	}
}

// writeWelch prints Welch's test of bo and rl against random on the
// sample of each outcome that sample returns.
func writeWelch(w io.Writer, outs []Outcome, what string, sample func(Outcome) []float64) {
	byName := map[string]Outcome{}
	for _, o := range outs {
		byName[o.Method] = o
	}
	r, ok := byName["random"]
	if !ok {
		return
	}
	for _, m := range []string{"bo", "rl"} {
		a, ok := byName[m]
		if !ok {
			continue
		}
		wt, err := search.Welch(sample(a), sample(r))
		if err != nil {
			fmt.Fprintf(w, "  Welch %s vs random: %v\n", m, err)
			continue
		}
		fmt.Fprintf(w, "  Welch %s vs random (final %s): t = %.3f, df = %.1f, p = %.3g\n", m, what, wt.T, wt.DF, wt.P)
	}
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
// all three.
func wantMethods() map[string]bool {
	s := os.Getenv("ARCH2VEC_METHODS")
	if s == "" {
		s = "bo,rl,random"
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
