package bench

import (
	"compress/gzip"
	"encoding/json"
	"github.com/arch2vec/arch2vec/arch2vec/internal/sharedtest"
	"math"
	"os"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// sharedPath returns the path of a file under the project's shared
// directory; the test fails if it is missing.
func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	return sharedtest.Path(t, rel)
}

// hashVector is one entry of shared/fixtures/nb101_hash_vectors.json.
type hashVector struct {
	Matrix [][]int `json:"matrix"`
	Labels []int   `json:"labels"`
	Hash   string  `json:"hash"`
}

// fixtureCells returns the cells of the hash-vector fixture with their
// expected hashes.
func fixtureCells(t testing.TB) ([]cell.NB101, []cell.Hash) {
	t.Helper()
	data, err := os.ReadFile(sharedPath(t, "fixtures/nb101_hash_vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vs []hashVector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	names := map[int]string{-1: "input", -2: "output", 0: "conv3x3-bn-relu", 1: "conv1x1-bn-relu", 2: "maxpool3x3"}
	var cells []cell.NB101
	var hashes []cell.Hash
	for _, v := range vs {
		ops := make([]string, len(v.Labels))
		for i, l := range v.Labels {
			ops[i] = names[l]
		}
		c, err := cell.NewNB101(v.Matrix, ops)
		if err != nil {
			t.Fatal(err)
		}
		h, err := cell.ParseHash(v.Hash)
		if err != nil {
			t.Fatal(err)
		}
		cells = append(cells, c)
		hashes = append(hashes, h)
	}
	return cells, hashes
}

// parityEncodings returns the 32 arch2vec-encoded cells of
// shared/fixtures/arch2vec_parity.json.gz.
func parityEncodings(t testing.TB) (adj, ops [][][]int) {
	t.Helper()
	f, err := os.Open(sharedPath(t, "fixtures/arch2vec_parity.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Adj [][][]int `json:"module_adjacency"`
		Ops [][][]int `json:"module_operations"`
	}
	if err := json.NewDecoder(zr).Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v.Adj, v.Ops
}

// sameFloat reports whether a and b are equal or both NaN.
func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// sameEntry reports whether two entries hold the same cell and numbers.
func sameEntry(a, b Entry) bool {
	return a.Key == b.Key && a.Space == b.Space && a.Cell101 == b.Cell101 && a.Cell201 == b.Cell201 &&
		sameFloat(a.Valid, b.Valid) && sameFloat(a.Test, b.Test) && sameFloat(a.Time, b.Time) &&
		sameFloat(a.ValidAvg, b.ValidAvg) && sameFloat(a.TestAvg, b.TestAvg)
}
