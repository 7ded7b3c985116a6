package cell

import (
	"encoding/json"
	"github.com/arch2vec/arch2vec/arch2vec/internal/sharedtest"
	"os"
	"testing"
)

// sharedPath returns the path of a file under the project's shared
// directory; the test fails if it is missing.
func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	return sharedtest.Path(t, rel)
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
