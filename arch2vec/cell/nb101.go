package cell

import (
	"fmt"
	"math/bits"
	"strings"
)

// NewNB101 builds a cell from a V×V 0/1 adjacency matrix and V nasbench
// operation names, with the checks of nasbench's ModelSpec constructor:
// square, 2..MaxVertices vertices, len(ops) == V, entries 0 or 1, strictly
// upper-triangular, known op names. It does not prune and does not check
// nasbench's is_valid rules: see [NB101.Prune] and [NB101.Validate].
// Errors are *[ValidationError].
func NewNB101(matrix [][]int, ops []string) (NB101, error) {
	if v := len(matrix); v < 2 || v > MaxVertices {
		return NB101{}, invalidf("%d vertices, want 2..%d", v, MaxVertices)
	}
	parsed := make([]Op, len(ops))
	for i, s := range ops {
		o, err := ParseOp(s)
		if err != nil {
			return NB101{}, invalidf("vertex %d: unknown op %q", i, s)
		}
		parsed[i] = o
	}
	return NewNB101Ops(matrix, parsed)
}

// NewNB101Ops is [NewNB101] with the operations already parsed.
func NewNB101Ops(matrix [][]int, ops []Op) (NB101, error) {
	v := len(matrix)
	if v < 2 || v > MaxVertices {
		return NB101{}, invalidf("%d vertices, want 2..%d", v, MaxVertices)
	}
	if len(ops) != v {
		return NB101{}, invalidf("%d ops for %d vertices", len(ops), v)
	}
	c := NB101{N: v}
	for i, row := range matrix {
		if len(row) != v {
			return NB101{}, invalidf("matrix is not square: row %d has %d entries, want %d", i, len(row), v)
		}
		for j, x := range row {
			switch {
			case x != 0 && x != 1:
				return NB101{}, invalidf("entry (%d,%d) is %d, want 0 or 1", i, j, x)
			case x == 1 && i == j:
				return NB101{}, invalidf("entry (%d,%d) on the diagonal", i, j)
			case x == 1 && i > j:
				return NB101{}, invalidf("entry (%d,%d) below the diagonal", i, j)
			case x == 1:
				c.Adj[i] |= 1 << j
			}
		}
	}
	for i, o := range ops {
		if int(o) >= NumOps101 {
			return NB101{}, invalidf("vertex %d: unknown op %v", i, o)
		}
		c.Ops[i] = o
	}
	return c, nil
}

// checkShape reports a hand-built NB101 value that breaks the invariants of
// the type (size, op range, strictly upper-triangular bits inside N).
func (c NB101) checkShape() error {
	if c.N < 2 || c.N > MaxVertices {
		return invalidf("%d vertices, want 2..%d", c.N, MaxVertices)
	}
	for i := range MaxVertices {
		if i >= c.N && (c.Adj[i] != 0 || c.Ops[i] != 0) {
			return invalidf("vertex %d set beyond N=%d", i, c.N)
		}
		if i < c.N {
			if int(c.Ops[i]) >= NumOps101 {
				return invalidf("vertex %d: unknown op %v", i, c.Ops[i])
			}
			allowed := uint8((1<<c.N)-1) &^ uint8((1<<(i+1))-1)
			if c.Adj[i]&^allowed != 0 {
				return invalidf("row %d has edges outside the strict upper triangle", i)
			}
		}
	}
	return nil
}

// keptVertices returns the bit set of vertices on some input→output path:
// nasbench ModelSpec._prune keeps exactly those (model_spec.py L77-126).
func (c NB101) keptVertices() uint8 {
	reach := uint8(1)
	for v := range c.N {
		if reach&(1<<v) != 0 {
			reach |= c.Adj[v]
		}
	}
	co := uint8(1) << (c.N - 1)
	for v := c.N - 2; v >= 0; v-- {
		if c.Adj[v]&co != 0 {
			co |= 1 << v
		}
	}
	return reach & co
}

