package cell

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestOpNamesAndLabels(t *testing.T) {
	tests := []struct {
		name  string
		op    Op
		label HashLabel
	}{
		{"input", Input, -1},
		{"conv1x1-bn-relu", Conv1x1, 1},
		{"conv3x3-bn-relu", Conv3x3, 0},
		{"maxpool3x3", MaxPool3x3, 2},
		{"output", Output, -2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := ParseOp(tc.name)
			if err != nil || o != tc.op {
				t.Fatalf("ParseOp = %v, %v, want %v", o, err, tc.op)
			}
			if o.String() != tc.name {
				t.Errorf("String = %q", o.String())
			}
			if o.HashLabel() != tc.label {
				t.Errorf("HashLabel = %d, want %d", o.HashLabel(), tc.label)
			}
			if back, ok := tc.label.Op(); !ok || back != tc.op {
				t.Errorf("HashLabel.Op = %v, %v", back, ok)
			}
		})
	}
	if _, err := ParseOp("conv5x5"); err == nil || !strings.Contains(err.Error(), `"conv5x5"`) {
		t.Errorf("ParseOp(conv5x5) error = %v", err)
	}
	if _, ok := HashLabel(3).Op(); ok {
		t.Error("HashLabel(3).Op() ok")
	}
	if s := Op(9).String(); s != "Op(9)" {
		t.Errorf("Op(9).String() = %q", s)
	}
}

