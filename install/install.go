package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/arch2vec/arch2vec/arch2vec/atomicfile"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// BinaryName is the file name of the kernel binary copied into the
// kernelspec directory (with ".exe" on Windows).
var BinaryName = func() string {
	if runtime.GOOS == "windows" {
		return "arch2vec-kernel.exe"
	}
	return "arch2vec-kernel"
}()

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
	// InPlace makes argv[0] the absolute path of Executable itself
	// instead of a copy beside kernel.json: for packages that install the
	// binary on PATH, or a spec directory given to "jupyter kernelspec
	// install" (which copies the directory but not what argv points to).
	InPlace bool
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

// Install writes the kernelspec described by o into its scope's
// kernels/NAME directory, replacing an existing one of the same name, and
// returns that directory.
func Install(o Options) (string, error) {
	dir, err := SpecDir(o.Scope, o.Prefix, nameOrDefault(o.Name))
	if err != nil {
		return "", err
	}
	return dir, WriteSpec(dir, o)
}

// WriteSpec writes a complete kernelspec directory at dir (created if
// needed): kernel.json, the logos and, unless o.InPlace, the binary copy.
// o's scope and name are ignored. Install uses it; on its own it makes a
// directory for "jupyter kernelspec install DIR" or a package. Every file
// is written atomically (temporary file + rename), so a running kernel
// started from an earlier install keeps working while its binary is
// replaced.
func WriteSpec(dir string, o Options) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	src := o.Executable
	if src == "" {
		if src, err = os.Executable(); err != nil {
			return fmt.Errorf("install: locate running binary: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("install: %w", err)
	}
	bin := filepath.Join(dir, BinaryName)
	if o.InPlace {
		if bin, err = filepath.Abs(src); err != nil {
			return fmt.Errorf("install: binary: %w", err)
		}
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("install: binary: %w", err)
		}
	} else if err := copyBinary(src, bin); err != nil {
		return err
	}
	spec, err := NewKernelSpec(bin, o.DisplayName, o.Version).Marshal()
	if err != nil {
		return err
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
		if err := atomicfile.WriteBytes(filepath.Join(dir, f.name), 0o644, f.data); err != nil {
			return err
		}
	}
	return nil
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
	return atomicfile.Write(dst, 0o755, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}
