package install

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBinary writes a stand-in for the kernel executable.
func fakeBinary(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "arch2vec")
	if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func readSpec(t *testing.T, dir string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("null")) {
		t.Errorf("kernel.json contains null:\n%s", data)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("kernel.json: %v", err)
	}
	return m
}

func TestInstallUninstall(t *testing.T) {
	data := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", data)
	bin := fakeBinary(t, "binary v1")

	dir, err := Install(Options{Scope: User, Name: "Arch2Vec-Test", DisplayName: "arch2vec (test)", Executable: bin, Version: "v0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(data, "kernels", "arch2vec-test"); dir != want {
		t.Fatalf("Install dir = %q, want %q", dir, want)
	}
	spec := readSpec(t, dir)
	copied := filepath.Join(dir, BinaryName)
	wantArgv := []any{copied, "kernel", "--connection-file", "{connection_file}"}
	if got, _ := json.Marshal(spec["argv"]); string(got) != mustJSON(t, wantArgv) {
		t.Errorf("argv = %s, want %s", got, mustJSON(t, wantArgv))
	}
	for k, want := range map[string]any{"display_name": "arch2vec (test)", "language": "arch2vec", "interrupt_mode": "message"} {
		if spec[k] != want {
			t.Errorf("%s = %v, want %v", k, spec[k], want)
		}
	}
	if md, _ := spec["metadata"].(map[string]any); md == nil || md["arch2vec"].(map[string]any)["version"] != "v0.1" {
		t.Errorf("metadata = %v", spec["metadata"])
	}
	fi, err := os.Stat(copied)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("copied binary mode %v is not executable", fi.Mode())
	}
	if b, _ := os.ReadFile(copied); string(b) != "binary v1" {
		t.Errorf("copied binary = %q", b)
	}
	for _, f := range []string{"logo-32x32.png", "logo-64x64.png", "logo-svg.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}

	// Re-installing from the installed copy keeps it; re-installing from a
	// new binary replaces it.
	if _, err := Install(Options{Scope: User, Name: "arch2vec-test", Executable: copied}); err != nil {
		t.Fatalf("reinstall from installed copy: %v", err)
	}
	if _, err := Install(Options{Scope: User, Name: "arch2vec-test", Executable: fakeBinary(t, "binary v2")}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(copied); string(b) != "binary v2" {
		t.Errorf("after reinstall binary = %q", b)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	if got, err := Uninstall(Options{Scope: User, Name: "ARCH2VEC-TEST"}); err != nil || got != dir {
		t.Fatalf("Uninstall = %q, %v", got, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("spec dir still there: %v", err)
	}
	if _, err := Uninstall(Options{Scope: User, Name: "arch2vec-test"}); err == nil || !strings.Contains(err.Error(), "no kernelspec") {
		t.Errorf("second Uninstall error = %v", err)
	}
}

func TestUninstallRefusesNonSpecDir(t *testing.T) {
	prefix := t.TempDir()
	dir := filepath.Join(prefix, "share", "jupyter", "kernels", "arch2vec")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Uninstall(Options{Scope: Prefix, Prefix: prefix}); err == nil {
		t.Fatal("Uninstall removed a directory without kernel.json")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("directory was removed: %v", err)
	}
}

func TestInstallErrors(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", t.TempDir())
	if _, err := Install(Options{Name: "no spaces please", Executable: fakeBinary(t, "x")}); err == nil {
		t.Error("Install accepted an invalid name")
	}
	if _, err := Install(Options{Executable: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("Install accepted a missing binary")
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestJupyterKernelspecList checks with the real jupyter_client that the
// installed spec is found. It skips when Jupyter is not installed, unless
// ARCH2VEC_REQUIRE_JUPYTER=1.
func TestJupyterKernelspecList(t *testing.T) {
	const jupyter = "/usr/bin/jupyter"
	if err := exec.Command(jupyter, "kernelspec", "--version").Run(); err != nil {
		if os.Getenv("ARCH2VEC_REQUIRE_JUPYTER") == "1" {
			t.Fatalf("ARCH2VEC_REQUIRE_JUPYTER=1 but %s kernelspec is unusable: %v", jupyter, err)
		}
		t.Skipf("jupyter kernelspec not available: %v", err)
	}
	data := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", data)
	dir, err := Install(Options{Scope: User, Name: "arch2vec-list-test", Executable: fakeBinary(t, "x")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(jupyter, "kernelspec", "list", "--json").Output()
	if err != nil {
		t.Fatalf("jupyter kernelspec list: %v", err)
	}
	var list struct {
		Kernelspecs map[string]struct {
			ResourceDir string         `json:"resource_dir"`
			Spec        map[string]any `json:"spec"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("kernelspec list --json: %v\n%s", err, out)
	}
	ks, ok := list.Kernelspecs["arch2vec-list-test"]
	if !ok {
		t.Fatalf("arch2vec-list-test not listed:\n%s", out)
	}
	if ks.ResourceDir != dir || ks.Spec["language"] != "arch2vec" || ks.Spec["interrupt_mode"] != "message" {
		t.Errorf("listed spec = %+v, want resource_dir %s", ks, dir)
	}
}

// TestWriteSpecInPlace writes a spec directory whose argv[0] is the binary
// itself, and installs it with "jupyter kernelspec install" when
// available.
func TestWriteSpecInPlace(t *testing.T) {
	bin := fakeBinary(t, "x")
	dir := filepath.Join(t.TempDir(), "spec")
	if err := WriteSpec(dir, Options{Executable: bin, InPlace: true}); err != nil {
		t.Fatal(err)
	}
	spec := readSpec(t, dir)
	if argv := spec["argv"].([]any); argv[0] != bin {
		t.Errorf("argv[0] = %v, want %s", argv[0], bin)
	}
	if _, err := os.Stat(filepath.Join(dir, BinaryName)); !os.IsNotExist(err) {
		t.Errorf("in-place spec has a binary copy: %v", err)
	}
	if err := WriteSpec(t.TempDir(), Options{Executable: filepath.Join(t.TempDir(), "none"), InPlace: true}); err == nil {
		t.Error("WriteSpec accepted a missing binary")
	}

	const jupyter = "/usr/bin/jupyter"
	if exec.Command(jupyter, "kernelspec", "--version").Run() != nil {
		return // the rest needs jupyter-client (checked by TestJupyterKernelspecList)
	}
	prefix := t.TempDir()
	if out, err := exec.Command(jupyter, "kernelspec", "install", dir, "--prefix", prefix, "--name", "a2v-inplace").CombinedOutput(); err != nil {
		t.Fatalf("jupyter kernelspec install: %v\n%s", err, out)
	}
	installed := filepath.Join(prefix, "share", "jupyter", "kernels", "a2v-inplace")
	if got := readSpec(t, installed)["argv"].([]any)[0]; got != bin {
		t.Errorf("installed argv[0] = %v", got)
	}
}
