// Package sharedtest locates the project's shared reference material
// (benchmark tables and PyTorch fixtures in ../shared beside the module
// root) for tests. The product never reads ../shared; only tests do.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Root returns the module root: the nearest directory holding go.mod at or
// above the test's working directory. The test fails if there is none.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// Path returns the path of rel (slash-separated) inside the shared
// directory, ../shared relative to the module root. The test fails when
// the file is missing: CI always provides it, so a missing file is an
// error, never a reason to skip.
func Path(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(Root(t), "..", "shared", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared file missing: %v", err)
	}
	return p
}
