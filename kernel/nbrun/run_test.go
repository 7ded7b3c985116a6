package nbrun

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (-update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

var seconds = regexp.MustCompile(`\d+\.\d s`)

func runFixture(t *testing.T, o Options) (*Notebook, Summary, error, string) {
	t.Helper()
	nb, err := ReadFile("testdata/outputs.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	o.Stdout, o.Stderr = &out, &out
	sum, err := Run(context.Background(), nb, &fakeInterp{}, o)
	return nb, sum, err, seconds.ReplaceAllString(out.String(), "T s")
}

// TestRunGolden executes a notebook with every kind of output through the
// fake interpreter; the written notebook and the terminal echo must match
// the golden files.
func TestRunGolden(t *testing.T) {
	nb, sum, err, echo := runFixture(t, Options{})
	var ce *CellError
	if !errors.As(err, &ce) {
		t.Fatalf("Run error = %v, want a *CellError", err)
	}
	if ce.Index != 9 || ce.Number != 8 || ce.EName != "Error" || ce.EValue != "unexpected failure" {
		t.Errorf("CellError = %+v", ce)
	}
	if sum.Executed != 8 || sum.Total != 9 || len(sum.Errors) != 2 {
		t.Errorf("Summary = %+v", sum)
	}
	data, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "outputs.golden.ipynb", data)
	golden(t, "outputs.golden.txt", []byte(echo))
	if strings.Contains(string(data), `"bar"`) || strings.Contains(string(data), "transient") {
		t.Error("display ids leaked into the notebook")
	}
	if _, err := Parse(data); err != nil {
		t.Errorf("written notebook does not parse: %v", err)
	}
}

func TestRunAllowErrors(t *testing.T) {
	nb, sum, err, _ := runFixture(t, Options{AllowErrors: true})
	if err != nil {
		t.Fatalf("Run error = %v", err)
	}
	if sum.Executed != 9 || len(sum.Errors) != 2 {
		t.Errorf("Summary = %+v", sum)
	}
	last := nb.Cells[10]
	if *last.ExecutionCount != 9 || len(last.Outputs) != 1 || last.Outputs[0].Text != "not reached\n" {
		t.Errorf("last cell = count %v outputs %+v", *last.ExecutionCount, last.Outputs)
	}
}

// cellNotebook returns a notebook with one code cell per source.
func cellNotebook(t *testing.T, sources ...string) *Notebook {
	t.Helper()
	nb := &Notebook{FormatMinor: 4}
	for _, s := range sources {
		nb.Cells = append(nb.Cells, &Cell{Type: "code", Source: s, Outputs: []*Output{}})
	}
	return nb
}

func TestRunFailures(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		opts   Options
		ename  string
		evalue string
	}{
		{"timeout", "out started\nsleep", Options{Timeout: 30 * time.Millisecond}, "CellTimeoutError", "sleep: cell timed out after 30ms"},
		{"ignores cancellation", "hang", Options{Timeout: 10 * time.Millisecond, Grace: 50 * time.Millisecond}, "CellTimeoutError", "nbrun: cell did not stop within 50ms of being cancelled: cell timed out after 10ms"},
		{"panic", "panic boom", Options{}, "Panic", "interpreter panic: boom"},
		{"unencodable bundle", "badbundle", Options{}, "Error", "nbrun: display_data: json: unsupported type: func()"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb := cellNotebook(t, tt.src, "out next")
			_, err := Run(context.Background(), nb, &fakeInterp{}, tt.opts)
			var ce *CellError
			if !errors.As(err, &ce) {
				t.Fatalf("Run error = %v, want *CellError", err)
			}
			if ce.EName != tt.ename || ce.EValue != tt.evalue {
				t.Errorf("got %s: %q, want %s: %q", ce.EName, ce.EValue, tt.ename, tt.evalue)
			}
			outs := nb.Cells[0].Outputs
			if last := outs[len(outs)-1]; last.Type != "error" || len(last.Traceback) == 0 {
				t.Errorf("last output = %+v, want an error with a traceback", last)
			}
			if nb.Cells[1].ExecutionCount != nil {
				t.Error("the cell after the failure ran")
			}
		})
	}
}

// TestAbandonedCellCannotWrite checks that a cell which ignored
// cancellation cannot add output after the runner moved on.
func TestAbandonedCellCannotWrite(t *testing.T) {
	nb := cellNotebook(t, "hang")
	Run(context.Background(), nb, &fakeInterp{}, Options{Timeout: 10 * time.Millisecond, Grace: 20 * time.Millisecond, AllowErrors: true})
	time.Sleep(400 * time.Millisecond)
	for _, o := range nb.Cells[0].Outputs {
		if o.Type == "stream" {
			t.Errorf("late output recorded: %+v", o)
		}
	}
}

// TestRunInterrupt cancels the run (as SIGINT does) during a cell: the
// cell fails with KeyboardInterrupt and the run stops even with
// AllowErrors.
func TestRunInterrupt(t *testing.T) {
	nb := cellNotebook(t, "sleep", "out next")
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(20*time.Millisecond, func() { cancel(kernel.ErrInterrupted) })
	sum, err := Run(ctx, nb, &fakeInterp{}, Options{AllowErrors: true})
	var ce *CellError
	if !errors.As(err, &ce) || ce.EName != "KeyboardInterrupt" {
		t.Fatalf("Run error = %v, want KeyboardInterrupt", err)
	}
	if sum.Executed != 1 {
		t.Errorf("executed %d cells", sum.Executed)
	}
	// Cancelled before the run starts: no cell runs.
	nb = cellNotebook(t, "out x")
	if _, err := Run(ctx, nb, &fakeInterp{}, Options{}); !errors.Is(err, kernel.ErrInterrupted) {
		t.Errorf("Run on a cancelled context = %v", err)
	}
}

func TestHeadline(t *testing.T) {
	for in, want := range map[string]string{
		"%pretrain --epochs 8":  "%pretrain --epochs 8",
		"\n  %a\n%b":            "%a",
		strings.Repeat("x", 60): strings.Repeat("x", 47) + "…",
	} {
		if got := headline(in); got != want {
			t.Errorf("headline(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGoldenValidatesWithNbformat checks the golden output with the real
// nbformat validator. It skips without Debian's python3-nbformat unless
// ARCH2VEC_REQUIRE_JUPYTER=1.
func TestGoldenValidatesWithNbformat(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import nbformat").Run(); err != nil {
		if os.Getenv("ARCH2VEC_REQUIRE_JUPYTER") == "1" {
			t.Fatalf("ARCH2VEC_REQUIRE_JUPYTER=1 but nbformat is missing: %v", err)
		}
		t.Skipf("python3 nbformat not available: %v", err)
	}
	out, err := exec.Command(py, "-c", `import sys, nbformat
for p in sys.argv[1:]:
    nbformat.validate(nbformat.read(p, as_version=4))`,
		"testdata/outputs.golden.ipynb", "testdata/outputs.ipynb").CombinedOutput()
	if err != nil {
		t.Fatalf("nbformat.validate: %v\n%s", err, out)
	}
}
