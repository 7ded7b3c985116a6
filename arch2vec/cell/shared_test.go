package cell

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// sharedPath returns the path of a file under the project's shared
// directory (../shared relative to the directory holding go.mod). The test
// fails if the file is missing.
func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared file: %v", err)
	}
	return p
}

// readSharedJSON decodes a JSON file under the shared directory into v.
func readSharedJSON(t testing.TB, rel string, v any) {
	t.Helper()
	b, err := os.ReadFile(sharedPath(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

// cellFromLabels builds a cell from a matrix and nasbench hash labels.
func cellFromLabels(t testing.TB, matrix [][]int, labels []int) NB101 {
	t.Helper()
	ops := make([]Op, len(labels))
	for i, l := range labels {
		o, ok := HashLabel(l).Op()
		if !ok {
			t.Fatalf("label %d out of range", l)
		}
		ops[i] = o
	}
	c, err := NewNB101Ops(matrix, ops)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
