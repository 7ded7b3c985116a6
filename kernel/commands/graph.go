package commands

import (
	"fmt"
	"strings"
)

// Layout of cell drawings, in SVG user units (pixels).
const (
	nodeW, nodeH = 92, 34
	nodeGap      = 34
	margin       = 16
	arcStep      = 16 // height of an arc per vertex it skips
)

// opStyle gives a short label and a fill colour for an operation name of
// either space.
func opStyle(op string) (label, fill string) {
	switch op {
	case "input":
		return "input", "#dfe7f2"
	case "output":
		return "output", "#dfe7f2"
	case "conv3x3-bn-relu":
		return "conv 3×3", "#f6c28b"
	case "conv1x1-bn-relu":
		return "conv 1×1", "#f9e29c"
	case "maxpool3x3":
		return "maxpool 3×3", "#b8e0b0"
	case "nor_conv_3x3":
		return "conv 3×3", "#f6c28b"
	case "nor_conv_1x1":
		return "conv 1×1", "#f9e29c"
	case "avg_pool_3x3":
		return "avgpool 3×3", "#b8e0b0"
	case "skip_connect":
		return "skip", "#d5c8ef"
	case "none":
		return "none", "#f4f4f4"
	}
	return op, "#ffffff"
}

// cellSVG draws a DAG whose vertices are in topological order (every edge
// i→j has i < j): the vertices left to right, labelled with their
// operations, an edge between neighbours as a straight arrow and a longer
// edge as an arc, above or below the row in turn so that arcs overlap
// less. adj[i][j] reports the edge i→j. The drawing is deterministic.
func cellSVG(ops []string, adj [][]bool) string {
	n := len(ops)
	up, down := 0, 0 // highest arc above and below the row, in steps
	k := 0
	for i := range n {
		for j := i + 2; j < n; j++ {
			if adj[i][j] {
				if k%2 == 0 {
					up = max(up, j-i)
				} else {
					down = max(down, j-i)
				}
				k++
			}
		}
	}
	width := 2*margin + n*nodeW + (n-1)*nodeGap
	top := margin + up*arcStep + 8
	height := top + nodeH + down*arcStep + 8 + margin
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`,
		width, height, width, height)
	b.WriteString(`<defs><marker id="a2v-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
		`<path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>`)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>`)
	x := func(i int) int { return margin + i*(nodeW+nodeGap) }
	mid := top + nodeH/2
	k = 0
	for i := range n {
		for j := i + 1; j < n; j++ {
			if !adj[i][j] {
				continue
			}
			if j == i+1 {
				fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#444" stroke-width="1.4" marker-end="url(#a2v-arrow)"/>`,
					x(i)+nodeW, mid, x(j), mid)
				continue
			}
			x1, x2 := x(i)+nodeW/2+6, x(j)+nodeW/2-6
			y, h := top, -(j-i)*arcStep*4/3
			if k%2 == 1 {
				y, h = top+nodeH, -h
			}
			k++
			fmt.Fprintf(&b, `<path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="#444" stroke-width="1.4" marker-end="url(#a2v-arrow)"/>`,
				x1, y, x1, y+h, x2, y+h, x2, y)
		}
	}
	for i, op := range ops {
		label, fill := opStyle(op)
		dash := ""
		if op == "none" {
			dash = ` stroke-dasharray="4 3"`
		}
		fmt.Fprintf(&b, `<g><title>%d: %s</title><rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="#555"%s/>`,
			i, htmlEscape(op), x(i), top, nodeW, nodeH, fill, dash)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" dominant-baseline="central">%s</text></g>`,
			x(i)+nodeW/2, mid, htmlEscape(label))
	}
	b.WriteString("</svg>")
	return b.String()
}
