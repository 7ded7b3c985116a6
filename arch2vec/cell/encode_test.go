package cell

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestEncode101RoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	adj := make([]float32, AdjLen101)
	ops := make([]float32, OpsLen101)
	for range 1000 {
		c := randomCell(r)
		c.EncodeTo(adj, ops)
		m, oh := toInts(adj, 7, 7), toInts(ops, 7, 5)
		for i := c.N; i < 7; i++ {
			for k := range 5 {
				if oh[i][k] != 0 {
					t.Fatalf("%v: padded op row %d not zero", c, i)
				}
			}
		}
		back, err := FromEncoding101(m, oh)
		if err != nil || back != c {
			t.Fatalf("FromEncoding101(EncodeTo(%v)) = %v, %v", c, back, err)
		}
	}
}

func TestEncode101Layout(t *testing.T) {
	c := mustCell(t, [][]int{{0, 1, 1}, {0, 0, 1}, {0, 0, 0}}, "in", "mp", "out")
	adj := make([]float32, AdjLen101)
	ops := make([]float32, OpsLen101)
	c.EncodeTo(adj, ops)
	wantAdj := map[int]bool{0*7 + 1: true, 0*7 + 2: true, 1*7 + 2: true}
	for i, x := range adj {
		if (x == 1) != wantAdj[i] || (x != 0 && x != 1) {
			t.Errorf("adj[%d] = %v", i, x)
		}
	}
	wantOps := map[int]bool{0*5 + 0: true, 1*5 + 3: true, 2*5 + 4: true}
	for i, x := range ops {
		if (x == 1) != wantOps[i] || (x != 0 && x != 1) {
			t.Errorf("ops[%d] = %v", i, x)
		}
	}
	panics(t, "short adj", func() { c.EncodeTo(adj[:48], ops) })
	panics(t, "short ops", func() { c.EncodeTo(adj, ops[:30]) })
}

func toInts(x []float32, rows, cols int) [][]int {
	m := make([][]int, rows)
	for i := range m {
		m[i] = make([]int, cols)
		for j := range cols {
			m[i][j] = int(x[i*cols+j])
		}
	}
	return m
}

func panics(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", name)
		}
	}()
	f()
}

func TestFromEncoding101Errors(t *testing.T) {
	good := func() ([][]int, [][]int) {
		c := mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "in", "c3", "out")
		adj := make([]float32, AdjLen101)
		ops := make([]float32, OpsLen101)
		c.EncodeTo(adj, ops)
		return toInts(adj, 7, 7), toInts(ops, 7, 5)
	}
	tests := []struct {
		name   string
		modify func(adj, ops [][]int) ([][]int, [][]int)
		want   string
	}{
		{"six rows", func(a, o [][]int) ([][]int, [][]int) { return a[:6], o }, "6 adjacency rows"},
		{"short op row", func(a, o [][]int) ([][]int, [][]int) { o[4] = o[4][:4]; return a, o }, "op row 4 has 4 entries"},
		{"short adj row", func(a, o [][]int) ([][]int, [][]int) { a[1] = a[1][:6]; return a, o }, "adjacency row 1 has 6 entries"},
		{"two ones", func(a, o [][]int) ([][]int, [][]int) { o[1][0] = 1; return a, o }, "op row 1 has 2 ones"},
		{"gap", func(a, o [][]int) ([][]int, [][]int) { o[5][2] = 1; return a, o }, "op row 5 is set after the all-zero padding row 3"},
		{"op value 2", func(a, o [][]int) ([][]int, [][]int) { o[1][2] = 2; return a, o }, "op entry (1,2) is 2"},
		{"edge into padding", func(a, o [][]int) ([][]int, [][]int) { a[1][4] = 1; return a, o }, "adjacency entry (1,4) outside the 3 used vertices"},
		{"below diagonal", func(a, o [][]int) ([][]int, [][]int) { a[2][0] = 1; return a, o }, "entry (2,0) below the diagonal"},
		{"one vertex", func(a, o [][]int) ([][]int, [][]int) { o[1], o[2] = make([]int, 5), make([]int, 5); return a, o }, "1 vertices"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			adj, ops := tc.modify(good())
			_, err := FromEncoding101(adj, ops)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDecode101(t *testing.T) {
	adj := make([]float32, AdjLen101)
	ops := make([]float32, OpsLen101)
	// Edges 0→1 (0.51), 1→6 (0.9); 0.5 exactly is no edge; the lower
	// triangle and the diagonal are ignored.
	adj[0*7+1], adj[1*7+6], adj[0*7+2], adj[3*7+3], adj[6*7+0] = 0.51, 0.9, 0.5, 0.99, 0.99
	rows := [][]float32{
		{0.9, 0.1, 0.1, 0.1, 0.1}, // input
		{0.2, 0.3, 0.3, 0.1, 0.1}, // tie conv1x1/conv3x3: first wins
		{0.1, 0.1, 0.1, 0.8, 0.1}, // maxpool
		{0, 0, 0, 0, 0},           // all equal: input
		{0.1, 0.1, 0.9, 0.1, 0.1},
		{0.1, 0.1, 0.9, 0.1, 0.1},
		{0.1, 0.1, 0.1, 0.1, 0.9}, // output
	}
	for i, r := range rows {
		copy(ops[i*5:], r)
	}
	d := Decode101(adj, ops)
	want := NB101{N: 7, Adj: [7]uint8{1 << 1, 1 << 6}, Ops: [7]Op{Input, Conv1x1, MaxPool3x3, Input, Conv3x3, Conv3x3, Output}}
	if d != want {
		t.Fatalf("Decode101 = %v, want %v", d, want)
	}
	// Valid: the interior input at vertex 3 is pruned away.
	if err := d.Validate(); err != nil {
		t.Errorf("Validate = %v", err)
	}
	// The fingerprint is taken on the unpruned cell: it differs from the
	// fingerprint of the pruned one.
	p, _ := d.Prune()
	if d.Fingerprint() == p.Fingerprint() {
		t.Error("fingerprint of unpruned and pruned decodings agree")
	}
	panics(t, "short", func() { Decode101(adj[:10], ops) })
}
