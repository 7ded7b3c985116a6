package commands

import (
	"context"
	"encoding/base64"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/display/displaytest"
	"github.com/arch2vec/arch2vec/kernel/magic"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// session is a mux with the arch2vec commands and its workspace.
type session struct {
	t   *testing.T
	mux *magic.Mux
	ws  *Workspace
}

// newSession registers the commands on a fresh mux.
func newSession(t *testing.T) *session {
	mux := magic.NewMux(kernel.Info{})
	return &session{t: t, mux: mux, ws: Register(mux)}
}

// exec runs one cell with ctx.
func (s *session) exec(ctx context.Context, code string) (*kernel.ExecuteResult, *displaytest.Recorder, error) {
	s.t.Helper()
	rec := &displaytest.Recorder{}
	res, err := s.mux.Execute(ctx, &kernel.ExecuteRequest{Code: code, ExecutionCount: 1}, rec)
	return res, rec, err
}

// run runs one cell that must succeed and returns its result bundle.
func (s *session) run(code string) (*wire.MIMEBundle, *displaytest.Recorder) {
	s.t.Helper()
	res, rec, err := s.exec(context.Background(), code)
	if err != nil {
		s.t.Fatalf("%s: %v", code, err)
	}
	return res.Value, rec
}

// fail runs one cell that must fail with an error containing want and no
// result.
func (s *session) fail(code, want string) error {
	s.t.Helper()
	res, _, err := s.exec(context.Background(), code)
	if err == nil || !strings.Contains(err.Error(), want) {
		s.t.Errorf("%s: err = %v, want one containing %q", code, err, want)
	}
	if res != nil && res.Value != nil {
		s.t.Errorf("%s: a failed command set a result %v", code, res.Value.Data["text/plain"])
	}
	return err
}

// jsonOf returns the application/json object of b.
func jsonOf(t *testing.T, b *wire.MIMEBundle) map[string]any {
	t.Helper()
	if b == nil {
		t.Fatal("no result")
	}
	j, ok := b.Data["application/json"].(map[string]any)
	if !ok {
		t.Fatalf("result has no application/json: %v", keys(b))
	}
	return j
}

// keys lists the MIME types of b.
func keys(b *wire.MIMEBundle) []string {
	var ks []string
	for k := range b.Data {
		ks = append(ks, k)
	}
	return ks
}

// displays returns the display_data bundles holding MIME type mime.
func displays(rec *displaytest.Recorder, mime string) []wire.MIMEBundle {
	var out []wire.MIMEBundle
	for _, e := range rec.Events() {
		if _, ok := e.Bundle.Data[mime]; ok && e.Kind == displaytest.KindDisplay {
			out = append(out, e.Bundle)
		}
	}
	return out
}

// shown runs one cell that must succeed without a result and returns the
// last bundle it displayed (display_data) holding application/json.
func (s *session) shown(code string) *wire.MIMEBundle {
	s.t.Helper()
	v, rec := s.run(code)
	if v != nil {
		s.t.Errorf("%s: unexpected execute_result %v", code, keys(v))
	}
	d := displays(rec, "application/json")
	if len(d) == 0 {
		s.t.Fatalf("%s: nothing displayed", code)
	}
	return &d[len(d)-1]
}

// checkFigure checks that b is a PNG figure with an SVG alternative.
func checkFigure(t *testing.T, b wire.MIMEBundle) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b.Data["image/png"].(string))
	if err != nil || !strings.HasPrefix(string(raw), "\x89PNG") {
		t.Errorf("image/png is not a base64 PNG: %v", err)
	}
	if svg, _ := b.Data["image/svg+xml"].(string); !strings.Contains(svg, "<svg") {
		t.Errorf("no image/svg+xml alternative")
	}
}

