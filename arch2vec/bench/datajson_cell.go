package bench

import (
	"fmt"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// shape returns the adjacency size and op width of a space's data.json
// entries.
func shape(s Space) (n, ops int) {
	if s == Space201 {
		return cell.NB201Vertices, cell.NumOps201
	}
	return cell.MaxVertices, cell.NumOps101
}

// cell checks the adjacency and operations just decoded and turns them
// into e's cell, fixing the reader's space on the first entry.
func (d *DataReader) cell(e *Entry) error {
	space := d.Space
	if space == 0 {
		switch len(d.adj) {
		case cell.MaxVertices:
			space = Space101
		case cell.NB201Vertices:
			space = Space201
		default:
			return fmt.Errorf("module_adjacency has %d rows, want %d (nasbench101) or %d (nasbench201)",
				len(d.adj), cell.MaxVertices, cell.NB201Vertices)
		}
		d.Space = space
	}
	e.Space = space
	n, w := shape(space)
	if err := checkMatrix("module_adjacency", d.adj, n, n); err != nil {
		return fmt.Errorf("%v (%s)", err, space)
	}
	if err := checkMatrix("module_operations", d.ops, n, w); err != nil {
		return fmt.Errorf("%v (%s)", err, space)
	}
	for i, row := range d.adj {
		for j, v := range row[:i+1] {
			if v != 0 {
				return fmt.Errorf("module_adjacency has an entry on or below the diagonal at row %d, column %d", i, j)
			}
		}
	}
	padding := false
	for i, row := range d.ops {
		ones := 0
		for _, v := range row {
			ones += v
		}
		switch {
		case ones == 1 && !padding:
		case ones == 0 && space == Space101 && i > 0:
			padding = true
		default:
			return fmt.Errorf("module_operations row %d %v is not a one-hot operation", i, row)
		}
	}
	if space == Space201 {
		var err error
		e.Cell201, err = cell.FromEncoding201(d.adj, d.ops)
		return err
	}
	c, err := cell.FromEncoding101(d.adj, d.ops)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("invalid cell %v: %w", c, err)
	}
	if p, _ := c.Prune(); p != c {
		return fmt.Errorf("cell %v is not pruned (pruned: %v)", c, p)
	}
	e.Cell101 = c
	return nil
}

// checkMatrix checks that m is rows×cols with 0/1 entries.
func checkMatrix(name string, m [][]int, rows, cols int) error {
	if len(m) != rows {
		return fmt.Errorf("%s has %d rows, want %d", name, len(m), rows)
	}
	for i, row := range m {
		if len(row) != cols {
			return fmt.Errorf("%s row %d has %d columns, want %d", name, i, len(row), cols)
		}
		for j, v := range row {
			if v != 0 && v != 1 {
				return fmt.Errorf("%s[%d][%d] is %d, want 0 or 1", name, i, j, v)
			}
		}
	}
	return nil
}
