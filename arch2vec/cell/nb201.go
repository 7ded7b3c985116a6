package cell

import (
	"fmt"
	"strconv"
	"strings"
)

// Sizes of arch2vec's NAS-Bench-201 encoding (nasbench201_json.py L26-51).
const (
	AdjLen201 = NB201Vertices * NB201Vertices // 8×8 adjacency, row-major
	OpsLen201 = NB201Vertices * NumOps201     // 8×7 one-hot, row-major
	// NumCells201 is the number of NAS-Bench-201 cells, 5^6.
	NumCells201 = 15625
)

// adj201 is the fixed adjacency of every NB201 cell in node-labelled form
// (brief §1.2): node order [input, op(0→1), op(0→2), op(1→2), op(0→3),
// op(1→3), op(2→3), output]; bit j of adj201[i] is the edge i→j.
var adj201 = [NB201Vertices]uint8{
	1<<1 | 1<<2 | 1<<4,
	1<<3 | 1<<5,
	1 << 6,
	1 << 6,
	1 << 7,
	1 << 7,
	1 << 7,
	0,
}

// arch201Sources is the source node of each edge in arch-string order
// (nasbench201_json.py steps_coding ['0','0','1','0','1','2']).
var arch201Sources = [NB201Edges]int{0, 0, 1, 0, 1, 2}

// ParseArch201 parses a NAS-Bench-201 arch string such as
// "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|".
// It is strict: three '+'-separated nodes of 1, 2 and 3 tokens, each
// token "op~k" with k = 0, 1, 2 in order and op one of nor_conv_1x1,
// nor_conv_3x3, avg_pool_3x3, skip_connect, none. The error, a
// *[ValidationError], names the offending token. [NB201.String] is its
// exact inverse.
func ParseArch201(s string) (NB201, error) {
	var c NB201
	nodes := strings.Split(s, "+")
	if len(nodes) != 3 {
		return c, invalidf("arch string %q has %d nodes separated by '+', want 3", s, len(nodes))
	}
	e := 0
	for i, node := range nodes {
		if len(node) < 2 || node[0] != '|' || node[len(node)-1] != '|' {
			return c, invalidf("arch string %q: node %q is not of the form |op~k|...|", s, node)
		}
		toks := strings.Split(node[1:len(node)-1], "|")
		if len(toks) != i+1 {
			return c, invalidf("arch string %q: node %q has %d tokens, want %d", s, node, len(toks), i+1)
		}
		for k, tok := range toks {
			name, src, ok := strings.Cut(tok, "~")
			if !ok || src != strconv.Itoa(k) {
				return c, invalidf("arch string %q: token %q, want op~%d", s, tok, k)
			}
			o, err := ParseOp201(name)
			if err != nil || !o.IsEdgeOp() {
				return c, invalidf("arch string %q: token %q: unknown op %q", s, tok, name)
			}
			c[e] = o
			e++
		}
	}
	return c, nil
}

// String returns the NAS-Bench-201 arch string of c, the inverse of
// [ParseArch201].
func (c NB201) String() string {
	var b strings.Builder
	for e, o := range c {
		if e == 1 || e == 3 {
			b.WriteString("+")
		}
		if e == 0 || e == 1 || e == 3 {
			b.WriteString("|")
		}
		fmt.Fprintf(&b, "%v~%d|", o, arch201Sources[e])
	}
	return b.String()
}

// Validate returns a *[ValidationError] if an edge of c holds Input201,
// Output201 or an out-of-range value, nil otherwise. Every cell from
// [ParseArch201], [FromEncoding201] or [All201] is valid. For arch2vec's
// validity rule on decoded graphs see [Decoded201.Validate].
func (c NB201) Validate() error {
	for e, o := range c {
		if !o.IsEdgeOp() {
			return invalidf("edge %d has op %v, want an edge op", e, o)
		}
	}
	return nil
}

// Ops returns the eight node labels of c: input, the six edge ops, output.
func (c NB201) Ops() [NB201Vertices]Op201 {
	var o [NB201Vertices]Op201
	o[0], o[NB201Vertices-1] = Input201, Output201
	copy(o[1:], c[:])
	return o
}

// EncodeTo writes c in arch2vec's form: adj gets the fixed 8×8 adjacency
// row-major (brief §1.2), ops the 8×7 one-hot in [Op201] order. It panics
// if len(adj) != AdjLen201 or len(ops) != OpsLen201.
func (c NB201) EncodeTo(adj, ops []float32) {
	if len(adj) != AdjLen201 || len(ops) != OpsLen201 {
		panic(fmt.Sprintf("cell: NB201.EncodeTo: lengths %d, %d, want %d, %d", len(adj), len(ops), AdjLen201, OpsLen201))
	}
	clear(adj)
	clear(ops)
	for i, o := range c.Ops() {
		for j := range NB201Vertices {
			if adj201[i]>>j&1 != 0 {
				adj[i*NB201Vertices+j] = 1
			}
		}
		ops[i*NumOps201+int(o)] = 1
	}
}

