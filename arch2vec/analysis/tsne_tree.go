package analysis

import "slices"

// qnode is a cell of the quadtree: a square holding the points that fall
// in it, summarised by their count and centre of mass.
type qnode struct {
	cx, cy float64 // centre of mass (coordinate sums while building)
	cnt    float64 // number of points
	w2     float64 // squared side
	child  int32   // first of the four children, or −1 for a leaf
	point  int32   // a leaf's first point, or −1 for an empty leaf
}

// quadMaxDepth bounds the depth of the tree: points closer than
// side/2⁴⁰ share a leaf.
const quadMaxDepth = 40

// quadtree is a Barnes–Hut quadtree over a 2-D layout. Its nodes live in
// one pool that is reused from iteration to iteration, so rebuilding
// allocates only when the tree outgrows every earlier one.
type quadtree struct {
	nodes  []qnode
	flat   []tnode // the non-empty cells in depth-first order
	remap  []int32 // index in flat of each node
	leafOf []int32 // the leaf in flat holding each point
	// order lists the points leaf by leaf in depth-first order, so that
	// consecutive points are neighbours and walk nearly the same cells
	// (which keeps branch prediction and caches warm); starts is scratch.
	order, starts []int32
	// root square: centre and half side
	mx, my, hw float64
}

// newQuadtree returns a tree for n points with room for a typical layout.
func newQuadtree(n int) *quadtree {
	return &quadtree{
		nodes: make([]qnode, 0, 8*n+1), flat: make([]tnode, 0, 4*n+1),
		remap: make([]int32, 0, 8*n+1), leafOf: make([]int32, n),
		order: make([]int32, n), starts: make([]int32, 0, 4*n+2),
	}
}

// quadrant returns which child of the square centred at (mx, my) holds
// (x, y): bit 0 for the right half, bit 1 for the upper half.
func quadrant(x, y, mx, my float64) int32 {
	q := int32(0)
	if x >= mx {
		q = 1
	}
	if y >= my {
		q |= 2
	}
	return q
}

// childCentre returns the centre of quadrant q of the square centred at
// (mx, my) whose children have half side hw.
func childCentre(q int32, mx, my, hw float64) (float64, float64) {
	if q&1 != 0 {
		mx += hw
	} else {
		mx -= hw
	}
	if q&2 != 0 {
		my += hw
	} else {
		my -= hw
	}
	return mx, my
}

// build rebuilds the tree over the layout y (n×2, row-major), inserting
// the points in index order so that the tree is a function of y alone.
func (t *quadtree) build(y []float64) {
	n := len(y) / 2
	minx, maxx, miny, maxy := y[0], y[0], y[1], y[1]
	for i := 1; i < n; i++ {
		minx, maxx = min(minx, y[2*i]), max(maxx, y[2*i])
		miny, maxy = min(miny, y[2*i+1]), max(maxy, y[2*i+1])
	}
	side := max(maxx-minx, maxy-miny)
	if side == 0 {
		side = 1
	}
	side *= 1 + 1e-6 // keep the maxima strictly inside
	t.mx, t.my, t.hw = (minx+maxx)/2, (miny+maxy)/2, side/2
	t.nodes = append(t.nodes[:0], qnode{w2: side * side, child: -1, point: -1})
	for i := range n {
		t.insert(int32(i), y)
	}
	for k := range t.nodes {
		if nd := &t.nodes[k]; nd.cnt > 0 {
			nd.cx /= nd.cnt
			nd.cy /= nd.cnt
		}
	}
	for i := range n {
		px, py := y[2*i], y[2*i+1]
		k, mx, my, hw := int32(0), t.mx, t.my, t.hw
		for t.nodes[k].child >= 0 {
			q := quadrant(px, py, mx, my)
			hw /= 2
			mx, my = childCentre(q, mx, my, hw)
			k = t.nodes[k].child + q
		}
		t.leafOf[i] = k
	}
	t.flatten()
	t.starts = slices.Grow(t.starts[:0], len(t.flat)+1)[:len(t.flat)+1]
	clear(t.starts)
	for i, k := range t.leafOf {
		k = t.remap[k]
		t.leafOf[i] = k
		t.starts[k+1]++
	}
	for k := range t.flat {
		t.starts[k+1] += t.starts[k]
	}
	for i, k := range t.leafOf {
		t.order[t.starts[k]] = int32(i)
		t.starts[k]++
	}
}

