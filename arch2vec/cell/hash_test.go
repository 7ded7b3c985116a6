package cell

import (
	"crypto/md5"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestMD5TupleRepr(t *testing.T) {
	got := fmt.Sprintf("%x", md5.Sum([]byte("(3, 0, -1)")))
	if want := "3d482e8e629c3a30daf52ea423544a8c"; got != want {
		t.Fatalf("md5 = %s, want %s", got, want)
	}
	if d := initTables().hashLabels[3][0][Input]; string(d.hex[:]) != got {
		t.Fatalf("initial table (3,0,input) = %s, want %s", d.hex, got)
	}
}

func TestHashBriefVectors(t *testing.T) {
	tests := []struct {
		name   string
		matrix [][]int
		labels []int
		want   string
	}{
		{"example.py spec", exampleMatrix, exampleLabels, "28cfc7874f6d200472e1a9dcd8650aa0"},
		{"input-conv3x3-output", [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, []int{-1, 0, -2}, "b49ac8c578b4561d79ac7087988f1c61"},
		{"input-output", [][]int{{0, 1}, {0, 0}}, []int{-1, -2}, "043721b9c7fe8c5fad811d47d83132ec"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkHash(t, tc.matrix, tc.labels, tc.want)
		})
	}
}

// checkHash checks the fast path and HashModule against a known hash.
func checkHash(t *testing.T, matrix [][]int, labels []int, want string) {
	t.Helper()
	c := cellFromLabels(t, matrix, labels)
	if got := c.Hash().String(); got != want {
		t.Errorf("NB101.Hash = %s, want %s", got, want)
	}
	strs := make([]string, len(labels))
	for i, l := range labels {
		strs[i] = strconv.Itoa(l)
	}
	if got := HashModule(matrix, strs).String(); got != want {
		t.Errorf("HashModule = %s, want %s", got, want)
	}
}

func TestHashFixtureVectors(t *testing.T) {
	var vecs []struct {
		Matrix [][]int `json:"matrix"`
		Labels []int   `json:"labels"`
		Hash   string  `json:"hash"`
	}
	readSharedJSON(t, "fixtures/nb101_hash_vectors.json", &vecs)
	if len(vecs) == 0 {
		t.Fatal("no vectors")
	}
	for i, v := range vecs {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			checkHash(t, v.Matrix, v.Labels, v.Hash)
			c := cellFromLabels(t, v.Matrix, v.Labels)
			if p, err := c.Prune(); err != nil || p != c {
				t.Errorf("fixture cell is pruned, but Prune = %v, %v", p, err)
			}
			if err := c.Validate(); err != nil {
				t.Errorf("Validate = %v", err)
			}
		})
	}
}

// randomCell returns a random (possibly invalid, unpruned) cell.
func randomCell(r *rand.Rand) NB101 {
	c := NB101{N: 2 + r.IntN(MaxVertices-1)}
	p := 0.2 + 0.6*r.Float64()
	for i := range c.N {
		c.Ops[i] = Op(r.IntN(NumOps101))
		for j := i + 1; j < c.N; j++ {
			if r.Float64() < p {
				c.Adj[i] |= 1 << j
			}
		}
	}
	return c
}

func TestHashFastPathMatchesHashModule(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		c := randomCell(r)
		labels := make([]string, c.N)
		hot := make([]string, c.N)
		for i := range c.N {
			labels[i] = strconv.Itoa(int(c.Ops[i].HashLabel()))
			h := []float64{0, 0, 0, 0, 0}
			h[c.Ops[i]] = 1
			hot[i] = pyFloatList(h)
		}
		if got, want := c.Hash(), HashModule(c.Matrix(), labels); got != want {
			t.Fatalf("%v: Hash = %v, HashModule = %v", c, got, want)
		}
		if got, want := c.Fingerprint(), HashModule(c.Matrix(), hot); got != want {
			t.Fatalf("%v: Fingerprint = %v, HashModule = %v", c, got, want)
		}
	}
}

