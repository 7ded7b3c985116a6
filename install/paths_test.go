package install

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"arch2vec", "arch2vec", true},
		{"Arch2Vec-dev_1.0", "arch2vec-dev_1.0", true},
		{"", "", false},
		{"a b", "", false},
		{"../x", "", false},
		{"..", "", false},
		{"é", "", false},
		{"a/b", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeName(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("NormalizeName(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "install: ") {
				t.Errorf("error %q lacks package prefix", err)
			}
		})
	}
}

func TestDataDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("expected paths are Linux's")
	}
	home := t.TempDir()
	tests := []struct {
		name   string
		env    map[string]string
		scope  Scope
		prefix string
		want   string
	}{
		{"user default", nil, User, "", filepath.Join(home, ".local/share/jupyter")},
		{"user xdg", map[string]string{"XDG_DATA_HOME": "/xdg"}, User, "", "/xdg/jupyter"},
		{"user JUPYTER_DATA_DIR wins", map[string]string{"XDG_DATA_HOME": "/xdg", "JUPYTER_DATA_DIR": "/jd"}, User, "", "/jd"},
		{"sys-prefix plain", nil, SysPrefix, "", "/usr/local/share/jupyter"},
		{"sys-prefix venv", map[string]string{"VIRTUAL_ENV": "/venv"}, SysPrefix, "", "/venv/share/jupyter"},
		{"sys-prefix conda first", map[string]string{"VIRTUAL_ENV": "/venv", "CONDA_PREFIX": "/conda"}, SysPrefix, "", "/conda/share/jupyter"},
		{"prefix", nil, Prefix, "/opt/x", "/opt/x/share/jupyter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			for _, k := range []string{"XDG_DATA_HOME", "JUPYTER_DATA_DIR", "VIRTUAL_ENV", "CONDA_PREFIX"} {
				t.Setenv(k, tt.env[k])
			}
			got, err := DataDir(tt.scope, tt.prefix)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("DataDir(%v, %q) = %q, want %q", tt.scope, tt.prefix, got, tt.want)
			}
		})
	}
}

func TestDataDirErrors(t *testing.T) {
	if _, err := DataDir(Prefix, ""); err == nil {
		t.Error("DataDir(Prefix, \"\") succeeded")
	}
	if _, err := DataDir(Scope(9), ""); err == nil {
		t.Error("DataDir(Scope(9)) succeeded")
	}
	if _, err := SpecDir(User, "", "bad name"); err == nil {
		t.Error("SpecDir with a bad name succeeded")
	}
}

func TestPrefixIsMadeAbsolute(t *testing.T) {
	got, err := DataDir(Prefix, "rel")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(got) || !strings.HasSuffix(got, filepath.Join("rel", "share", "jupyter")) {
		t.Errorf("DataDir(Prefix, rel) = %q", got)
	}
}