func TestNewNB101Errors(t *testing.T) {
	ok3 := []string{"input", "conv3x3-bn-relu", "output"}
	tests := []struct {
		name   string
		matrix [][]int
		ops    []string
		want   string
	}{
		{"one vertex", [][]int{{0}}, []string{"input"}, "1 vertices"},
		{"eight vertices", make([][]int, 8), make([]string, 8), "8 vertices"},
		{"ops length", [][]int{{0, 1}, {0, 0}}, ok3, "3 ops for 2 vertices"},
		{"not square", [][]int{{0, 1, 0}, {0, 0}, {0, 0, 0}}, ok3, "row 1 has 2 entries"},
		{"entry 2", [][]int{{0, 2, 0}, {0, 0, 1}, {0, 0, 0}}, ok3, "entry (0,1) is 2"},
		{"below diagonal", [][]int{{0, 1, 0}, {0, 0, 1}, {0, 1, 0}}, ok3, "entry (2,1) below the diagonal"},
		{"diagonal", [][]int{{0, 1, 0}, {0, 1, 1}, {0, 0, 0}}, ok3, "entry (1,1) on the diagonal"},
		{"unknown op", [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, []string{"input", "conv5x5", "output"}, `unknown op "conv5x5"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewNB101(tc.matrix, tc.ops)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error = %v, want *ValidationError", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "cell: ") {
				t.Errorf("error = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestNB101Accessors(t *testing.T) {
	m := [][]int{{0, 1, 1}, {0, 0, 1}, {0, 0, 0}}
	ops := []string{"input", "maxpool3x3", "output"}
	c, err := NewNB101(m, ops)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Matrix(); !equalMatrix(got, m) {
		t.Errorf("Matrix = %v", got)
	}
	if got := c.OpNames(); strings.Join(got, ",") != strings.Join(ops, ",") {
		t.Errorf("OpNames = %v", got)
	}
	if c.NumEdges() != 3 {
		t.Errorf("NumEdges = %d", c.NumEdges())
	}
	if got, want := c.String(), "[[0 1 1] [0 0 1] [0 0 0]] [input maxpool3x3 output]"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if got := c.Labels(); len(got) != 3 || got[0] != -1 || got[1] != 2 || got[2] != -2 {
		t.Errorf("Labels = %v", got)
	}
}

func equalMatrix(a, b [][]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// mustCell builds a cell from a matrix and op names written compactly:
// "in", "c1", "c3", "mp", "out".
func mustCell(t testing.TB, matrix [][]int, short ...string) NB101 {
	t.Helper()
	names := map[string]string{"in": "input", "c1": "conv1x1-bn-relu", "c3": "conv3x3-bn-relu", "mp": "maxpool3x3", "out": "output"}
	ops := make([]string, len(short))
	for i, s := range short {
		ops[i] = names[s]
	}
	c, err := NewNB101(matrix, ops)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPruneAndValidate(t *testing.T) {
	// ten: input → five vertices → output.
	ten := mustCell(t, [][]int{
		{0, 1, 1, 1, 1, 1, 0},
		{0, 0, 0, 0, 0, 0, 1},
		{0, 0, 0, 0, 0, 0, 1},
		{0, 0, 0, 0, 0, 0, 1},
		{0, 0, 0, 0, 0, 0, 1},
		{0, 0, 0, 0, 0, 0, 1},
		{0, 0, 0, 0, 0, 0, 0},
	}, "in", "c3", "c3", "c1", "c1", "mp", "out")
	eleven := ten
	eleven.Adj[1] |= 1 << 2
	tenDangling := eleven
	tenDangling.Adj[5] = 0
	tests := []struct {
		name       string
		cell       NB101
		wantPruned NB101 // zero: Prune fails
		wantErr    string
	}{
		{
			name:       "already pruned",
			cell:       mustCell(t, [][]int{{0, 1, 1}, {0, 0, 1}, {0, 0, 0}}, "in", "c3", "out"),
			wantPruned: mustCell(t, [][]int{{0, 1, 1}, {0, 0, 1}, {0, 0, 0}}, "in", "c3", "out"),
		},
		{
			name: "dangling output-less vertex",
			// 0→1→3, 0→2 (2 has no path to the output).
			cell:       mustCell(t, [][]int{{0, 1, 1, 0}, {0, 0, 0, 1}, {0, 0, 0, 0}, {0, 0, 0, 0}}, "in", "c1", "mp", "out"),
			wantPruned: mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "in", "c1", "out"),
		},
		{
			name: "dangling input-less vertex",
			// 0→2→3, 1→3 (1 is not reachable from the input).
			cell:       mustCell(t, [][]int{{0, 0, 1, 0}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 0}}, "in", "c1", "mp", "out"),
			wantPruned: mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "in", "mp", "out"),
		},
		{
			name:    "disconnected",
			cell:    mustCell(t, [][]int{{0, 1, 0}, {0, 0, 0}, {0, 0, 0}}, "in", "c3", "out"),
			wantErr: "disconnected",
		},
		{
			name:    "no edges",
			cell:    mustCell(t, [][]int{{0, 0}, {0, 0}}, "in", "out"),
			wantErr: "disconnected",
		},
		{name: "eleven edges", cell: eleven, wantPruned: eleven, wantErr: "11 edges after pruning"},
		{name: "ten edges", cell: ten, wantPruned: ten, wantErr: "10 edges after pruning"},
		{
			name: "ten edges pruned to nine",
			// Ten edges, but vertex 5 has no out-edge: pruning it leaves nine.
			cell: tenDangling,
			wantPruned: mustCell(t, [][]int{
				{0, 1, 1, 1, 1, 0},
				{0, 0, 1, 0, 0, 1},
				{0, 0, 0, 0, 0, 1},
				{0, 0, 0, 0, 0, 1},
				{0, 0, 0, 0, 0, 1},
				{0, 0, 0, 0, 0, 0},
			}, "in", "c3", "c3", "c1", "c1", "out"),
		},
		{
			name:       "first op not input",
			cell:       mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "c3", "c3", "out"),
			wantPruned: mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "c3", "c3", "out"),
			wantErr:    "first op is conv3x3-bn-relu, want input",
		},
		{
			name:       "last op not output",
			cell:       mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "in", "c3", "mp"),
			wantPruned: mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "in", "c3", "mp"),
			wantErr:    "last op is maxpool3x3, want output",
		},
		{
			name:       "interior output",
			cell:       mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "in", "out", "out"),
			wantPruned: mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "in", "out", "out"),
			wantErr:    "vertex 1 of the pruned cell has op output",
		},
		{
			name:       "interior input pruned away",
			cell:       mustCell(t, [][]int{{0, 1, 1, 0}, {0, 0, 0, 1}, {0, 0, 0, 0}, {0, 0, 0, 0}}, "in", "c3", "in", "out"),
			wantPruned: mustCell(t, [][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, "in", "c3", "out"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.cell.Prune()
			if tc.wantPruned.N == 0 {
				if err == nil {
					t.Fatalf("Prune = %v, want an error", p)
				}
				if !errors.Is(err, ErrDisconnected) {
					t.Errorf("Prune error %v does not wrap ErrDisconnected", err)
				}
			} else if err != nil || p != tc.wantPruned {
				t.Fatalf("Prune = %v, %v, want %v", p, err, tc.wantPruned)
			}
			err = tc.cell.Validate()
			if tc.wantErr == "" {
				if err != nil || !tc.cell.Valid() {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || tc.cell.Valid() {
				t.Fatalf("Validate = %v, want error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestHandBuiltInvalidShape(t *testing.T) {
	tests := []struct {
		name string
		cell NB101
	}{
		{"zero value", NB101{}},
		{"N too big", NB101{N: 8}},
		{"edge below diagonal", NB101{N: 3, Adj: [7]uint8{0b010, 0b001}, Ops: [7]Op{Input, Conv3x3, Output}}},
		{"edge beyond N", NB101{N: 3, Adj: [7]uint8{0b1010, 0b100}, Ops: [7]Op{Input, Conv3x3, Output}}},
		{"op out of range", NB101{N: 2, Adj: [7]uint8{0b10}, Ops: [7]Op{Input, 7}}},
		{"op beyond N", NB101{N: 2, Adj: [7]uint8{0b10}, Ops: [7]Op{Input, Output, Conv1x1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ve *ValidationError
			if _, err := tc.cell.Prune(); !errors.As(err, &ve) {
				t.Errorf("Prune error = %v", err)
			}
			if tc.cell.Valid() {
				t.Error("Valid")
			}
		})
	}
}

// TestNASLibPruning reads NASLib's 500 unpruned NB101 cells, prunes and
// hashes them, and checks that every hash in the range of the nasbench-vis
// 20k file (the 20,001 smallest hashes of the space) is one of its keys:
// the data README counts 94 such cells.
func TestNASLibPruning(t *testing.T) {
	var naslib struct {
		NB101 struct {
			Cifar10 map[string]struct {
				Params float64 `json:"params"`
			} `json:"cifar10"`
		} `json:"nasbench101"`
	}
	readSharedJSON(t, "data/nasbench101/raw/naslib_zc_nasbench101.json", &naslib)
	var vis struct {
		Key []string `json:"key"`
	}
	readSharedJSON(t, "data/nasbench101/raw/nasbenchvis_data-20k.json", &vis)
	keys := make(map[Hash]bool, len(vis.Key))
	var maxKey Hash
	for _, k := range vis.Key {
		h, err := ParseHash(k)
		if err != nil {
			t.Fatal(err)
		}
		keys[h] = true
		if string(h[:]) > string(maxKey[:]) {
			maxKey = h
		}
	}
	naslibOps := []Op{Input, Output, MaxPool3x3, Conv1x1, Conv3x3}
	inRange, distinct := 0, map[Hash]bool{}
	for key := range naslib.NB101.Cifar10 {
		fields := strings.Split(strings.Trim(key, "()"), ", ")
		if len(fields) != 56 {
			t.Fatalf("key %q has %d numbers", key, len(fields))
		}
		nums := make([]int, 56)
		for i, f := range fields {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatalf("key %q: %v", key, err)
			}
			nums[i] = n
		}
		m := make([][]int, 7)
		ops := make([]Op, 7)
		for i := range 7 {
			m[i] = nums[i*7 : i*7+7]
			ops[i] = naslibOps[nums[49+i]]
		}
		c, err := NewNB101Ops(m, ops)
		if err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		p, _ := c.Prune()
		h := p.Hash()
		distinct[h] = true
		if string(h[:]) <= string(maxKey[:]) {
			inRange++
			if !keys[h] {
				t.Errorf("cell %v hash %v in the 20k range but not a key", p, h)
			}
		}
	}
	if inRange != 94 || len(distinct) != 292 {
		t.Errorf("%d cells in the 20k range, %d distinct, want 94 and 292 (data README)", inRange, len(distinct))
	}
}
