package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// BinaryName is the file name of the kernel binary copied into the
// kernelspec directory.
const BinaryName = "arch2vec-kernel"

// Options says what to install and where.
type Options struct {
	Scope  Scope
	Prefix string // the directory for Scope == Prefix
	// Name is the kernelspec name (directory name); DefaultName if empty.
	Name string
	// DisplayName is shown in launchers and menus; "arch2vec" if empty.
	DisplayName string
	// Executable is the kernel binary to copy beside kernel.json;
	// os.Executable() if empty.
	Executable string
	// Version is recorded in kernel.json's metadata (may be empty).
	Version string
}

// KernelSpec is the content of kernel.json (jupyter_client
// docs/kernels.rst). Fields marshal as {} or [], never null.
type KernelSpec struct {
	Argv          []string       `json:"argv"`
	DisplayName   string         `json:"display_name"`
	Language      string         `json:"language"`
	InterruptMode string         `json:"interrupt_mode"`
	Env           map[string]any `json:"env"`
	Metadata      map[string]any `json:"metadata"`
}

// NewKernelSpec returns the kernelspec that starts binary (an absolute path)
// in kernel mode, interrupted by interrupt_request messages rather than
// signals.
func NewKernelSpec(binary, displayName, version string) KernelSpec {
	if displayName == "" {
		displayName = "arch2vec"
	}
	return KernelSpec{
		Argv:          []string{binary, "kernel", "--connection-file", "{connection_file}"},
		DisplayName:   displayName,
		Language:      "arch2vec",
		InterruptMode: "message",
		Env:           map[string]any{},
		Metadata: map[string]any{
			"debugger": false,
			"arch2vec": map[string]any{"version": version},
		},
	}
}

// Marshal returns kernel.json's bytes: indented, without HTML escaping,
// ending in a newline.
func (k KernelSpec) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(k); err != nil {
		return nil, fmt.Errorf("install: kernel.json: %w", err)
	}
	return buf.Bytes(), nil
}

// Install writes the kernelspec described by o, replacing an existing one
// of the same name, and returns its directory. Every file is written
// atomically (temporary file + rename), so a running kernel started from an
// earlier install keeps working while its binary is replaced.
func Install(o Options) (string, error) {
	dir, err := SpecDir(o.Scope, o.Prefix, nameOrDefault(o.Name))
	if err != nil {
		return "", err
	}
	src := o.Executable
	if src == "" {
		if src, err = os.Executable(); err != nil {
			return "", fmt.Errorf("install: locate running binary: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	bin := filepath.Join(dir, BinaryName)
	if err := copyBinary(src, bin); err != nil {
		return "", err
	}
	spec, err := NewKernelSpec(bin, o.DisplayName, o.Version).Marshal()
	if err != nil {
		return "", err
	}
	files := []struct {
		name string
		data []byte
	}{
		{"kernel.json", spec},
		{"logo-32x32.png", LogoPNG(32)},
		{"logo-64x64.png", LogoPNG(64)},
		{"logo-svg.svg", LogoSVG()},
	}
	for _, f := range files {
		if err := writeAtomic(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// Uninstall removes the kernelspec named o.Name in o's scope and returns the
// directory it removed. It refuses to remove a directory that holds no
// kernel.json, so a wrong --prefix cannot delete unrelated files.
func Uninstall(o Options) (string, error) {
	dir, err := SpecDir(o.Scope, o.Prefix, nameOrDefault(o.Name))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("install: no kernelspec %q in %s", nameOrDefault(o.Name), filepath.Dir(dir))
		}
		return "", fmt.Errorf("install: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("install: remove %s: %w", dir, err)
	}
	return dir, nil
}

func nameOrDefault(n string) string {
	if n == "" {
		return DefaultName
	}
	return n
}

// copyBinary copies the executable src to dst (mode 0755) unless they are
// already the same file (re-installing from an installed copy).
func copyBinary(src, dst string) error {
	si, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("install: binary: %w", err)
	}
	if di, err := os.Stat(dst); err == nil && os.SameFile(si, di) {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("install: binary: %w", err)
	}
	defer in.Close()
	return writeAtomicFrom(dst, in, 0o755)
}

// writeAtomic writes data to path through a temporary file in the same
// directory and a rename.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	return writeAtomicFrom(path, bytes.NewReader(data), mode)
}

func writeAtomicFrom(path string, r io.Reader, mode os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = io.Copy(tmp, r); err != nil {
		return fmt.Errorf("install: write %s: %w", path, err)
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("install: chmod %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("install: write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	return nil
}