// Prune returns c without the vertices that are not on a path from the
// input (vertex 0) to the output (vertex N-1), keeping the order of the
// others: nasbench ModelSpec._prune. It returns an error wrapping
// [ErrDisconnected] when no such path exists (nasbench: valid_spec =
// False), and a *[ValidationError] for a hand-built value that breaks the
// type's invariants.
func (c NB101) Prune() (NB101, error) {
	if err := c.checkShape(); err != nil {
		return NB101{}, err
	}
	keep := c.keptVertices()
	if keep == 0 {
		return NB101{}, &ValidationError{Reason: ErrDisconnected.Error(), Err: ErrDisconnected}
	}
	if bits.OnesCount8(keep) == c.N {
		return c, nil
	}
	var p NB101
	for u := range c.N {
		if keep&(1<<u) == 0 {
			continue
		}
		row := c.Adj[u] & keep
		var nr uint8
		for ; row != 0; row &= row - 1 {
			j := bits.TrailingZeros8(row)
			nr |= 1 << bits.OnesCount8(keep&(1<<j-1))
		}
		p.Adj[p.N] = nr
		p.Ops[p.N] = c.Ops[u]
		p.N++
	}
	return p, nil
}

// Validate applies nasbench's is_valid (api.py _check_spec) to c: it prunes
// c, then requires a connected cell with at most MaxVertices vertices and
// MaxEdges edges after pruning, input first, output last and only
// conv3x3-bn-relu, conv1x1-bn-relu or maxpool3x3 in between. It returns nil
// for a valid cell, otherwise a *[ValidationError] naming the first rule
// broken.
func (c NB101) Validate() error {
	p, err := c.Prune()
	if err != nil {
		return err
	}
	if e := p.NumEdges(); e > MaxEdges {
		return invalidf("%d edges after pruning, more than %d", e, MaxEdges)
	}
	if p.Ops[0] != Input {
		return invalidf("first op is %v, want input", p.Ops[0])
	}
	if p.Ops[p.N-1] != Output {
		return invalidf("last op is %v, want output", p.Ops[p.N-1])
	}
	for i := 1; i < p.N-1; i++ {
		if o := p.Ops[i]; o == Input || o == Output {
			return invalidf("vertex %d of the pruned cell has op %v, want conv3x3-bn-relu, conv1x1-bn-relu or maxpool3x3", i, o)
		}
	}
	return nil
}

// Valid reports whether [NB101.Validate] returns nil.
func (c NB101) Valid() bool { return c.Validate() == nil }

// Matrix returns the N×N 0/1 adjacency matrix of c (a new slice).
func (c NB101) Matrix() [][]int {
	m := make([][]int, c.N)
	for i := range m {
		m[i] = make([]int, c.N)
		for j := range c.N {
			m[i][j] = int(c.Adj[i] >> j & 1)
		}
	}
	return m
}

// OpNames returns the nasbench names of the N operations of c.
func (c NB101) OpNames() []string {
	s := make([]string, c.N)
	for i := range s {
		s[i] = c.Ops[i].String()
	}
	return s
}

// Labels returns the nasbench hash labels of the N vertices of c (see
// [Op.HashLabel]).
func (c NB101) Labels() []HashLabel {
	l := make([]HashLabel, c.N)
	for i := range l {
		l[i] = c.Ops[i].HashLabel()
	}
	return l
}

// NumEdges returns the number of edges of c.
func (c NB101) NumEdges() int {
	e := 0
	for _, r := range c.Adj {
		e += bits.OnesCount8(r)
	}
	return e
}

// String formats c as its adjacency rows and op names, e.g.
// "[[0 1] [0 0]] [input output]".
func (c NB101) String() string {
	var b strings.Builder
	b.WriteString("[")
	for i := range c.N {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString("[")
		for j := range c.N {
			if j > 0 {
				b.WriteString(" ")
			}
			fmt.Fprint(&b, c.Adj[i]>>j&1)
		}
		b.WriteString("]")
	}
	b.WriteString("] [")
	b.WriteString(strings.Join(c.OpNames(), " "))
	b.WriteString("]")
	return b.String()
}
