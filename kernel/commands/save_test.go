package commands

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/search"
	"github.com/arch2vec/arch2vec/kernel/magic"
)

// fullSession returns a session with 64 NB201 cells, a model trained one
// epoch, their embeddings and two search methods.
func fullSession(t *testing.T) *session {
	t.Helper()
	s := newSession(t)
	s.run("%load_cells nasbench201 --limit 64 --seed 5 --dataset cifar100")
	s.run("%pretrain --epochs 1 --batch 16 --validity 10")
	s.run("%embed --plot none")
	s.run("%search random --runs 2 --queries 8")
	s.run("%search rl --runs 1 --queries 6")
	return s
}

// checkSameState fails unless b holds what a holds, bit for bit, with the
// same links between cells, model, embeddings and searches.
func checkSameState(t *testing.T, a, b state) {
	t.Helper()
	if (a.cells == nil) != (b.cells == nil) || a.cells != nil && !bytes.Equal(encodeCells(a.cells), encodeCells(b.cells)) {
		t.Error("cells differ")
	}
	if (a.trained == nil) != (b.trained == nil) {
		t.Fatalf("model: %v vs %v", a.trained, b.trained)
	}
	if ta, tb := a.trained, b.trained; ta != nil {
		if ta.space != tb.space || ta.result.Config != tb.result.Config || !slices.Equal(ta.batches, tb.batches) ||
			(ta.cells == a.cells) != (tb.cells == b.cells) || !reflect.DeepEqual(ta.result.History, tb.result.History) {
			t.Errorf("model differs: %+v vs %+v", ta, tb)
		}
		if !maps.EqualFunc(ta.result.Model.StateDict(), tb.result.Model.StateDict(), slices.Equal) {
			t.Error("model weights differ")
		}
		if ta.result.Model.Config() != tb.result.Model.Config() {
			t.Errorf("network %+v vs %+v", ta.result.Model.Config(), tb.result.Model.Config())
		}
	}
	if (a.emb == nil) != (b.emb == nil) {
		t.Fatalf("embeddings: %v vs %v", a.emb, b.emb)
	}
	if ea, eb := a.emb, b.emb; ea != nil {
		if ea.dim != eb.dim || !slices.Equal(ea.z, eb.z) || !reflect.DeepEqual(ea.pca, eb.pca) ||
			eb.cells != b.cells || (ea.model == a.trained) != (eb.model == b.trained) {
			t.Error("embeddings differ")
		}
	}
	if (a.search == nil) != (b.search == nil) {
		t.Fatalf("search: %v vs %v", a.search, b.search)
	}
	if sa, sb := a.search, b.search; sa != nil {
		if sb.cells != b.cells || !slices.Equal(slices.Sorted(maps.Keys(sa.runs)), slices.Sorted(maps.Keys(sb.runs))) {
			t.Fatal("search methods differ")
		}
		for name, ra := range sa.runs {
			if rb := sb.runs[name]; !reflect.DeepEqual(ra, rb) {
				t.Errorf("search %s differs", name)
			}
		}
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	s := fullSession(t)
	path := filepath.Join(t.TempDir(), "ws.a2vws")
	v, _ := s.run("%save " + path)
	j := jsonOf(t, v)
	if j["cells"] == nil || j["model"] == nil || j["embeddings"] == nil || j["searches"] == nil {
		t.Errorf("save summary json = %v", j)
	}
	if text := v.Data["text/plain"].(string); !strings.Contains(text, "random (2 runs), rl (1 run)") {
		t.Errorf("save summary text = %q", text)
	}
	before := s.ws.snapshot()

	s2 := newSession(t)
	s2.run("%load_cells nasbench201 --limit 5") // replaced by %load
	v, _ = s2.run("%load " + path)
	if j2 := jsonOf(t, v); !reflect.DeepEqual(j2["cells"], j["cells"]) || j2["bytes"] != j["bytes"] {
		t.Errorf("load summary %v, save summary %v", j2, j)
	}
	after := s2.ws.snapshot()
	checkSameState(t, before, after)

	// The loaded workspace works: the model embeds as before, searches
	// add to the loaded ones, cells show and export.
	s2.run("%embed --plot none")
	if z := s2.ws.snapshot().emb.z; !slices.Equal(z, before.emb.z) {
		t.Error("the loaded model embeds differently")
	}
	s2.run("%show 3")
	s2.run("%search bo --runs 1 --queries 10")
	if runs := s2.ws.snapshot().search.runs; len(runs) != 3 {
		t.Errorf("after %%search bo: methods %v", slices.Sorted(maps.Keys(runs)))
	}
	// Saving the loaded workspace gives the same file (the model was
	// trained on the saved cells, so no path was recorded for it).
	s3 := newSession(t)
	s3.run("%load " + path)
	again := filepath.Join(t.TempDir(), "again.a2vws")
	s3.run("%save " + again)
	b1, _ := os.ReadFile(path)
	b2, _ := os.ReadFile(again)
	if !bytes.Equal(b1, b2) {
		t.Errorf("save → load → save changed the file (%d vs %d bytes)", len(b1), len(b2))
	}
}

// TestSaveLoadPartial round-trips workspaces holding only some parts: an
// empty one, NB101 cells read from a file that is then deleted, a model
// loaded from a checkpoint with other cells loaded.
func TestSaveLoadPartial(t *testing.T) {
	dir := t.TempDir()
	s := newSession(t)
	empty := filepath.Join(dir, "empty.a2vws")
	if v, _ := s.run("%save " + empty); !strings.Contains(v.Data["text/plain"].(string), "empty") {
		t.Errorf("empty save shows %q", v.Data["text/plain"])
	}

	data := filepath.Join(dir, "data.json")
	writeData101(t, data)
	s.run("%load_cells nasbench101 --from " + data)
	cells101 := filepath.Join(dir, "cells101.a2vws")
	s.run("%save " + cells101)
	want := s.ws.snapshot()
	os.Remove(data)

	s2 := newSession(t)
	s2.run("%load " + cells101)
	checkSameState(t, want, s2.ws.snapshot())
	s2.run("%show 0")
	// Loading the empty file clears the workspace.
	s2.run("%load " + empty)
	if st := s2.ws.snapshot(); st.cells != nil || st.trained != nil || st.emb != nil || st.search != nil {
		t.Errorf("loading an empty workspace left %+v", st)
	}

	// A model from a checkpoint, with other cells loaded: the model is
	// saved (not linked to the cells), stale embeddings are not.
	ckpt := filepath.Join(dir, "m.ckpt")
	s.run("%load_cells nasbench201 --limit 20")
	s.run("%pretrain --epochs 1 --validity 0 --save " + ckpt)
	s.run("%embed --plot none")
	s.run("%load_cells nasbench201 --limit 30 --seed 7")
	s.run("%load_model " + ckpt)
	mixed := filepath.Join(dir, "mixed.a2vws")
	s.run("%save " + mixed)
	s2.run("%load " + mixed)
	st := s2.ws.snapshot()
	if st.cells.len() != 30 || st.trained == nil || st.trained.cells != nil || st.trained.saved != ckpt || st.emb != nil {
		t.Errorf("mixed workspace loaded as %+v", st)
	}
	s2.run("%embed --plot none")
}

// TestSaveFieldsInStep keeps the workspace file in step with the types it
// stores: a new field must be saved (or knowingly skipped), savedFields
// updated, and wsVersion raised if the format changes.
func TestSaveFieldsInStep(t *testing.T) {
	for name, typ := range map[string]reflect.Type{
		"cellSet": reflect.TypeFor[cellSet](), "trained": reflect.TypeFor[trained](),
		"embedding": reflect.TypeFor[embedding](), "searchResult": reflect.TypeFor[searchResult](),
		"methodRun": reflect.TypeFor[methodRun](), "search.Query": reflect.TypeFor[search.Query](),
	} {
		if n := typ.NumField(); n != savedFields[name] {
			t.Errorf("%s has %d fields, the workspace file knows %d: save the new ones", name, n, savedFields[name])
		}
	}
	if savedFields["search.Query"] != queryFields {
		t.Error("queryFields is out of step")
	}
}

// sectionOffsets returns where each section of a valid file starts.
func sectionOffsets(t *testing.T, b []byte) map[string]int {
	t.Helper()
	out := map[string]int{}
	for pos := len(wsMagic) + 4; pos+12 <= len(b); {
		out[string(b[pos:pos+4])] = pos
		pos += 12 + int(binary.LittleEndian.Uint64(b[pos+4:])) + 4
	}
	if len(out) != 5 {
		t.Fatalf("sections %v, want all five", out)
	}
	return out
}

// corrupt returns a copy of b changed by f.
func corrupt(b []byte, f func([]byte) []byte) []byte { return f(bytes.Clone(b)) }

// withSection returns a file of secs, with section checksums recomputed.
func withSection(secs ...wsSection) []byte { return wsContainer(secs) }

func TestLoadCorrupt(t *testing.T) {
	s := fullSession(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "ws.a2vws")
	s.run("%save " + path)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st := s.ws.snapshot()
	cellsSec := encodeCells(st.cells)
	modelSec, err := encodeModel(st.trained, true)
	if err != nil {
		t.Fatal(err)
	}
	// A model of the other space, claiming to be trained on these cells.
	other := *st.trained
	other.result = &model.Result{Config: st.trained.result.Config, Model: st.trained.result.Model}
	other.result.Config.Space = model.NASBench101
	other.result.Config.InputDim = 5
	wrongSpace, err := encodeModel(&other, true)
	if err != nil {
		t.Fatal(err)
	}
	sectionAt := func(tag string) int { return sectionOffsets(t, good)[tag] }
	for _, tt := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "bad magic"},
		{"text", []byte("hello, world\n"), "bad magic"},
		{"header only", good[:10], "truncated"},
		{"truncated in cells", good[:sectionAt(tagCells)+40], "truncated: section CELL"},
		{"truncated in model", good[:sectionAt(tagModel)+1000], "truncated: section MODL"},
		{"truncated before end", good[:sectionAt(tagEnd)], "no end marker"},
		{"last byte missing", good[:len(good)-1], "truncated: section END."},
		{"trailing bytes", append(bytes.Clone(good), 0), "1 bytes after the end marker"},
		{"wrong version", corrupt(good, func(b []byte) []byte { b[8] = 2; return b }), "unsupported version 2 (this kernel reads version 1)"},
		{"flipped byte in cells", corrupt(good, func(b []byte) []byte { b[sectionAt(tagCells)+50] ^= 1; return b }), "bad checksum in section CELL"},
		{"flipped byte in model", corrupt(good, func(b []byte) []byte { b[sectionAt(tagModel)+5000] ^= 0x80; return b }), "bad checksum in section MODL"},
		{"flipped checksum", corrupt(good, func(b []byte) []byte { b[sectionAt(tagEmbed)-1] ^= 4; return b }), "bad checksum in section MODL"},
		{"flipped tag", corrupt(good, func(b []byte) []byte { b[sectionAt(tagSearch)] = 'X'; return b }), `unknown section "XRCH"`},
		{"unknown section", withSection(wsSection{"XTRA", []byte{1}}), `unknown section "XTRA"`},
		{"repeated section", withSection(wsSection{tagCells, cellsSec}, wsSection{tagCells, cellsSec}), "out of order or repeated"},
		{"model without cells", withSection(wsSection{tagModel, modelSec}), "section MODL: trained on the file's cells, but it has none"},
		{"space mismatch", withSection(wsSection{tagCells, cellsSec}, wsSection{tagModel, wrongSpace}),
			"section MODL: space mismatch: a nasbench101 model trained on the file's nasbench201 cells"},
		{"short cells", withSection(wsSection{tagCells, cellsSec[:len(cellsSec)-8]}), "section CELL: a list of 64 items of 8 bytes does not fit"},
		{"bad end count", corrupt(withSection(), func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[len(b)-8:], 3)
			binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[12:len(b)-4], wsCRC))
			return b
		}), "end marker does not match"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			if err := os.WriteFile(p, tt.file, 0o644); err != nil {
				t.Fatal(err)
			}
			err := s.fail("%load "+p, tt.want)
			if err != nil && (!strings.Contains(err.Error(), p) || !errors.Is(err, errWorkspaceFile)) {
				t.Errorf("error %q does not name the file or wrap errWorkspaceFile", err)
			}
			if strings.Count(err.Error(), "\n") != 0 {
				t.Errorf("error is not one line: %q", err)
			}
			if s.ws.snapshot() != st {
				t.Error("a failed %load changed the workspace")
			}
		})
	}
	// Files that cannot be read, and bad arguments.
	var usage *magic.UsageError
	for _, tt := range []struct{ code, want string }{
		{"%load " + filepath.Join(dir, "missing.a2vws"), "missing.a2vws: no such file"},
		{"%load " + dir, "is not a regular file"},
		{"%load " + os.DevNull, "is not a regular file"},
		{`%load ""`, "PATH needs a file name"},
		{`%save ""`, "PATH needs a file name"},
		{"%load a b", `unexpected argument "b"`},
		{"%save", "missing"},
		{"%save " + filepath.Join(dir, "no", "such", "dir.a2vws"), "save:"},
		{"%save --bogus x", "bogus"},
	} {
		err := s.fail(tt.code, tt.want)
		if strings.Contains(tt.code, `""`) && err != nil && !errors.As(err, &usage) {
			t.Errorf("%s: %T is not a UsageError", tt.code, err)
		}
	}
	if s.ws.snapshot() != st {
		t.Error("a failed command changed the workspace")
	}
	// Another kind of file is replaced only with --force.
	data := filepath.Join(dir, "data.json")
	os.WriteFile(data, []byte("{}"), 0o644)
	s.fail("%save "+data, "data.json exists and is not a workspace file: use --force to replace it")
	if b, _ := os.ReadFile(data); string(b) != "{}" {
		t.Error("a refused save changed the file")
	}
	s.run("%save --force " + data)
	s.run("%save " + data) // now a workspace file: replaced without --force
	s.run("%load " + data)
}

