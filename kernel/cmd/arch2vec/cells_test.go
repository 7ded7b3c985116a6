package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// runCellsCmd runs the registered "cells" subcommand in-process.
func runCellsCmd(t *testing.T, in string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd, ok := subcommands["cells"]
	if !ok {
		t.Fatal(`subcommand "cells" not registered`)
	}
	old := cellsStdin
	cellsStdin = strings.NewReader(in)
	defer func() { cellsStdin = old }()
	var o, e bytes.Buffer
	err = cmd.run(context.Background(), args, &o, &e)
	return o.String(), e.String(), err
}

func TestCellsHash(t *testing.T) {
	// Hashes from the brief (§7), computed with nasbench's hash_module.
	in := strings.Join([]string{
		`{"matrix": [[0,1,1,1,0,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,1,0,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]], "ops": ["input","conv1x1-bn-relu","conv3x3-bn-relu","conv3x3-bn-relu","conv3x3-bn-relu","maxpool3x3","output"]}`,
		`{"matrix": [[0,1,0],[0,0,1],[0,0,0]], "ops": ["input","conv3x3-bn-relu","output"]}`,
		// the same cell with a dangling vertex: hashed after pruning
		`{"ops": ["input","conv3x3-bn-relu","maxpool3x3","output"], "matrix": [[0,1,0,0],[0,0,0,1],[0,0,0,0],[0,0,0,0]]}`,
		``,
		`{"matrix": [[0,1],[0,0]], "ops": ["input","output"]}`,
		`{"matrix": [[0,0],[0,0]], "ops": ["input","output"]}`,
		`{"matrix": [[0,1],[0,0]], "ops": ["input","conv5x5"]}`,
		`{"matrix": [[0,1],[1,0]], "ops": ["input","output"]}`,
		`{"matrix": [[0,1,1,1,1,1,0],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,1],[0,0,0,0,0,0,0]], "ops": ["input","maxpool3x3","maxpool3x3","maxpool3x3","maxpool3x3","maxpool3x3","output"]}`,
		`not json`,
		`{"matrix": [[0,1],[0,0]]}`,
		`{"matrix": "x", "ops": []}`,
		`{"matrix": [[0,1],[0,0]], "ops": ["input","output"], "extra": 1}`,
		`{"matrix": [[0,1],[0,0]], "ops": ["input","output"]} {}`,
		`{"matrix": [[0,1],[0,0]], "ops": ["input","output"]}`, // last line without newline
	}, "\n")
	want := []string{
		"28cfc7874f6d200472e1a9dcd8650aa0",
		"b49ac8c578b4561d79ac7087988f1c61",
		"b49ac8c578b4561d79ac7087988f1c61",
		"043721b9c7fe8c5fad811d47d83132ec",
		"invalid: cell: input and output are disconnected",
		"invalid: cell: vertex 1: unknown op",
		"invalid: cell: entry (1,0) below the diagonal",
		"invalid: cell: ",
		"error: line 10: not a",
		`error: line 11: missing "ops"`,
		"error: line 12: not a",
		`error: line 13: not a {"matrix": ..., "ops": ...} object: json: unknown field "extra"`,
		"error: line 14: data after the object",
		"043721b9c7fe8c5fad811d47d83132ec",
	}
	out, _, err := runCellsCmd(t, in, "hash")
	if err == nil || err.Error() != "5 malformed line(s)" {
		t.Errorf("error %v, want 5 malformed lines", err)
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d output lines, want %d:\n%s", len(got), len(want), out)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("line %d: %q, want prefix %q", i+1, got[i], want[i])
		}
	}
	if !strings.Contains(got[7], "edges") {
		t.Errorf("too many edges: %q", got[7])
	}
}

func TestCellsHashFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.jsonl")
	if err := os.WriteFile(p, []byte("{}\n{\"matrix\": [[0,1],[0,0]], \"ops\": [\"input\",\"output\"]}\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCellsCmd(t, "", "hash", p)
	if err == nil {
		t.Error("no error for a malformed line")
	}
	want := "error: " + p + ": line 1: missing \"matrix\"\n043721b9c7fe8c5fad811d47d83132ec\n"
	if out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	if _, _, err := runCellsCmd(t, "", "hash", filepath.Join(dir, "missing")); err == nil {
		t.Error("no error for a missing file")
	}
	long := strings.Repeat(" ", maxHashLine+10) + "\n" + `{"matrix": [[0,1],[0,0]], "ops": ["input","output"]}`
	out, _, _ = runCellsCmd(t, long, "hash")
	if !strings.HasPrefix(out, "error: line 1: longer than") || !strings.HasSuffix(out, "043721b9c7fe8c5fad811d47d83132ec\n") {
		t.Errorf("long line: output %q", out)
	}
}

func TestCellsUsage(t *testing.T) {
	for _, args := range [][]string{
		{}, {"frobnicate"}, {"enumerate"}, {"enumerate", "--space", "nasbench301"},
		{"enumerate", "--space", "nasbench201", "--dataset", "mnist"},
		{"enumerate", "--space", "nasbench201", "extra"}, {"enumerate", "--bogus"}, {"hash", "--bogus"},
	} {
		if _, _, err := runCellsCmd(t, "", args...); !errors.Is(err, errUsage) {
			t.Errorf("cells %q: error %v, want a usage error", args, err)
		}
	}
}

func TestCellsEnumerate201(t *testing.T) {
	out, _, err := runCellsCmd(t, "", "enumerate", "--space", "nasbench201")
	if err != nil {
		t.Fatal(err)
	}
	d, err := bench.ReadData(context.Background(), bench.Source{Name: "stdout", R: strings.NewReader(out)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := bench.NB201()
	if err != nil {
		t.Fatal(err)
	}
	if d.Space != bench.Space201 || d.Len() != cell.NumCells201 {
		t.Fatalf("%s, %d entries", d.Space, d.Len())
	}
	for i := range d.Len() {
		if d.Cells201[i] != tab.Rows[i].Cell || d.TestAvg[i] != tab.Rows[i].Test200[bench.CIFAR10] ||
			d.Valid[i] != tab.Rows[i].Valid12[bench.CIFAR10] || d.Time[i] != tab.Rows[i].Time12() {
			t.Fatalf("entry %d differs from the embedded table", i)
		}
	}
	if d.TestAvg[6111] != 94.373333 {
		t.Errorf("entry 6111 test_accuracy_avg %v, want 94.373333", d.TestAvg[6111])
	}
	// CIFAR-100: 200-epoch accuracies, no training time.
	dir := t.TempDir()
	p := filepath.Join(dir, "c100.json")
	if _, msg, err := runCellsCmd(t, "", "enumerate", "--space", "nb201", "--dataset", "cifar100", "-o", p); err != nil || !strings.Contains(msg, "wrote 15625 nasbench201 cells") {
		t.Fatalf("error %v, stderr %q", err, msg)
	}
	d, err = bench.LoadData(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Valid[6111] != tab.Rows[6111].Valid200[bench.CIFAR100] || d.Time[6111] == d.Time[6111] {
		t.Errorf("cifar100 entry 6111: valid %v time %v", d.Valid[6111], d.Time[6111])
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
}

func TestCellsEnumerate101(t *testing.T) {
	if testing.Short() {
		t.Skip("enumerates all 423,624 NB101 cells")
	}
	p := filepath.Join(t.TempDir(), "nb101.json")
	if _, _, err := runCellsCmd(t, "", "enumerate", "--space", "nasbench101", "-o", p); err != nil {
		t.Fatal(err)
	}
	d, err := bench.LoadData(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Space != bench.Space101 || d.Len() != cell.NumCells101 {
		t.Fatalf("%s, %d entries", d.Space, d.Len())
	}
	sub, err := bench.NB101Subset()
	if err != nil {
		t.Fatal(err)
	}
	known, seen := 0, make(map[cell.Hash]bool, d.Len())
	for i, h := range d.Hashes {
		if seen[h] {
			t.Fatalf("hash %s twice", h)
		}
		seen[h] = true
		if j, ok := sub.Lookup(h); ok {
			known++
			if d.Valid[i] != float64(sub.Records[j].Valid108) || d.Time[i] != float64(sub.Records[j].Time) {
				t.Fatalf("entry %d: accuracy %v, time %v differ from the subset", i, d.Valid[i], d.Time[i])
			}
		} else if d.Valid[i] == d.Valid[i] {
			t.Fatalf("entry %d: accuracy %v for a cell outside the subset", i, d.Valid[i])
		}
		if d.Test[i] == d.Test[i] {
			t.Fatalf("entry %d: test accuracy %v, want unknown", i, d.Test[i])
		}
	}
	if known != sub.Len() {
		t.Errorf("%d entries with accuracies, want %d", known, sub.Len())
	}
}

// FuzzParseHashLine checks that no input line panics the "cells hash"
// line parser, and that accepted lines give a hash or an invalid reason.
func FuzzParseHashLine(f *testing.F) {
	for _, s := range []string{
		`{"matrix": [[0,1,0],[0,0,1],[0,0,0]], "ops": ["input","conv3x3-bn-relu","output"]}`,
		`{"matrix": [[0,1],[1,0]], "ops": ["input","output"]}`,
		`{"matrix": [[0,2]], "ops": ["input"]}`,
		`{"matrix": [], "ops": []}`,
		`{"matrix": null, "ops": null}`,
		`{"matrix": [[0,1],[0,0]], "ops": ["input","output"], "x": 1}`,
		`[]`, `{`, ``, `{"matrix": [[1e400]], "ops": [1]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		res, err := hashLine(line)
		if err != nil {
			return
		}
		if !strings.HasPrefix(res, "invalid: ") {
			if _, err := cell.ParseHash(res); err != nil {
				t.Fatalf("result %q is neither a hash nor invalid", res)
			}
		}
	})
}
