package main

// Executes the repository's notebooks (notebooks/*.ipynb) the two ways a
// user would: "arch2vec run" and, when Debian's Jupyter
// packages are installed, "jupyter nbconvert --execute" against the kernel
// built from this package. See notebooks/README.md.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel/commands"
	"github.com/arch2vec/arch2vec/kernel/nbrun"
)

// nbconvertAllEnv names the variable that runs every notebook in full
// through nbconvert too (by default only notebooks/quickstart.ipynb is; the
// others pass through nbconvert with the kernel's quick caps, to keep CI
// within its time budget: "arch2vec run" executes them in full).
const nbconvertAllEnv = "ARCH2VEC_NOTEBOOKS_NBCONVERT_ALL"

// notebooksDir is the repository's notebooks directory, relative to this
// package (where go test runs its tests).
var notebooksDir = filepath.Join("..", "..", "..", "notebooks")

// TestNotebooks runs every notebook in notebooks/ with "arch2vec run" (the
// binary built from this package) and checks that each code cell ran,
// produced output and no error, and that the result is valid nbformat (when
// python3-nbformat is installed, or ARCH2VEC_REQUIRE_JUPYTER=1). When
// nbconvert is available it also executes every notebook through the
// Jupyter kernel: quickstart.ipynb in full, checking that the outputs have
// the same shape as the "arch2vec run" ones, the others with
// ARCH2VEC_QUICK=1 (all in full with ARCH2VEC_NOTEBOOKS_NBCONVERT_ALL=1).
func TestNotebooks(t *testing.T) {
	if testing.Short() {
		t.Skip("executes the notebooks (minutes); skipped with -short")
	}
	paths, err := filepath.Glob(filepath.Join(notebooksDir, "*.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no notebooks in notebooks/")
	}
	// The notebooks run in a binary built without the race detector, which
	// would make their numeric work many times slower when the kernel's
	// tests run with -race.
	dir := t.TempDir()
	runner := &jupyterEnv{dir: dir, bin: buildBinary(t, dir)}
	ran := map[string]*nbrun.Notebook{}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".ipynb")
		t.Run("run/"+name, func(t *testing.T) {
			checkNotebookSource(t, path)
			out := filepath.Join(dir, name+".run.ipynb")
			start := time.Now()
			stdout, err := runner.try(15*time.Minute, runner.bin, "run", path, "-o", out, "--timeout", "10m")
			t.Logf("arch2vec run %s: %.1f s", filepath.Base(path), time.Since(start).Seconds())
			if err != nil {
				t.Fatalf("arch2vec run %s: %v\n%s", path, err, tail(stdout, 40))
			}
			ran[name] = checkExecuted(t, out)
			t.Run("nbformat", func(t *testing.T) {
				requireJupyter(t, "nbformat")
				runner.validateNotebook(t, out)
			})
		})
	}

	t.Run("nbconvert", func(t *testing.T) {
		requireJupyter(t, "nbformat", "nbclient", "nbconvert")
		je := newJupyterEnv(t)
		quick := *je
		quick.env = append(slices.Clone(je.env), commands.QuickEnv+"=1")
		for _, path := range paths {
			name := strings.TrimSuffix(filepath.Base(path), ".ipynb")
			// quickstart runs in full through Jupyter too; the others with
			// the kernel's quick caps (ARCH2VEC_QUICK=1), unless
			// ARCH2VEC_NOTEBOOKS_NBCONVERT_ALL=1 asks for full runs.
			env, full := &quick, name == "quickstart" || os.Getenv(nbconvertAllEnv) == "1"
			if full {
				env = je
			}
			t.Run(name, func(t *testing.T) {
				start := time.Now()
				env.run(t, 15*time.Minute, "/usr/bin/jupyter", "nbconvert", "--to", "notebook", "--execute",
					"--ExecutePreprocessor.kernel_name="+conformanceKernel, "--ExecutePreprocessor.timeout=600",
					"--output-dir", je.dir, "--output", name+".ipynb", path)
				t.Logf("nbconvert --execute %s (full %v): %.1f s", filepath.Base(path), full, time.Since(start).Seconds())
				out := filepath.Join(je.dir, name+".ipynb")
				je.validateNotebook(t, out)
				got := checkExecuted(t, out)
				want := ran[name]
				if want == nil || !full {
					return // the run pass failed (it said why), or a quick run: other outputs
				}
				for i, c := range got.Cells {
					if g, w := outputShape(c), outputShape(want.Cells[i]); !reflect.DeepEqual(g, w) {
						id, _ := c.ID()
						t.Errorf("cell %s: nbconvert outputs %v, arch2vec run %v", id, g, w)
					}
				}
			})
		}
	})
}

// checkNotebookSource checks what a committed notebook must declare: nbformat
// 4 with the arch2vec kernelspec, so Jupyter opens it with this kernel.
func checkNotebookSource(t *testing.T, path string) {
	t.Helper()
	nb, err := nbrun.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		Kernelspec struct{ Name, Language string } `json:"kernelspec"`
	}
	if err := json.Unmarshal(nb.Metadata, &md); err != nil {
		t.Fatalf("%s: metadata: %v", path, err)
	}
	if md.Kernelspec.Name != "arch2vec" || md.Kernelspec.Language != "arch2vec" {
		t.Errorf("%s: kernelspec %+v, want name and language arch2vec", path, md.Kernelspec)
	}
}

// checkExecuted reads an executed notebook and checks that every non-empty
// code cell has an execution count and outputs, none of them an error.
func checkExecuted(t *testing.T, path string) *nbrun.Notebook {
	t.Helper()
	nb, err := nbrun.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	code := 0
	for _, c := range nb.Cells {
		if c.Type != "code" || strings.TrimSpace(c.Source) == "" {
			continue
		}
		code++
		id, _ := c.ID()
		if c.ExecutionCount == nil {
			t.Errorf("cell %s (%q) did not run", id, headlineOf(c.Source))
		}
		if len(c.Outputs) == 0 {
			t.Errorf("cell %s (%q) has no outputs", id, headlineOf(c.Source))
		}
		for _, o := range c.Outputs {
			if o.Type == "error" {
				t.Errorf("cell %s (%q) failed: %s: %s", id, headlineOf(c.Source), o.EName, o.EValue)
			}
		}
	}
	if code == 0 {
		t.Errorf("%s has no code cells", path)
	}
	return nb
}

// outputShape describes a cell's outputs by type and sorted MIME types:
// what must agree between "arch2vec run" and nbconvert (the numbers are
// deterministic too, but timings in progress bars are not).
func outputShape(c *nbrun.Cell) []string {
	var s []string
	for _, o := range c.Outputs {
		ks := keys(o.Data)
		slices.Sort(ks)
		s = append(s, outputSummary(&nbrun.Cell{Outputs: []*nbrun.Output{o}})[0]+" "+strings.Join(ks, ","))
	}
	return s
}

// headlineOf returns the first line of a cell's source.
func headlineOf(src string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(src), "\n")
	return line
}