func TestSaveLoadInterrupt(t *testing.T) {
	s := newSession(t)
	s.run("%load_cells nasbench201 --limit 10")
	path := filepath.Join(t.TempDir(), "ws.a2vws")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := s.exec(ctx, "%save "+path); !errors.Is(err, context.Canceled) {
		t.Errorf("interrupted save: err = %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("an interrupted save wrote the file: %v", err)
	}
	s.run("%save " + path)
	before := s.ws.snapshot()
	s2 := newSession(t)
	if _, _, err := s2.exec(ctx, "%load "+path); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("interrupted load: err = %v", err)
	}
	if st := s2.ws.snapshot(); st.cells != nil {
		t.Error("an interrupted load changed the workspace")
	}
	s2.run("%load " + path)
	checkSameState(t, before, s2.ws.snapshot())
}

func TestSaveLoadHelpAndCompletion(t *testing.T) {
	s := newSession(t)
	dir := t.TempDir()
	for _, name := range []string{"save", "load"} {
		res, _, err := s.exec(context.Background(), "%"+name+"?")
		if err != nil || res == nil {
			t.Fatalf("%%%s?: %v", name, err)
		}
	}
	os.WriteFile(filepath.Join(dir, "session.a2vws"), nil, 0o644)
	code := "%load " + filepath.Join(dir, "sess")
	c, err := s.mux.Complete(context.Background(), code, len(code))
	if err != nil || !slices.Contains(c.Matches, filepath.Join(dir, "session.a2vws")) {
		t.Errorf("completion of %q: %v, %v", code, c, err)
	}
}

