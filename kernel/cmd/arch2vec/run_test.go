package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel/nbrun"
)

// runMain runs the arch2vec command line in-process.
func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = mainCode(args, &out, &errb)
	return code, out.String(), errb.String()
}

// outputSummary describes a cell's outputs compactly: output_type, plus
// the stream name or the sorted MIME types.
func outputSummary(c *nbrun.Cell) []string {
	var s []string
	for _, o := range c.Outputs {
		d := o.Type
		switch o.Type {
		case "stream":
			d += ":" + o.Name
		case "error":
			d += ":" + o.EName
		}
		s = append(s, d)
	}
	return s
}

// TestRunAllOutputs executes the conformance fixture with "arch2vec run"
// and checks every cell's outputs.
func TestRunAllOutputs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.ipynb")
	code, stdout, stderr := runMain(t, "run", "testdata/all_outputs.ipynb", "-o", out, "--timeout", "30s")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	nb, err := nbrun.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"stdout":         {"stream:stdout"},
		"stderr":         {"stream:stderr"},
		"display":        {"display_data"},
		"result":         {"execute_result"},
		"progress":       {"display_data"},
		"demo-html":      {"display_data"},
		"demo-markdown":  {"display_data"},
		"demo-png":       {"display_data"},
		"demo-svg":       {"display_data"},
		"demo-json":      {"display_data"},
		"demo-table":     {"display_data"},
		"demo-progress":  {"display_data"},
		"clear":          {"stream:stdout"},
		"pager":          nil,
		"lsmagic":        {"execute_result"},
		"history":        {"stream:stdout"},
		"expected-error": {"error:UsageError"},
		"after-error":    {"stream:stdout"},
	}
	for i, c := range nb.Cells {
		id, _ := c.ID()
		if c.Type != "code" {
			continue
		}
		if got := outputSummary(c); !reflect.DeepEqual(got, want[id]) {
			t.Errorf("cell %s: outputs %v, want %v", id, got, want[id])
		}
		if c.ExecutionCount == nil || *c.ExecutionCount != i {
			t.Errorf("cell %s: execution_count %v, want %d", id, c.ExecutionCount, i)
		}
	}
	byID := func(id string) *nbrun.Cell {
		for _, c := range nb.Cells {
			if cid, _ := c.ID(); cid == id {
				return c
			}
		}
		t.Fatalf("no cell %s", id)
		return nil
	}
	if got := byID("stdout").Outputs[0].Text; got != "hello, world\n" {
		t.Errorf("stdout text %q", got)
	}
	if got := byID("clear").Outputs[0].Text; got != "frame 2\n" {
		t.Errorf("after clear --wait: %q, want only the second frame", got)
	}
	if got := byID("progress").Outputs[0].Data["text/plain"].(string); !strings.Contains(got, "100%") {
		t.Errorf("progress display not updated to its final state: %q", got)
	}
	if r := byID("result").Outputs[0]; r.Data["text/plain"] != "42" || *r.ExecutionCount != 4 {
		t.Errorf("execute_result %+v", r)
	}
	for id, mime := range map[string]string{"demo-html": "text/html", "demo-markdown": "text/markdown",
		"demo-png": "image/png", "demo-svg": "image/svg+xml", "demo-json": "application/json", "demo-table": "text/html"} {
		data := byID(id).Outputs[0].Data
		if data[mime] == nil || data["text/plain"] == nil {
			t.Errorf("%s: data has %v, want %s and text/plain", id, keys(data), mime)
		}
	}
	for _, s := range []string{"[1/18] %echo hello, world … ok", "hello, world\n", "ran 18 of 18 cells", "1 failed", "wrote " + out} {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout)
		}
	}
	if !strings.Contains(stderr, "a warning") {
		t.Errorf("stderr lacks the stderr stream: %q", stderr)
	}
}

