package main

// End-to-end conformance through real Jupyter clients (Debian's packages,
// driven with /usr/bin/python3): jupyter_kernel_test, nbconvert --execute
// and the nbformat validator, against the arch2vec binary built from this
// package and installed into a temporary Jupyter data directory.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel/nbrun"
)

// python is Debian's interpreter, which sees the python3-* packages (the
// python3 on PATH may be a separate build that does not).
const python = "/usr/bin/python3"

// conformanceKernel is the kernelspec name used by the conformance tests.
const conformanceKernel = "arch2vec-conformance"

// requireJupyter skips the test unless python can import every module —
// or fails it when ARCH2VEC_REQUIRE_JUPYTER=1 (as CI sets).
func requireJupyter(t *testing.T, modules ...string) {
	t.Helper()
	out, err := exec.Command(python, "-c", "import "+strings.Join(modules, ", ")).CombinedOutput()
	if err == nil {
		return
	}
	msg := "Jupyter clients unavailable (" + strings.Join(modules, ", ") + "): " + strings.TrimSpace(string(out))
	if os.Getenv("ARCH2VEC_REQUIRE_JUPYTER") == "1" {
		t.Fatal("ARCH2VEC_REQUIRE_JUPYTER=1 but " + msg)
	}
	t.Skip(msg)
}

// jupyterEnv is a hermetic Jupyter environment: data, config and runtime
// directories under dir, the arch2vec binary built into it and installed
// as the kernelspec conformanceKernel.
type jupyterEnv struct {
	dir, bin string
	env      []string
}