// pyFloatList formats like Python's str() of a list of floats in {0, 1}.
func pyFloatList(xs []float64) string {
	s := "["
	for i, x := range xs {
		if i > 0 {
			s += ", "
		}
		s += strconv.FormatFloat(x, 'f', 1, 64)
	}
	return s + "]"
}

func TestHashNoAlloc(t *testing.T) {
	c := cellFromLabels(t, [][]int{{0, 1, 1}, {0, 0, 1}, {0, 0, 0}}, []int{-1, 0, -2})
	if n := testing.AllocsPerRun(100, func() { _ = c.Hash() }); n != 0 {
		t.Fatalf("Hash allocates %v times", n)
	}
}

func TestParseHash(t *testing.T) {
	const s = "28cfc7874f6d200472e1a9dcd8650aa0"
	h, err := ParseHash(s)
	if err != nil || h.String() != s {
		t.Fatalf("ParseHash(%q) = %v, %v", s, h, err)
	}
	if h2, err := ParseHash("28CFC7874F6D200472E1A9DCD8650AA0"); err != nil || h2 != h {
		t.Errorf("upper case: %v, %v", h2, err)
	}
	for _, bad := range []string{"", "28cfc7874f6d200472e1a9dcd8650aa", "28cfc7874f6d200472e1a9dcd8650aag", s + "0"} {
		if _, err := ParseHash(bad); err == nil {
			t.Errorf("ParseHash(%q) succeeded", bad)
		}
	}
}

func BenchmarkHash101(b *testing.B) {
	c := NB101{N: 7, Adj: [7]uint8{0b0101110, 0b1000000, 0b1000000, 0b0010000, 0b1000000, 0b1000000}, Ops: [7]Op{Input, Conv1x1, Conv3x3, Conv3x3, Conv3x3, MaxPool3x3, Output}}
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Hash()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cells/s")
}

// exampleMatrix and exampleLabels are the spec of nasbench's example.py
// (brief §7).
var (
	exampleMatrix = [][]int{
		{0, 1, 1, 1, 0, 1, 0},
		{0, 0, 0, 0, 0, 0, 1},
		{0, 0, 0, 0, 0, 0, 1},
		{0, 0, 0, 0, 1, 0, 0},
		{0, 0, 0, 0, 0, 0, 1},
		{0, 0, 0, 0, 0, 0, 1},
		{0, 0, 0, 0, 0, 0, 0},
	}
	exampleLabels = []int{-1, 1, 0, 0, 0, 2, -2}
)

// TestFingerprintGolden checks the one-hot-label fingerprints against
// values from a Python transcription of nasbench's hash_module fed with
// one_hot.tolist() rows, as arch2vec's validity sampling does.
func TestFingerprintGolden(t *testing.T) {
	ex := cellFromLabels(t, exampleMatrix, exampleLabels)
	if got, want := ex.Fingerprint().String(), "d82dcd904645c2a57850dc08c97abb64"; got != want {
		t.Errorf("example spec: Fingerprint = %s, want %s", got, want)
	}
	// Unpruned decoding: 0→1→6 plus 0→2 dangling, an input op at vertex 3.
	d := NB101{N: 7, Adj: [7]uint8{1<<1 | 1<<2, 1 << 6}, Ops: [7]Op{Input, Conv1x1, MaxPool3x3, Input, Conv3x3, Conv3x3, Output}}
	if got, want := d.Fingerprint().String(), "515639c0f6cdf5257fa2f946b1014f4b"; got != want {
		t.Errorf("decoded cell: Fingerprint = %s, want %s", got, want)
	}
	c, err := ParseArch201(arch201Example)
	if err != nil {
		t.Fatal(err)
	}
	d201 := Decoded201{Adj: adj201, Ops: c.Ops()}
	if got, want := d201.Fingerprint().String(), "2ac74ea699a39d543c5be30b17afa57b"; got != want {
		t.Errorf("NB201 %v: Fingerprint = %s, want %s", c, got, want)
	}
}

func TestHashModulePanics(t *testing.T) {
	panics(t, "rows", func() { HashModule([][]int{{0}}, []string{"-1", "-2"}) })
	panics(t, "columns", func() { HashModule([][]int{{0, 1}, {0}}, []string{"-1", "-2"}) })
}
