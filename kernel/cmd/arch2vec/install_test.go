package main

import (
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func newTestFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func TestInstallUninstallSubcommands(t *testing.T) {
	data := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", data)
	code, stdout, stderr := runMain(t, "install", "--user", "--name", "a2v-cli-test", "--display-name", "arch2vec CLI")
	if code != 0 {
		t.Fatalf("install: exit %d\n%s%s", code, stdout, stderr)
	}
	dir := filepath.Join(data, "kernels", "a2v-cli-test")
	if !strings.Contains(stdout, dir) {
		t.Errorf("install output %q does not name %s", stdout, dir)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Argv        []string `json:"argv"`
		DisplayName string   `json:"display_name"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	if len(spec.Argv) != 4 || !filepath.IsAbs(spec.Argv[0]) || spec.Argv[1] != "kernel" || spec.DisplayName != "arch2vec CLI" {
		t.Errorf("kernel.json = %s", raw)
	}
	if _, err := os.Stat(spec.Argv[0]); err != nil {
		t.Errorf("argv[0]: %v", err)
	}

	prefix := t.TempDir()
	if code, _, stderr := runMain(t, "install", "--prefix", prefix); code != 0 {
		t.Fatalf("install --prefix: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(prefix, "share/jupyter/kernels/arch2vec/kernel.json")); err != nil {
		t.Error(err)
	}

	specDir := filepath.Join(t.TempDir(), "spec")
	if code, _, stderr := runMain(t, "install", "--dir", specDir); code != 0 {
		t.Fatalf("install --dir: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(specDir, "kernel.json")); err != nil {
		t.Error(err)
	}

	if code, _, stderr := runMain(t, "uninstall", "--name", "a2v-cli-test"); code != 0 {
		t.Fatalf("uninstall: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("spec dir after uninstall: %v", err)
	}
}

func TestInstallUsageErrors(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", t.TempDir())
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"two scopes", []string{"install", "--user", "--sys-prefix"}, 2, "only one of"},
		{"positional", []string{"install", "extra"}, 2, `unexpected argument "extra"`},
		{"dir and scope", []string{"install", "--dir", "d", "--user"}, 2, "--dir excludes"},
		{"bad name", []string{"install", "--name", "a b"}, 1, "invalid kernel name"},
		{"uninstall missing", []string{"uninstall", "--name", "absent"}, 1, "no kernelspec"},
		{"uninstall bad flag", []string{"uninstall", "--display-name", "x"}, 2, "flag provided but not defined"},
		{"empty prefix", []string{"install", "--prefix", ""}, 2, "--prefix needs a non-empty value"},
		{"empty dir", []string{"install", "--dir="}, 2, "--dir needs a non-empty value"},
		{"uninstall empty prefix", []string{"uninstall", "--prefix", ""}, 2, "--prefix needs a non-empty value"},
		{"kernel empty connection file", []string{"kernel", "--connection-file", ""}, 2, "--connection-file needs a non-empty value"},
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