// FromEncoding201 reads one cell of arch2vec's NB201 JSON files: the 8×8
// "module_adjacency", which must be the fixed NB201 adjacency, and the 8×7
// "module_operations" one-hot, with input first, output last and edge ops
// in between. Errors are *[ValidationError].
func FromEncoding201(adj, onehot [][]int) (NB201, error) {
	var c NB201
	if len(adj) != NB201Vertices || len(onehot) != NB201Vertices {
		return c, invalidf("encoding has %d adjacency rows and %d op rows, want %d", len(adj), len(onehot), NB201Vertices)
	}
	for i, row := range adj {
		if len(row) != NB201Vertices {
			return c, invalidf("adjacency row %d has %d entries, want %d", i, len(row), NB201Vertices)
		}
		for j, x := range row {
			if want := int(adj201[i] >> j & 1); x != want {
				return c, invalidf("adjacency entry (%d,%d) is %d, want %d (the fixed NB201 graph)", i, j, x, want)
			}
		}
	}
	n, err := readOneHot(onehot, NumOps201)
	if err != nil {
		return c, err
	}
	if n != NB201Vertices {
		return c, invalidf("%d op rows set, want %d", n, NB201Vertices)
	}
	var ops [NB201Vertices]Op201
	for i, row := range onehot {
		for k, x := range row {
			if x == 1 {
				ops[i] = Op201(k)
			}
		}
	}
	if ops[0] != Input201 || ops[NB201Vertices-1] != Output201 {
		return c, invalidf("first and last ops are %v and %v, want input and output", ops[0], ops[NB201Vertices-1])
	}
	copy(c[:], ops[1:NB201Vertices-1])
	return c, c.Validate()
}

// All201 returns the 15,625 NAS-Bench-201 cells in lexicographic order of
// their edges (edge 0→1 most significant), each edge running over
// nor_conv_1x1, nor_conv_3x3, avg_pool_3x3, skip_connect, none ([Op201]
// order). This is not NAS-Bench-201's index order, which is data.
func All201() []NB201 {
	out := make([]NB201, 0, NumCells201)
	for code := range NumCells201 {
		var c NB201
		for e, x := NB201Edges-1, code; e >= 0; e-- {
			c[e] = Conv1x1201 + Op201(x%5)
			x /= 5
		}
		out = append(out, c)
	}
	return out
}

// Decoded201 is an 8-node graph decoded from the GIN-VAE in the NB201
// space: any adjacency, any node classes. It need not be an NB201 cell.
type Decoded201 struct {
	Adj [NB201Vertices]uint8 // bit j of Adj[i]: edge i→j (strict upper triangle)
	Ops [NB201Vertices]Op201
}

// Decode201 decodes one decoder output as arch2vec does: an edge where the
// 8×8 sigmoid adjacency is > 0.5 in the strict upper triangle, the first
// argmax of each row of the 8×7 op output. It panics if len(adj) !=
// AdjLen201 or len(ops) != OpsLen201.
func Decode201(adj, ops []float32) Decoded201 {
	if len(adj) != AdjLen201 || len(ops) != OpsLen201 {
		panic(fmt.Sprintf("cell: Decode201: lengths %d, %d, want %d, %d", len(adj), len(ops), AdjLen201, OpsLen201))
	}
	var d Decoded201
	for i := range NB201Vertices {
		d.Adj[i] = decodeRow(adj, NB201Vertices, i)
		d.Ops[i] = Op201(argmax(ops[i*NumOps201 : (i+1)*NumOps201]))
	}
	return d
}

// Validate applies arch2vec's NB201 validity rule (utils/utils.py
// L240-246): node 0 is input, node 7 is output, and nodes 2..6 hold edge
// ops. Reference quirk, kept on purpose: node 1 is not checked (the loop
// starts at 2) and the adjacency is ignored, so a valid Decoded201 need not
// be a cell; [Decoded201.Cell] checks fully.
func (d Decoded201) Validate() error {
	if d.Ops[0] != Input201 {
		return invalidf("first op is %v, want input", d.Ops[0])
	}
	if d.Ops[NB201Vertices-1] != Output201 {
		return invalidf("last op is %v, want output", d.Ops[NB201Vertices-1])
	}
	for i := 2; i < NB201Vertices-1; i++ {
		if !d.Ops[i].IsEdgeOp() {
			return invalidf("node %d has op %v, want an edge op", i, d.Ops[i])
		}
	}
	return nil
}

// Valid reports whether [Decoded201.Validate] returns nil.
func (d Decoded201) Valid() bool { return d.Validate() == nil }

// Cell returns the NB201 cell d encodes, or a *[ValidationError] if d does
// not have the fixed adjacency, input first, output last and edge ops on
// all six other nodes (node 1 included).
func (d Decoded201) Cell() (NB201, error) {
	if d.Adj != adj201 {
		return NB201{}, invalidf("adjacency is not the fixed NB201 graph")
	}
	if err := d.Validate(); err != nil {
		return NB201{}, err
	}
	var c NB201
	copy(c[:], d.Ops[1:NB201Vertices-1])
	return c, c.Validate()
}

// Fingerprint returns the uniqueness fingerprint of a decoded NB201 graph
// by the NB101 recipe (brief §3.2): [HashModule] of the unpruned 8×8
// adjacency with each node labelled by its one-hot row as a Python float
// list ("[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]" for input).
func (d Decoded201) Fingerprint() Hash {
	m := make([][]int, NB201Vertices)
	labels := make([]string, NB201Vertices)
	for i := range m {
		m[i] = make([]int, NB201Vertices)
		for j := range NB201Vertices {
			m[i][j] = int(d.Adj[i] >> j & 1)
		}
		labels[i] = oneHotString(int(d.Ops[i]), NumOps201)
	}
	return HashModule(m, labels)
}

// oneHotString is Python's str() of a one-hot float list of width w.
func oneHotString(k, w int) string {
	parts := make([]string, w)
	for i := range parts {
		parts[i] = "0.0"
	}
	parts[k] = "1.0"
	return "[" + strings.Join(parts, ", ") + "]"
}