func newJupyterEnv(t *testing.T) *jupyterEnv {
	t.Helper()
	dir := t.TempDir()
	je := &jupyterEnv{dir: dir, bin: buildBinary(t, dir)}
	data := filepath.Join(dir, "data")
	je.env = append(os.Environ(),
		"JUPYTER_DATA_DIR="+data,
		"JUPYTER_PATH="+data,
		"JUPYTER_CONFIG_DIR="+filepath.Join(dir, "config"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"),
		"ARCH2VEC_KERNEL_NAME="+conformanceKernel,
		"PYDEVD_DISABLE_FILE_VALIDATION=1",
		"PYTHONDONTWRITEBYTECODE=1",
	)
	je.run(t, time.Minute, je.bin, "install", "--user", "--name", conformanceKernel)
	return je
}

// run runs a command in the environment (working directory: this
// package) and returns its combined output; it fails the test on a
// non-zero exit.
func (je *jupyterEnv) run(t *testing.T, timeout time.Duration, name string, args ...string) string {
	t.Helper()
	out, err := je.try(timeout, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return out
}

func (je *jupyterEnv) try(timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = je.env
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// validateNotebook checks path with nbformat's validator.
func (je *jupyterEnv) validateNotebook(t *testing.T, path string) {
	t.Helper()
	je.run(t, time.Minute, python, "-c",
		"import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", path)
}

// TestConformance runs the real-client suites: jupyter kernelspec list,
// jupyter_kernel_test, jupyter console, a Notebook 6 server's REST and
// WebSocket API (JupyterLab's path), nbconvert --execute and
// "arch2vec run" on the same fixture (both validated by nbformat and
// compared). It needs Debian's python3-jupyter-kernel-test,
// python3-nbclient, jupyter-nbconvert, jupyter-console, python3-notebook
// and python3-nbformat; see .ci/run.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test; skipped with -short")
	}
	requireJupyter(t, "jupyter_client", "jupyter_kernel_test", "nbformat", "nbclient", "nbconvert")
	je := newJupyterEnv(t)

	t.Run("kernelspec list", func(t *testing.T) {
		out := je.run(t, time.Minute, "/usr/bin/jupyter", "kernelspec", "list")
		if !strings.Contains(out, conformanceKernel) {
			t.Errorf("jupyter kernelspec list does not show %s:\n%s", conformanceKernel, out)
		}
	})

	t.Run("jupyter_kernel_test", func(t *testing.T) {
		out, err := je.try(5*time.Minute, python, "-m", "unittest", "-v", "testdata/test_arch2vec_kernel.py")
		t.Logf("jupyter_kernel_test:\n%s", tail(out, 60))
		if err != nil {
			t.Errorf("unittest failed: %v", err)
		}
		if !strings.Contains(out, "\nOK") {
			t.Errorf("unittest did not report OK")
		}
	})

	t.Run("jupyter console", func(t *testing.T) {
		requireJupyter(t, "jupyter_console")
		console := func() ([]byte, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "/usr/bin/jupyter", "console", "--simple-prompt", "--kernel", conformanceKernel)
			cmd.Env = je.env
			cmd.Stdin = strings.NewReader("%echo hello from console\n%echo --to result 42\n%no_such_command\n%help?\n")
			// A console that dies leaves its kernel holding the output
			// pipe until the kernel notices its parent is gone.
			cmd.WaitDelay = 5 * time.Second
			return cmd.CombinedOutput()
		}
		out, err := console()
		if err != nil {
			// jupyter console is a terminal program driven through a
			// pipe here; under a loaded CI machine it has been seen to
			// exit early once. Log that and try once more.
			t.Logf("jupyter console, first attempt: %v\n%s", err, out)
			out, err = console()
		}
		if err != nil {
			t.Fatalf("jupyter console: %v\n%s", err, out)
		}
		for _, want := range []string{"Type %help", "In [1]: hello from console", "Out[2]: 42",
			"UsageError", "unknown command %no_such_command", "%help [NAME]", "Shutting down kernel"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("console output lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("notebook server websocket", func(t *testing.T) {
		requireJupyter(t, "notebook", "tornado")
		out := je.run(t, 3*time.Minute, python, "testdata/notebook_server_smoke.py")
		t.Logf("notebook_server_smoke.py:\n%s", out)
	})

	nbconvert := filepath.Join(je.dir, "nbconvert.ipynb")
	t.Run("nbconvert --execute", func(t *testing.T) {
		je.run(t, 3*time.Minute, "/usr/bin/jupyter", "nbconvert", "--to", "notebook", "--execute",
			"--ExecutePreprocessor.kernel_name="+conformanceKernel, "--ExecutePreprocessor.timeout=60",
			"--output-dir", je.dir, "--output", "nbconvert.ipynb", "testdata/all_outputs.ipynb")
		je.validateNotebook(t, nbconvert)
	})

	ran := filepath.Join(je.dir, "run.ipynb")
	t.Run("arch2vec run", func(t *testing.T) {
		je.run(t, 3*time.Minute, je.bin, "run", "testdata/all_outputs.ipynb", "-o", ran)
		je.validateNotebook(t, ran)
	})

	// Opt-in: start-up and round-trip latency of this kernel and ipykernel,
	// logged, never asserted (figures depend on the machine's load).
	t.Run("startup benchmark", func(t *testing.T) {
		if os.Getenv("ARCH2VEC_BENCH") != "1" {
			t.Skip("set ARCH2VEC_BENCH=1 to measure start-up and round trips")
		}
		requireJupyter(t, "ipykernel")
		out := je.run(t, 10*time.Minute, python, "testdata/bench_startup.py", "--starts", "10", "--executes", "200",
			conformanceKernel+"=%echo hi", "python3=print('hi')")
		var figures []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, conformanceKernel) || strings.HasPrefix(l, "python3") {
				figures = append(figures, l)
			}
		}
		t.Logf("bench_startup.py (noisy on a shared machine):\n%s", strings.Join(figures, "\n"))
	})

	t.Run("run agrees with nbconvert", func(t *testing.T) {
		a, err := nbrun.ReadFile(ran)
		if err != nil {
			t.Fatal(err)
		}
		b, err := nbrun.ReadFile(nbconvert)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a.Cells {
			sa, sb := outputDetails(a.Cells[i]), outputDetails(b.Cells[i])
			if !reflect.DeepEqual(sa, sb) {
				id, _ := a.Cells[i].ID()
				t.Errorf("cell %s: arch2vec run %v, nbconvert %v", id, sa, sb)
			}
		}
	})
}

// outputDetails describes a cell's outputs: type, stream name or error
// name, MIME types, execution count and stream text.
func outputDetails(c *nbrun.Cell) []string {
	var s []string
	for _, o := range c.Outputs {
		d := outputSummary(&nbrun.Cell{Outputs: []*nbrun.Output{o}})[0]
		if o.Type == "stream" {
			d += " " + o.Text
		}
		ks := keys(o.Data)
		sort.Strings(ks)
		s = append(s, d+" "+strings.Join(ks, ","))
	}
	if c.ExecutionCount != nil {
		s = append(s, "count "+strconv.Itoa(*c.ExecutionCount))
	}
	return s
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