// insert adds point i to the tree, splitting the leaf it lands in unless
// that leaf holds the same coordinates or is at the maximum depth.
func (t *quadtree) insert(i int32, y []float64) {
	px, py := y[2*i], y[2*i+1]
	k, mx, my, hw := int32(0), t.mx, t.my, t.hw
	for depth := 0; ; depth++ {
		nd := &t.nodes[k]
		if nd.child < 0 {
			if nd.point < 0 {
				nd.point = i
				nd.cx, nd.cy, nd.cnt = px, py, 1
				return
			}
			ox, oy := y[2*nd.point], y[2*nd.point+1]
			if ox == px && oy == py || depth >= quadMaxDepth {
				nd.cx += px
				nd.cy += py
				nd.cnt++
				return
			}
			// Split: move the leaf's points into the child that holds them.
			c := int32(len(t.nodes))
			cw2 := hw * hw
			for range 4 {
				t.nodes = append(t.nodes, qnode{w2: cw2, child: -1, point: -1})
			}
			nd = &t.nodes[k]
			moved := &t.nodes[c+quadrant(ox, oy, mx, my)]
			moved.cx, moved.cy, moved.cnt, moved.point = nd.cx, nd.cy, nd.cnt, nd.point
			nd.child, nd.point = c, -1
		}
		nd.cx += px
		nd.cy += py
		nd.cnt++
		q := quadrant(px, py, mx, my)
		hw /= 2
		mx, my = childCentre(q, mx, my, hw)
		k = nd.child + q
	}
}

// tnode is a non-empty cell of the flattened tree. Cells are stored in
// depth-first order, children in quadrant order, so a cell's subtree is
// the range [its index, next): a walk either descends (index + 1) or
// skips the subtree (next), with no stack. A leaf has next = index + 1.
type tnode struct {
	cx, cy float64 // centre of mass
	cnt    float64 // number of points
	w2     float64 // squared side
	next   int32   // index after the cell's subtree
}

// flatten lays the non-empty nodes out depth first in t.flat.
func (t *quadtree) flatten() {
	t.flat = t.flat[:0]
	t.remap = slices.Grow(t.remap[:0], len(t.nodes))[:len(t.nodes)]
	t.flattenFrom(0)
}

// flattenFrom appends node k and its subtree to t.flat.
func (t *quadtree) flattenFrom(k int32) {
	nd := &t.nodes[k]
	at := int32(len(t.flat))
	t.remap[k] = at
	t.flat = append(t.flat, tnode{cx: nd.cx, cy: nd.cy, cnt: nd.cnt, w2: nd.w2})
	if c := nd.child; c >= 0 {
		for q := c; q < c+4; q++ {
			if t.nodes[q].cnt > 0 {
				t.flattenFrom(q)
			}
		}
	}
	t.flat[at].next = int32(len(t.flat))
}

// repulsion returns, for point i at (px, py), the unnormalised repulsive
// force Σⱼ qᵢⱼ²(yᵢ − yⱼ) and Σⱼ qᵢⱼ, with qᵢⱼ = 1/(1 + ‖yᵢ − yⱼ‖²), where
// a cell whose squared side is below theta2 times its squared distance
// counts as all its points at its centre of mass (theta2 = 0: exact).
// Cells are visited depth first, children in quadrant order, so the sums
// run in a fixed order.
func (t *quadtree) repulsion(i int, px, py, theta2 float64) (fx, fy, sumQ float64) {
	own := t.leafOf[i]
	flat := t.flat
	for k := int32(0); int(k) < len(flat); {
		nd := &flat[k]
		dx, dy := px-nd.cx, py-nd.cy
		d2 := dx*dx + dy*dy
		if nd.next != k+1 && nd.w2 >= theta2*d2 { // open the cell
			k++
			continue
		}
		cnt := nd.cnt
		if k == own { // the other points of i's own leaf
			k = nd.next
			if cnt == 1 {
				continue
			}
			dx = px - (nd.cx*cnt-px)/(cnt-1)
			dy = py - (nd.cy*cnt-py)/(cnt-1)
			d2 = dx*dx + dy*dy
			cnt--
		} else {
			k = nd.next
		}
		q := 1 / (1 + d2)
		sumQ += cnt * q
		m := cnt * q * q
		fx += m * dx
		fy += m * dy
	}
	return fx, fy, sumQ
}
