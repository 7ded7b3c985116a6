package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.txt")
	if err := WriteBytes(path, 0o600, []byte("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, 0o644, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want %v", err, boom)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("after a failed write got %q, want %q", b, "old")
	}
	if err := WriteBytes(path, 0o644, []byte("new")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(b) != "new" || st.Mode().Perm() != 0o644 {
		t.Fatalf("got %q mode %v, want %q mode 0644", b, st.Mode().Perm(), "new")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
	missing := filepath.Join(dir, "missing", "x")
	if err := WriteBytes(missing, 0o644, nil); err == nil || !strings.Contains(err.Error(), "create "+missing+":") {
		t.Fatalf("write into a missing directory: err = %v, want one naming %s", err, missing)
	}
}

// TestWriteBadPath checks that paths a user can mistype give an error
// naming the path, and leave nothing behind.
func TestWriteBadPath(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, path, want string }{
		{"empty", "", "atomicfile: empty file name"},
		{"directory", dir, "atomicfile: " + dir + " is a directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteBytes(tt.path, 0o644, []byte("x"))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("files left behind: %v", entries)
			}
		})
	}
}
