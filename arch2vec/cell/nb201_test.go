package cell

import (
	"strings"
	"testing"
)

const arch201Example = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|"

func TestParseArch201(t *testing.T) {
	c, err := ParseArch201(arch201Example)
	if err != nil {
		t.Fatal(err)
	}
	want := NB201{Conv3x3201, None201, Skip201, AvgPool3x3201, Conv1x1201, None201}
	if c != want {
		t.Fatalf("ParseArch201 = %v, want %v", c, want)
	}
	if c.String() != arch201Example {
		t.Errorf("String = %q", c.String())
	}
}

func TestParseArch201Errors(t *testing.T) {
	tests := []struct {
		name, s, want string
	}{
		{"empty", "", "has 1 nodes"},
		{"two nodes", "|none~0|+|none~0|none~1|", "has 2 nodes"},
		{"missing bar", "|none~0+|none~0|none~1|+|none~0|none~1|none~2|", `node "|none~0"`},
		{"wrong count", "|none~0|+|none~0|+|none~0|none~1|none~2|", `node "|none~0|" has 1 tokens, want 2`},
		{"wrong source", "|none~0|+|none~1|none~0|+|none~0|none~1|none~2|", `token "none~1", want op~0`},
		{"no tilde", "|none~0|+|none~0|none|+|none~0|none~1|none~2|", `token "none", want op~1`},
		{"unknown op", "|conv5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|", `token "conv5x5~0": unknown op "conv5x5"`},
		{"input op", "|input~0|+|none~0|none~1|+|none~0|none~1|none~2|", `token "input~0": unknown op "input"`},
		{"leading zero", "|none~0|+|none~0|none~01|+|none~0|none~1|none~2|", `token "none~01"`},
		{"space", "|none~0| +|none~0|none~1|+|none~0|none~1|none~2|", `node "|none~0| "`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseArch201(tc.s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestAll201RoundTrips(t *testing.T) {
	all := All201()
	if len(all) != NumCells201 {
		t.Fatalf("%d cells", len(all))
	}
	seen := make(map[NB201]bool, len(all))
	adj := make([]float32, AdjLen201)
	ops := make([]float32, OpsLen201)
	for i, c := range all {
		if seen[c] {
			t.Fatalf("cell %d %v repeated", i, c)
		}
		seen[c] = true
		if i > 0 && !lessNB201(all[i-1], c) {
			t.Fatalf("cells %d, %d out of order", i-1, i)
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		p, err := ParseArch201(c.String())
		if err != nil || p != c {
			t.Fatalf("ParseArch201(%q) = %v, %v", c.String(), p, err)
		}
		c.EncodeTo(adj, ops)
		e, err := FromEncoding201(toInts(adj, 8, 8), toInts(ops, 8, 7))
		if err != nil || e != c {
			t.Fatalf("FromEncoding201(EncodeTo(%v)) = %v, %v", c, e, err)
		}
		d := Decode201(adj, ops)
		if !d.Valid() {
			t.Fatalf("decoded %v not valid: %v", c, d.Validate())
		}
		if back, err := d.Cell(); err != nil || back != c {
			t.Fatalf("Decode201(%v).Cell() = %v, %v", c, back, err)
		}
	}
}

func lessNB201(a, b NB201) bool {
	for e := range a {
		if a[e] != b[e] {
			return a[e] < b[e]
		}
	}
	return false
}

func TestEncode201Adjacency(t *testing.T) {
	adj := make([]float32, AdjLen201)
	ops := make([]float32, OpsLen201)
	NB201{}.EncodeTo(adj, ops) // zero value: ops are Input201, only the layout matters
	edges := map[[2]int]bool{{0, 1}: true, {0, 2}: true, {0, 4}: true, {1, 3}: true, {1, 5}: true,
		{2, 6}: true, {3, 6}: true, {4, 7}: true, {5, 7}: true, {6, 7}: true}
	for i := range 8 {
		for j := range 8 {
			if got := adj[i*8+j] == 1; got != edges[[2]int{i, j}] {
				t.Errorf("adj(%d,%d) = %v", i, j, adj[i*8+j])
			}
		}
	}
	panics(t, "short", func() { NB201{}.EncodeTo(adj[:10], ops) })
	if (NB201{}).Validate() == nil {
		t.Error("zero NB201 (input on every edge) validates")
	}
}

func TestFromEncoding201Errors(t *testing.T) {
	good := func() ([][]int, [][]int) {
		adj := make([]float32, AdjLen201)
		ops := make([]float32, OpsLen201)
		NB201{None201, None201, None201, None201, None201, None201}.EncodeTo(adj, ops)
		return toInts(adj, 8, 8), toInts(ops, 8, 7)
	}
	tests := []struct {
		name   string
		modify func(a, o [][]int)
		want   string
	}{
		{"extra edge", func(a, o [][]int) { a[0][7] = 1 }, "adjacency entry (0,7) is 1, want 0"},
		{"missing edge", func(a, o [][]int) { a[1][3] = 0 }, "adjacency entry (1,3) is 0, want 1"},
		{"first op", func(a, o [][]int) { o[0][0], o[0][5] = 0, 1 }, "first and last ops are none and output"},
		{"edge op input", func(a, o [][]int) { o[3][5], o[3][0] = 0, 1 }, "edge 2 has op input"},
		{"padding row", func(a, o [][]int) { o[7][6] = 0 }, "7 op rows set, want 8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, o := good()
			tc.modify(a, o)
			_, err := FromEncoding201(a, o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDecoded201Quirk(t *testing.T) {
	c := NB201{Conv3x3201, None201, Skip201, AvgPool3x3201, Conv1x1201, None201}
	d := Decoded201{Adj: adj201, Ops: c.Ops()}
	tests := []struct {
		name      string
		modify    func(*Decoded201)
		valid     bool
		cellError string
	}{
		{"cell", func(*Decoded201) {}, true, ""},
		{"node 1 output (unchecked quirk)", func(d *Decoded201) { d.Ops[1] = Output201 }, true, "edge 0 has op output"},
		{"adjacency ignored", func(d *Decoded201) { d.Adj[0] = 0 }, true, "not the fixed NB201 graph"},
		{"node 2 input", func(d *Decoded201) { d.Ops[2] = Input201 }, false, "node 2 has op input"},
		{"first not input", func(d *Decoded201) { d.Ops[0] = None201 }, false, "first op is none"},
		{"last not output", func(d *Decoded201) { d.Ops[7] = None201 }, false, "last op is none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := d
			tc.modify(&x)
			if x.Valid() != tc.valid {
				t.Errorf("Valid = %v (%v), want %v", x.Valid(), x.Validate(), tc.valid)
			}
			got, err := x.Cell()
			if tc.cellError == "" {
				if err != nil || got != c {
					t.Errorf("Cell = %v, %v", got, err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.cellError) {
				t.Errorf("Cell error = %v, want %q", err, tc.cellError)
			}
		})
	}
}

func TestOp201Names(t *testing.T) {
	for o := range Op201(NumOps201) {
		p, err := ParseOp201(o.String())
		if err != nil || p != o {
			t.Errorf("ParseOp201(%q) = %v, %v", o.String(), p, err)
		}
		if o.IsEdgeOp() != (o != Input201 && o != Output201) {
			t.Errorf("%v.IsEdgeOp() = %v", o, o.IsEdgeOp())
		}
	}
	if _, err := ParseOp201("conv3x3"); err == nil {
		t.Error("ParseOp201(conv3x3) succeeded")
	}
}

func TestDecoded201Fingerprint(t *testing.T) {
	c := NB201{Conv3x3201, None201, Skip201, AvgPool3x3201, Conv1x1201, None201}
	d := Decoded201{Adj: adj201, Ops: c.Ops()}
	m := make([][]int, 8)
	labels := make([]string, 8)
	for i := range m {
		m[i] = make([]int, 8)
		for j := range 8 {
			m[i][j] = int(adj201[i] >> j & 1)
		}
		h := make([]float64, 7)
		h[d.Ops[i]] = 1
		labels[i] = pyFloatList(h)
	}
	if got, want := d.Fingerprint(), HashModule(m, labels); got != want {
		t.Fatalf("Fingerprint = %v, want %v", got, want)
	}
	e := d
	e.Ops[3] = Conv3x3201
	if e.Fingerprint() == d.Fingerprint() {
		t.Error("different graphs, same fingerprint")
	}
}