func TestLoadCells201(t *testing.T) {
	s := newSession(t)
	v, _ := s.run("%load_cells nasbench201 --limit 50 --seed 2 --dataset cifar100")
	j := jsonOf(t, v)
	if j["cells"] != 50.0 || j["space"] != "nasbench201" || j["dataset"] != "cifar100" || j["with_validation"] != 50.0 {
		t.Errorf("summary json = %v", j)
	}
	ops := j["ops"].(map[string]any)
	total := 0.0
	for _, n := range ops {
		total += n.(float64)
	}
	if total != 50*6 {
		t.Errorf("op counts %v sum to %v, want 300", ops, total)
	}
	text := v.Data["text/plain"].(string)
	html := v.Data["text/html"].(string)
	for _, want := range []string{"Loaded cells", "Operations", "nor_conv_3x3", "Edges"} {
		if !strings.Contains(text, want) || !strings.Contains(html, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	first := s.ws.snapshot().cells
	tab, err := bench.NB201()
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range first.id {
		if first.c201[i] != tab.Rows[id].Cell || first.valid[i] != tab.Rows[id].Valid200[bench.CIFAR100]/100 {
			t.Fatalf("cell %d (id %d) does not match the table", i, id)
		}
	}
	// The same seed draws the same cells; another seed others.
	s.run("%load_cells nasbench201 --limit 50 --seed 2 --dataset cifar100")
	if again := s.ws.snapshot().cells; !slices.Equal(again.id, first.id) {
		t.Error("same seed, different cells")
	}
	s.run("%load_cells nasbench201 --limit 50 --seed 3")
	if other := s.ws.snapshot().cells; slices.Equal(other.id, first.id) {
		t.Error("another seed, same cells")
	}
}

// writeData101 writes a data.json file of NB101 cells with accuracies.
func writeData101(t *testing.T, path string) []cell.NB101 {
	t.Helper()
	specs := []struct {
		m   [][]int
		ops []string
	}{
		{[][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, []string{"input", "conv3x3-bn-relu", "output"}},
		{[][]int{{0, 1, 1}, {0, 0, 1}, {0, 0, 0}}, []string{"input", "maxpool3x3", "output"}},
		{[][]int{{0, 1, 1, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 0}}, []string{"input", "conv1x1-bn-relu", "conv3x3-bn-relu", "output"}},
		{[][]int{{0, 1}, {0, 0}}, []string{"input", "output"}},
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dw := bench.NewDataWriter(f, bench.Space101)
	var cells []cell.NB101
	for i, sp := range specs {
		c, err := cell.NewNB101(sp.m, sp.ops)
		if err != nil {
			t.Fatal(err)
		}
		cells = append(cells, c)
		e := bench.Entry{Space: bench.Space101, Cell101: c, Valid: 0.9 + float64(i)/100, Test: 0.89, Time: 100,
			ValidAvg: nan(), TestAvg: nan()}
		if err := dw.Write(&e); err != nil {
			t.Fatal(err)
		}
	}
	if err := dw.Close(); err != nil {
		t.Fatal(err)
	}
	return cells
}

func TestLoadCells101From(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.json")
	cells := writeData101(t, path)
	s := newSession(t)
	v, _ := s.run("%load_cells nasbench101 --from " + path)
	j := jsonOf(t, v)
	if j["cells"] != 4.0 || j["with_validation"] != 4.0 || j["best_validation"] != 0.93 {
		t.Errorf("summary json = %v", j)
	}
	if n := j["nodes"].(map[string]any); n["3"] != 2.0 || n["4"] != 1.0 || n["2"] != 1.0 {
		t.Errorf("nodes histogram = %v", n)
	}
	cs := s.ws.snapshot().cells
	if cs.hashes[2] != cells[2].Hash() {
		t.Errorf("hash of cell 2 = %v, want %v", cs.hashes[2], cells[2].Hash())
	}
	// %show by hash finds it.
	v = s.shown("%show " + cells[2].Hash().String())
	if jsonOf(t, v)["position"] != 2.0 {
		t.Errorf("%%show by hash: %v", jsonOf(t, v))
	}
}

func TestShow201(t *testing.T) {
	s := newSession(t)
	s.run("%load_cells nasbench201 --limit 20")
	cs := s.ws.snapshot().cells
	v := s.shown("%show 3")
	j := jsonOf(t, v)
	ops := j["ops"].([]any)
	if len(ops) != 8 || ops[0] != "input" || ops[7] != "output" || ops[1] != cs.c201[3][0].String() {
		t.Errorf("ops = %v, want input, the six edge ops of cell 3, output", ops)
	}
	svg := v.Data["image/svg+xml"].(string)
	if strings.Count(svg, "<rect x=") != 8 || !strings.Contains(v.Data["text/html"].(string), "<svg") {
		t.Errorf("svg does not draw 8 vertices inline: %.200s", svg)
	}
	// One arrow per edge of arch2vec's 8-node encoding of NB201.
	_, adj := cs.graph(3)
	edges := 0
	for _, r := range adj {
		for _, e := range r {
			if e {
				edges++
			}
		}
	}
	if n := strings.Count(svg, "marker-end="); n != edges || edges < 9 {
		t.Errorf("%d edges drawn, want %d (at least 9)", n, edges)
	}
	v = s.shown("%show " + cs.c201[5].String())
	if jsonOf(t, v)["position"] != 5.0 {
		t.Errorf("%%show by arch: %v", jsonOf(t, v))
	}
}

func TestErrors(t *testing.T) {
	s := newSession(t)
	for _, cmd := range []string{"%show 0", "%pretrain --epochs 1", "%embed", "%search random", "%export embeddings x.csv", "%distance"} {
		err := s.fail(cmd, "no cells loaded: run %load_cells first")
		if err != nil && !errors.Is(err, errNoCells) {
			t.Errorf("%s: error does not wrap errNoCells", cmd)
		}
	}
	if v, _ := s.run("%workspace"); !strings.Contains(v.Data["text/plain"].(string), "none: run %load_cells") {
		t.Errorf("empty workspace shows %q", v.Data["text/plain"])
	}
	var usage *magic.UsageError
	for _, tt := range []struct{ code, want string }{
		{"%load_cells nasbench301", `invalid value "nasbench301"`},
		{"%load_cells nasbench201 --bogus 1", "bogus"},
		{"%load_cells nasbench201 --limit x", `invalid int "x"`},
		{"%load_cells nasbench201 --limit -1", "--limit must be ≥ 0"},
		{"%load_cells nasbench101 --dataset cifar100", "--dataset applies to nasbench201 only"},
	} {
		if err := s.fail(tt.code, tt.want); err != nil && !errors.As(err, &usage) {
			t.Errorf("%s: %T is not a UsageError", tt.code, err)
		}
	}
	missing := filepath.Join(t.TempDir(), "missing.json")
	s.fail("%load_cells nasbench101 --from "+missing, "missing.json")
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"0": {"module_adjacency": 3}}`), 0o644)
	s.fail("%load_cells nasbench101 --from "+bad, "bad.json")
	good := filepath.Join(t.TempDir(), "data.json")
	writeData101(t, good)
	s.fail("%load_cells nasbench201 --from "+good, "holds nasbench101 cells, not nasbench201")
	if s.ws.snapshot().cells != nil {
		t.Fatal("a failed %load_cells changed the workspace")
	}

	s.run("%load_cells nasbench201 --limit 10")
	s.fail("%show 10", "position 10 out of range: 10 cells loaded (0..9)")
	s.fail("%show nonsense", "is not a position")
	s.fail("%show 00005c142e6f48ac74fdcf73e3439874", "is a NAS-Bench-101 hash but nasbench201 cells are loaded")
	s.fail("%embed", "no trained model: run %pretrain first")
	s.fail("%search rl --queries 5", "run %embed first")
	s.fail("%pretrain --batch 0", "--batch must be ≥ 1")
	s.fail("%pretrain --mode fancy", `invalid value "fancy"`)
	// Sizes that would exhaust memory are usage errors, not a dead kernel.
	for _, tt := range []struct{ code, want string }{
		{"%search random --runs 3000000000", "--runs must be between 1 and 10000"},
		{"%distance --pairs 3000000000", "--pairs must be between 1 and 1000000"},
		{"%pretrain --epochs 1 --validity 3000000000", "--validity must be between 0 and 1000000"},
		{`%pretrain --epochs 1 --save ""`, "--save needs a file name"},
		{`%load_model ""`, "PATH needs a file name"},
		{`%export embeddings ""`, "PATH needs a file name"},
		{"%load_cells nasbench201 --limit 5 --seed -5", "--seed must be ≥ 0"},
		{"%embed --seed -1", "--seed must be ≥ 0"},
		{"%distance --seed -1", "--seed must be ≥ 0"},
	} {
		if err := s.fail(tt.code, tt.want); err != nil && !errors.As(err, &usage) {
			t.Errorf("%s: %T is not a UsageError", tt.code, err)
		}
	}
	// Every NB201 dataset has a simulated query cost, so --budget works.
	s.run("%load_cells nasbench201 --limit 10 --dataset cifar100")
	s.run("%search random --budget 100")
	s.fail("%load_model "+os.DevNull, "load_model: "+os.DevNull+" is not a regular file")
	s.fail("%load_model "+t.TempDir(), "is not a regular file")
	s.run("%load_cells nasbench201 --limit 2")
	s.fail("%pretrain --epochs 1", "pretrain: 2 cells loaded: need at least 3 (2 to train, 1 held out)")
	s.run("%load_cells nasbench201 --limit 10")
	s.run("%pretrain --epochs 1 --validity 0")
	s.run("%load_cells nasbench101 --from " + good)
	s.fail("%embed", "cells are loaded: run %pretrain again, or %load_model a nasbench101 checkpoint")
}

func nan() float64 { return math.NaN() }

// TestLoadCells101Embedded enumerates NAS-Bench-101 (seconds) and joins the
// embedded subset; the enumeration is reused by a second load.
func TestLoadCells101Embedded(t *testing.T) {
	if testing.Short() {
		t.Skip("enumerates NAS-Bench-101")
	}
	s := newSession(t)
	v, rec := s.run("%load_cells nasbench101 --limit 1000 --seed 4")
	if j := jsonOf(t, v); j["cells"] != 1000.0 {
		t.Errorf("summary json = %v", j)
	}
	if len(rec.Events()) < 2 {
		t.Errorf("no progress shown: %d events", len(rec.Events()))
	}
	full := s.ws.snapshot().full101
	if full == nil || full.len() != cell.NumCells101 {
		t.Fatalf("enumeration not cached")
	}
	v, rec = s.run("%load_cells nasbench101 --known")
	if j := jsonOf(t, v); j["cells"] != 20001.0 || j["with_validation"] != 20001.0 {
		t.Errorf("--known summary json = %v", j)
	}
	if len(rec.Events()) != 0 || s.ws.snapshot().full101 != full {
		t.Errorf("the second load enumerated again")
	}
	cs := s.ws.snapshot().cells
	sub, err := bench.NB101Subset()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 777, cs.len() - 1} {
		r, ok := sub.Lookup(cs.hashes[i])
		if !ok || float64(sub.Records[r].Valid108) != cs.valid[i] || cs.c101[i].Hash() != cs.hashes[i] {
			t.Errorf("cell %d: hash %v, valid %v does not match the subset", i, cs.hashes[i], cs.valid[i])
		}
	}
}
