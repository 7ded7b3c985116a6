package install

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// Scope selects which Jupyter data directory a kernelspec goes to, as the
// flags of "jupyter kernelspec install" do.
type Scope int

const (
	// User is the per-user data directory: $JUPYTER_DATA_DIR if set, else
	// $XDG_DATA_HOME/jupyter or ~/.local/share/jupyter on Linux,
	// ~/Library/Jupyter on macOS and %APPDATA%\jupyter on Windows
	// (jupyter_core's jupyter_data_dir).
	User Scope = iota
	// SysPrefix is the data directory of the active Python environment,
	// the equivalent of Python's sys.prefix: $CONDA_PREFIX or $VIRTUAL_ENV
	// when one is active, otherwise /usr/local. We pick /usr/local rather
	// than Debian's sys.prefix /usr because /usr belongs to the package
	// manager, and /usr/local/share/jupyter is on every Jupyter's system
	// search path.
	SysPrefix
	// Prefix is DIR/share/jupyter for an explicit prefix DIR.
	Prefix
)

// String returns the command-line flag that selects the scope.
func (s Scope) String() string {
	switch s {
	case User:
		return "--user"
	case SysPrefix:
		return "--sys-prefix"
	case Prefix:
		return "--prefix"
	}
	return fmt.Sprintf("Scope(%d)", int(s))
}

// DefaultName is the kernelspec name used when none is given.
const DefaultName = "arch2vec"

// validName is the kernel-name alphabet of jupyter_client's kernelspec.py.
var validName = regexp.MustCompile(`^[a-z0-9._-]+$`)

// NormalizeName lower-cases name (Jupyter matches kernel names ignoring
// case and stores them lower-case) and checks that it uses only ASCII
// letters, digits, '-', '.' and '_'.
func NormalizeName(name string) (string, error) {
	n := strings.ToLower(name)
	if !validName.MatchString(n) || n == "." || n == ".." {
		return "", fmt.Errorf("install: invalid kernel name %q: use only ASCII letters, digits, '-', '.' and '_'", name)
	}
	return n, nil
}

// DataDir returns the Jupyter data directory (the one holding kernels/)
// for scope. prefix is used only with Prefix and must then be non-empty.
func DataDir(scope Scope, prefix string) (string, error) {
	switch scope {
	case User:
		return userDataDir()
	case SysPrefix:
		for _, env := range []string{"CONDA_PREFIX", "VIRTUAL_ENV"} {
			if p := os.Getenv(env); p != "" {
				return filepath.Join(p, "share", "jupyter"), nil
			}
		}
		return filepath.Join("/usr/local", "share", "jupyter"), nil
	case Prefix:
		if prefix == "" {
			return "", errors.New("install: --prefix needs a directory")
		}
		abs, err := filepath.Abs(prefix)
		if err != nil {
			return "", fmt.Errorf("install: prefix %q: %w", prefix, err)
		}
		return filepath.Join(abs, "share", "jupyter"), nil
	}
	return "", fmt.Errorf("install: unknown scope %d", int(scope))
}

// userDataDir follows jupyter_core.paths.jupyter_data_dir.
func userDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Abs(d)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("install: user data dir: %w", err)
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter"), nil
	case "windows":
		if app := os.Getenv("APPDATA"); app != "" {
			return filepath.Join(app, "jupyter"), nil
		}
		return filepath.Join(home, ".jupyter", "data"), nil
	}
	if xdg := os.Getenv("XDG_DATA_HOME"); xdg != "" {
		return filepath.Join(xdg, "jupyter"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// SpecDir returns the kernelspec directory DATADIR/kernels/NAME for scope,
// prefix and a (normalised) kernel name.
func SpecDir(scope Scope, prefix, name string) (string, error) {
	n, err := NormalizeName(name)
	if err != nil {
		return "", err
	}
	data, err := DataDir(scope, prefix)
	if err != nil {
		return "", err
	}
	return filepath.Join(data, "kernels", n), nil
}
