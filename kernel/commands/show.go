package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/magic"
)

// showCommand returns %show.
func (w *Workspace) showCommand() *magic.Command {
	return &magic.Command{
		Name:    "show",
		Summary: "Draw one loaded cell with its operations and accuracies",
		Doc: "Draws a loaded cell as a graph, vertices left to right in topological order with their " +
			"operations, and lists its accuracies. The cell is given by its position in the loaded " +
			"list (0-based), by its NAS-Bench-101 hash (32 hex digits) or by its NAS-Bench-201 arch " +
			"string. NAS-Bench-201 cells are drawn as arch2vec sees them: operations as vertices.",
		Example: "%show 0\n%show 00005c142e6f48ac74fdcf73e3439874",
		Args:    []magic.Arg{{Name: "cell", Help: "INDEX, HASH or ARCH of a loaded cell"}},
		Run:     w.runShow,
	}
}

// runShow runs %show.
func (w *Workspace) runShow(ctx context.Context, call *magic.Call) error {
	cs, err := w.snapshot().needCells("show")
	if err != nil {
		return err
	}
	i, err := cs.find(call.String("cell"))
	if err != nil {
		return fmt.Errorf("show: %w", err)
	}
	ops, adj := cs.graph(i)
	svg := cellSVG(ops, adj)
	edges := 0
	for _, r := range adj {
		for _, e := range r {
			if e {
				edges++
			}
		}
	}
	idName := "hash"
	if cs.space == bench.Space201 {
		idName = "arch"
	}
	rows := [][]string{
		{"position", strconv.Itoa(i)},
		{"id in source", strconv.Itoa(cs.id[i])},
		{idName, cs.name(i)},
		{"vertices / edges", fmt.Sprintf("%d / %d", len(ops), edges)},
		{"operations", strings.Join(ops, ", ")},
		{"validation accuracy (%)", pct(cs.valid[i])},
		{"test accuracy (%)", pct(cs.test[i])},
	}
	table := display.Table([]string{"cell", ""}, rows)
	html := `<div class="arch2vec-cell">` + svg + "\n" + table.Data[display.MIMEHTML].(string) + "</div>"
	b := display.Merge(display.HTML(html, table.Data[display.MIMEText].(string)), display.SVG(svg, ""))
	b, err = withJSON(b, map[string]any{
		"position": i, "id": cs.id[i], idName: cs.name(i), "ops": ops, "adjacency": adj,
		"validation": num(cs.valid[i]), "test": num(cs.test[i]), "time": num(cs.time[i]),
	})
	if err != nil {
		return fmt.Errorf("show: %w", err)
	}
	// A drawing is displayed (display_data), as every figure of these
	// commands is.
	return call.Display(b)
}

// find resolves a %show argument to a position in s.
func (s *cellSet) find(arg string) (int, error) {
	if i, err := strconv.Atoi(arg); err == nil {
		if i < 0 || i >= s.len() {
			return 0, fmt.Errorf("position %d out of range: %d cells loaded (0..%d)", i, s.len(), s.len()-1)
		}
		return i, nil
	}
	if strings.HasPrefix(arg, "|") {
		if s.space != bench.Space201 {
			return 0, fmt.Errorf("%q is a NAS-Bench-201 arch string but %s cells are loaded", arg, s.space)
		}
		c, err := cell.ParseArch201(arg)
		if err != nil {
			return 0, err
		}
		for i, d := range s.c201 {
			if d == c {
				return i, nil
			}
		}
		return 0, fmt.Errorf("%w: %s is not among the %d loaded cells", errUnknownCell, arg, s.len())
	}
	if len(arg) == 32 {
		h, err := cell.ParseHash(arg)
		if err != nil {
			return 0, err
		}
		if s.space != bench.Space101 {
			return 0, fmt.Errorf("%q is a NAS-Bench-101 hash but %s cells are loaded", arg, s.space)
		}
		for i, g := range s.hashes {
			if g == h {
				return i, nil
			}
		}
		return 0, fmt.Errorf("%w: hash %s is not among the %d loaded cells", errUnknownCell, arg, s.len())
	}
	return 0, fmt.Errorf("%q is not a position, a NAS-Bench-101 hash (32 hex digits) or a NAS-Bench-201 arch string", arg)
}

// graph returns cell i as vertex operations and an adjacency matrix, as
// arch2vec encodes it (NB201: operations as vertices).
func (s *cellSet) graph(i int) ([]string, [][]bool) {
	if s.space == bench.Space201 {
		c := s.c201[i]
		var ops []string
		for _, o := range c.Ops() {
			ops = append(ops, o.String())
		}
		adj := make([]float32, cell.AdjLen201)
		onehot := make([]float32, cell.OpsLen201)
		c.EncodeTo(adj, onehot)
		return ops, boolMatrix(adj, cell.NB201Vertices)
	}
	c := s.c101[i]
	m := c.Matrix()
	out := make([][]bool, len(m))
	for r := range m {
		out[r] = make([]bool, len(m))
		for k, v := range m[r] {
			out[r][k] = v != 0
		}
	}
	return c.OpNames(), out
}

// boolMatrix reads an n×n row-major 0/1 matrix.
func boolMatrix(a []float32, n int) [][]bool {
	out := make([][]bool, n)
	for r := range n {
		out[r] = make([]bool, n)
		for k := range n {
			out[r][k] = a[r*n+k] != 0
		}
	}
	return out
}