// smallModel returns a tiny NB201 model, so fuzz seeds stay small.
func smallModel(t testing.TB) *trained {
	cfg := model.Config{Space: model.NASBench201, Hidden: 8, Latent: 4, Layers: 2}
	c := cfg.Resolved()
	m := model.NewVAE(model.VAEConfig{InputDim: c.InputDim, HiddenDim: 8, LatentDim: 4, Layers: 2, Dropout: 0.3},
		rand.New(rand.NewPCG(1, 2)))
	return &trained{space: bench.Space201, result: &model.Result{Config: c, Model: m, History: []model.EpochStats{{Loss: 1.5}}},
		batches: []float64{2, 1.5}}
}

// smallState returns a workspace of 6 NB201 cells with every part.
func smallState(t testing.TB) state {
	cs, err := load201("cifar10")
	if err != nil {
		t.Fatal(err)
	}
	cs = cs.subset([]int{0, 1, 2, 3, 4, 5})
	cs.valid[2] = math.NaN()
	tr := smallModel(t)
	tr.cells = cs
	em := &embedding{cells: cs, model: tr, dim: 4, z: make([]float32, 24)}
	for i := range em.z {
		em.z[i] = float32(i) / 7
	}
	tr2 := search.Trace{Method: "random", Seed: 3, Queries: []search.Query{{Cell: 1, Time: 1, Valid: 0.5, Incumbent: 1, BestValid: 0.5, BestTest: 0.4, RegretValid: 0.1, RegretTest: math.NaN()}}}
	traces := []*search.Trace{&tr2}
	sr := &searchResult{cells: cs, runs: map[string]methodRun{"random": {reward: "validation accuracy", traces: traces,
		curve: search.AggregateByQuery(traces, search.RegretValid), summary: search.Summarize(traces, nil, nil)}}}
	return state{cells: cs, trained: tr, emb: em, search: sr}
}