func TestRunStopsAtFirstError(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.ipynb"), filepath.Join(dir, "out.ipynb")
	writeNotebook(t, in, "%echo one", "%no_such_command", "%echo three")
	code, stdout, stderr := runMain(t, "run", "-o", out, in)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "cell 2 (cells[1]) failed: UsageError") {
		t.Errorf("stderr = %q", stderr)
	}
	nb, err := nbrun.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if nb.Cells[2].ExecutionCount != nil {
		t.Error("the cell after the failing one ran")
	}
	// With --allow-errors every cell runs and the exit status is 0.
	if code, stdout, stderr := runMain(t, "run", "--allow-errors", in); code != 0 || !strings.Contains(stdout, "three") {
		t.Errorf("--allow-errors: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// writeNotebook writes an nbformat 4.4 notebook with one code cell per
// source.
func writeNotebook(t *testing.T, path string, sources ...string) {
	t.Helper()
	var cells []string
	for _, s := range sources {
		cells = append(cells, `{"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], "source": "`+s+`"}`)
	}
	nb := `{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [` + strings.Join(cells, ",") + `]}`
	if err := os.WriteFile(path, []byte(nb), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRunWarnsAboutOtherLanguages(t *testing.T) {
	p := filepath.Join(t.TempDir(), "py.ipynb")
	nb := `{"nbformat": 4, "nbformat_minor": 4, "cells": [],
		"metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}}`
	if err := os.WriteFile(p, []byte(nb), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runMain(t, "run", p)
	if code != 0 || !strings.Contains(stderr, `is a python notebook (kernel "python3")`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := runMain(t, "run", "testdata/all_outputs.ipynb"); code != 0 || strings.Contains(stderr, "warning:") {
		t.Errorf("arch2vec notebook: exit %d, stderr %q", code, stderr)
	}
}

func TestRunUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.ipynb")
	os.WriteFile(bad, []byte(`{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [{"cell_type": "code"}]}`), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no file", []string{"run"}, 2, "want exactly one notebook"},
		{"two files", []string{"run", "a.ipynb", "b.ipynb"}, 2, "want exactly one notebook"},
		{"bad flag", []string{"run", "--bogus", "a.ipynb"}, 2, "flag provided but not defined"},
		{"bad timeout", []string{"run", "--timeout", "soon", "a.ipynb"}, 2, "invalid value"},
		{"missing file", []string{"run", filepath.Join(dir, "missing.ipynb")}, 1, "no such file"},
		{"device", []string{"run", os.DevNull}, 1, os.DevNull + " is not a regular file"},
		{"malformed", []string{"run", bad}, 1, `cells[0] lacks "metadata"`},
		{"negative timeout", []string{"run", "--timeout", "-5s", bad}, 2, "--timeout must be ≥ 0"},
		{"output is a directory", []string{"run", "-o", dir, bad}, 2, "is a directory"},
		{"output directory missing", []string{"run", "-o", filepath.Join(dir, "no", "x.ipynb"), bad}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runMain(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.msg)
			}
		})
	}
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args, pos []string
		o         string
	}{
		{[]string{"a.ipynb"}, []string{"a.ipynb"}, ""},
		{[]string{"a.ipynb", "-o", "b"}, []string{"a.ipynb"}, "b"},
		{[]string{"-o", "b", "a.ipynb"}, []string{"a.ipynb"}, "b"},
		{[]string{"x", "-o", "b", "y"}, []string{"x", "y"}, "b"},
		{[]string{"--", "-o"}, []string{"-o"}, ""},
		{[]string{"a", "--", "-o", "c"}, []string{"a", "-o", "c"}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			fs := newTestFlagSet()
			o := fs.String("o", "", "")
			pos, err := parseInterspersed(fs, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(pos, tt.pos) || *o != tt.o {
				t.Errorf("got %q -o %q, want %q -o %q", pos, *o, tt.pos, tt.o)
			}
		})
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestRunSIGINT runs "arch2vec run" as a process and interrupts it during
// a long cell: the cell fails with KeyboardInterrupt, the partial notebook
// is written and the exit status is 1.
func TestRunSIGINT(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	in, out := filepath.Join(dir, "in.ipynb"), filepath.Join(dir, "out.ipynb")
	writeNotebook(t, in, "%echo first", "%sleep 60", "%echo never")
	cmd := exec.Command(bin, "run", in, "-o", out)
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stdout.String(), "[1/3]") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // into %sleep
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("exit = %v, want status 1\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("run did not stop after SIGINT\n%s", stdout.String())
	}
	nb, err := nbrun.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := outputSummary(nb.Cells[1]); len(got) == 0 || got[len(got)-1] != "error:KeyboardInterrupt" {
		t.Errorf("interrupted cell outputs %v", got)
	}
	if nb.Cells[2].ExecutionCount != nil {
		t.Error("the cell after the interrupted one ran")
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr = %q", stderr.String())
	}
}
