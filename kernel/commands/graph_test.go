package commands

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/kernel"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestCellSVGGolden draws a fixed NB101 cell and compares with the golden
// drawing (run with -update to rewrite it after an intended change).
func TestCellSVGGolden(t *testing.T) {
	c, err := cell.NewNB101([][]int{
		{0, 1, 1, 0, 0, 1},
		{0, 0, 0, 1, 0, 0},
		{0, 0, 0, 0, 1, 0},
		{0, 0, 0, 0, 1, 0},
		{0, 0, 0, 0, 0, 1},
		{0, 0, 0, 0, 0, 0},
	}, []string{"input", "conv3x3-bn-relu", "maxpool3x3", "conv1x1-bn-relu", "conv3x3-bn-relu", "output"})
	if err != nil {
		t.Fatal(err)
	}
	cs := newCellSet101([]cell.NB101{c}, []cell.Hash{c.Hash()})
	ops, adj := cs.graph(0)
	got := cellSVG(ops, adj)
	if n := strings.Count(got, "marker-end="); n != c.NumEdges() {
		t.Errorf("%d arrows, want %d", n, c.NumEdges())
	}
	golden := filepath.Join("testdata", "cell101.svg")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("drawing differs from %s (run with -update if intended)", golden)
	}
}

// TestHelp checks that every command has help with an example, shown by
// %name? without running it.
func TestHelp(t *testing.T) {
	s := newSession(t)
	for _, c := range s.ws.commands() {
		if c.Example == "" || !strings.Contains(c.Example, "%"+c.Name) || c.Doc == "" {
			t.Errorf("%%%s: no doc or example", c.Name)
		}
		res, err := s.mux.Execute(context.Background(), &kernel.ExecuteRequest{Code: "%" + c.Name + "?"}, nil)
		if err != nil || len(res.Payload) != 1 {
			t.Errorf("%%%s?: %v, payload %v", c.Name, err, res)
		}
	}
}
