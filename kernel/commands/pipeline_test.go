package commands

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/kernel/display/displaytest"
)

// TestPipeline runs a tiny session end to end: load, pretrain one epoch,
// embed, search, export.
func TestPipeline(t *testing.T) {
	s := newSession(t)
	s.run("%load_cells nasbench201 --limit 64 --seed 1")

	ckpt := filepath.Join(t.TempDir(), "m.ckpt")
	v, rec := s.run("%pretrain --epochs 2 --batch 16 --validity 20 --save " + ckpt)
	j := jsonOf(t, v)
	epochs, _ := j["epochs"].([]any)
	if len(epochs) != 2 || j["params"] == nil {
		t.Fatalf("pretrain json = %v", j)
	}
	tr := s.ws.snapshot().trained
	if tr == nil || len(tr.batches) != 2*4 || tr.saved != ckpt { // 57 training cells → 4 batches of 16
		t.Fatalf("trained = %+v", tr)
	}
	if _, err := os.Stat(ckpt); err != nil {
		t.Errorf("checkpoint: %v", err)
	}
	if !strings.Contains(v.Data["text/plain"].(string), "ops acc %") {
		t.Errorf("metrics table text = %q", v.Data["text/plain"])
	}
	// One progress display updated in place, one metrics display updated
	// once (two epochs), one loss-curve figure.
	var progressID, metricsID string
	updates := map[string]int{}
	for _, e := range rec.Events() {
		if e.Kind == displaytest.KindDisplay && strings.HasPrefix(e.ID, "progress-") {
			if strings.HasSuffix(e.ID, "-metrics") {
				metricsID = e.ID
			} else {
				progressID = e.ID
			}
		}
		if e.Kind == displaytest.KindUpdate {
			updates[e.ID]++
		}
	}
	if progressID == "" || updates[progressID] == 0 || metricsID == "" || updates[metricsID] != 1 {
		t.Errorf("progress %q (%d updates), metrics %q (%d updates)", progressID, updates[progressID], metricsID, updates[metricsID])
	}
	figs := displays(rec, "image/png")
	if len(figs) != 1 {
		t.Fatalf("%d figures, want the loss curve", len(figs))
	}
	checkFigure(t, figs[0])

	v, rec = s.run("%embed --sample 40 --color test")
	j = jsonOf(t, v)
	if j["cells"] != 64.0 || j["dim"] != 16.0 || len(j["explained_variance_ratio"].([]any)) != 2 {
		t.Errorf("embed json = %v", j)
	}
	if figs := displays(rec, "image/png"); len(figs) != 3 {
		t.Errorf("%d figures, want the PCA map by accuracy, its density and its mean accuracy per bin", len(figs))
	} else {
		for _, f := range figs {
			checkFigure(t, f)
		}
	}
	// t-SNE of the same embeddings: the same three maps.
	v, rec = s.run("%embed --plot tsne --sample 50")
	if m := jsonOf(t, v)["map"].(map[string]any); m["kind"] != "tsne" || m["cells"] != 50.0 || !(m["kl"].(float64) > 0) {
		t.Errorf("t-SNE map = %v", m)
	}
	if figs := displays(rec, "image/png"); len(figs) != 3 {
		t.Errorf("%d t-SNE figures, want 3", len(figs))
	}
	emb := s.ws.snapshot().emb
	if emb == nil || len(emb.z) != 64*16 || emb.pca.K != 2 {
		t.Fatalf("embedding = %+v", emb)
	}

	v, rec = s.run("%distance --pairs 300")
	j = jsonOf(t, v)
	groups, _ := j["groups"].([]any)
	pairs := 0.0
	for _, g := range groups {
		pairs += g.(map[string]any)["pairs"].(float64)
	}
	if len(groups) < 2 || pairs != 300 || j["pearson"] == nil {
		t.Errorf("distance json = %v", j)
	}
	if figs := displays(rec, "image/png"); len(figs) != 1 {
		t.Errorf("%d figures, want the distance plot", len(figs))
	}

	s.run("%search random --runs 3 --queries 10")
	s.run("%search rl --runs 1 --queries 10")
	v, rec = s.run("%search bo --runs 1 --queries 20")
	j = jsonOf(t, v)
	for _, m := range []string{"random", "rl", "bo"} {
		r, ok := j[m].(map[string]any)
		if !ok || r["final_regret"] == nil {
			t.Errorf("search json lacks %s: %v", m, j)
		}
	}
	if figs := displays(rec, "image/png"); len(figs) != 1 {
		t.Errorf("%d figures, want the regret curves", len(figs))
	} else {
		checkFigure(t, figs[0])
	}

	dir := t.TempDir()
	s.run("%export embeddings " + filepath.Join(dir, "e.csv"))
	raw, err := os.ReadFile(filepath.Join(dir, "e.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 65 || !strings.HasPrefix(lines[0], "position,id,arch,validation,test,z0,") || strings.Count(lines[1], ",") != 4+16 {
		t.Errorf("csv: %d lines, header %q, first row %q", len(lines), lines[0], lines[1])
	}
	s.run("%export embeddings " + filepath.Join(dir, "e.json") + " --format json")
	var doc struct {
		Dim   int `json:"dim"`
		Cells []struct {
			Name string    `json:"name"`
			Z    []float32 `json:"z"`
		} `json:"cells"`
	}
	raw, _ = os.ReadFile(filepath.Join(dir, "e.json"))
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Dim != 16 || len(doc.Cells) != 64 || doc.Cells[0].Z[0] != emb.z[0] {
		t.Errorf("json export: %v, dim %d, %d cells", err, doc.Dim, len(doc.Cells))
	}
	s.fail("%export embeddings "+filepath.Join(dir, "no/such/dir/e.csv"), "export:")

	v, _ = s.run("%workspace")
	j = jsonOf(t, v)
	if j["cells"] == nil || j["model"] == nil || j["embeddings"] == nil || len(j["searches"].([]any)) != 3 {
		t.Errorf("workspace json = %v", j)
	}

	// The checkpoint gives back the same model: the same embeddings.
	s.run("%load_model " + ckpt)
	s.run("%embed --plot none")
	if again := s.ws.snapshot().emb; !slices.Equal(again.z, emb.z) {
		t.Error("the model loaded from the checkpoint embeds differently")
	}
	s.fail("%load_model "+filepath.Join(dir, "e.csv"), "load_model:")
	s.fail("%load_model "+filepath.Join(dir, "missing.ckpt"), "missing.ckpt")
	if s.ws.snapshot().trained.saved != ckpt {
		t.Error("a failed load_model replaced the model")
	}

	// Loading other cells makes the model unusable until retrained.
	s.run("%load_cells nasbench201 --limit 8 --seed 9")
	s.fail("%export embeddings "+filepath.Join(dir, "x.csv"), "run %embed first")
	data := filepath.Join(dir, "data.json")
	writeData101(t, data)
	s.run("%load_cells nasbench101 --from " + data)
	s.fail("%embed", "the model was trained on nasbench201 cells but nasbench101 cells are loaded")
}

// TestInterrupt checks that every long command, interrupted, returns an
// error wrapping the cancellation and leaves the workspace as it was.
func TestInterrupt(t *testing.T) {
	s := newSession(t)
	s.run("%load_cells nasbench201 --limit 64")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := s.exec(ctx, "%pretrain --epochs 1 --validity 0")
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("pretrain: err = %v, want an interruption wrapping context.Canceled", err)
	}
	if s.ws.snapshot().trained != nil {
		t.Error("an interrupted pretrain committed a model")
	}
	s.run("%pretrain --epochs 1 --validity 0")
	s.run("%embed --plot none")
	before := s.ws.snapshot()
	cmds := []string{"%embed", "%distance --pairs 1000", "%search random --runs 2", "%search rl --runs 1"}
	if !testing.Short() {
		cmds = append(cmds, "%load_cells nasbench101")
	}
	for _, code := range cmds {
		_, _, err := s.exec(ctx, code)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want one wrapping context.Canceled", code, err)
		}
		if s.ws.snapshot() != before {
			t.Errorf("%s: an interrupted command changed the workspace", code)
		}
	}
}