func TestSaveSmallState(t *testing.T) {
	st := smallState(t)
	b, err := encodeWorkspace(st)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeWorkspace(b)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(got.cells.valid[2]) || !math.IsNaN(got.search.runs["random"].traces[0].Queries[0].RegretTest) {
		t.Error("NaN not kept")
	}
	got.search.runs["random"].traces[0].Queries[0].RegretTest = 0
	st.search.runs["random"].traces[0].Queries[0].RegretTest = 0
	checkSameState(t, st, got)
}

// FuzzDecodeWorkspace checks that no file makes the reader panic, and that
// what it accepts encodes to a file it accepts again.
func FuzzDecodeWorkspace(f *testing.F) {
	full, err := encodeWorkspace(smallState(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full)
	f.Add(wsContainer(nil))
	f.Add(full[:len(full)/2])
	f.Add([]byte(wsMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := decodeWorkspace(b)
		if err != nil {
			return
		}
		again, err := encodeWorkspace(st)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if _, err := decodeWorkspace(again); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
	})
}

// FuzzDecodeSections feeds payloads to the section decoders directly: the
// file's checksums would keep a fuzzer from reaching them.
func FuzzDecodeSections(f *testing.F) {
	st := smallState(f)
	m, err := encodeModel(st.trained, true)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(byte(0), encodeCells(st.cells))
	f.Add(byte(1), m)
	f.Add(byte(2), encodeEmbedding(st.emb, true))
	f.Add(byte(3), encodeSearch(st.search))
	cs101 := newCellSet101(nil, nil)
	f.Add(byte(0), encodeCells(cs101))
	f.Fuzz(func(t *testing.T, kind byte, p []byte) {
		switch kind % 4 {
		case 0:
			_, _ = decodeCells(p)
		case 1:
			_, _ = decodeModel(p, st.cells)
		case 2:
			_, _ = decodeEmbedding(p, st.cells, st.trained)
		case 3:
			_, _ = decodeSearch(p, st.cells)
		}
	})
}

// BenchmarkSaveLoad encodes and decodes a workspace of the 15,625 NB201
// cells with 16-dimensional embeddings and a small model.
func BenchmarkSaveLoad(b *testing.B) {
	cs, err := load201("cifar10")
	if err != nil {
		b.Fatal(err)
	}
	tr := smallModel(b)
	tr.cells = cs
	em := &embedding{cells: cs, dim: 16, z: make([]float32, 16*cs.len())}
	st := state{cells: cs, trained: tr, emb: em}
	file, err := encodeWorkspace(st)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := encodeWorkspace(st)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := decodeWorkspace(f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cs.len())*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
}
