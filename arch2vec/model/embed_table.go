package model

import (
	"math/bits"
	"sync"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// The embedding pass computes the function of Encode followed by the node
// mean, reorganised to do less arithmetic (arch2vec.md §2.1-2.2):
//
//   - A node's output after GIN layer l depends only on its
//     Weisfeiler-Lehman colour of depth l+1 (its state and the multiset of
//     its neighbours' states). Layer 0 is computed once per distinct
//     depth-1 colour (a few hundred), layer 1 once per distinct depth-2
//     colour in a table of recent ones (embedColours).
//   - The first Linear of layers l ≥ 1 is linear in its aggregated input:
//     W((1+ε)xᵢ + Σⱼ aᵢⱼxⱼ) = (1+ε)(Wxᵢ) + Σⱼ aᵢⱼ(Wxⱼ). So W is applied once
//     per state (a row of a table) and the aggregation becomes a sum of a
//     few table rows (nn.CSRMatMulEvalTo), followed by the bias and the
//     evaluation-mode BatchNorm + ReLU.
//   - The μ head is linear and the embedding is the node mean:
//     mean(Wxₙ + b) = W·mean(xₙ) + b, so it runs once per cell.
//
// Rounding differs from Encode's (sums in another order), within float32
// accuracy. Every sum has a canonical order (a depth-2 colour sums its
// node's term, then its neighbours' in increasing order of their depth-1
// keys; deeper layers sum in node order) and every product is row-wise,
// so a cell's embedding depends only on the model and the cell: not on
// the other cells, the order of the work or the number of workers.

// embedTile is the number of cells the per-cell layers take at a time
// (224 node rows: activations stay in the L2 cache).
const embedTile = 32

// embedUnit is the number of cells per work item of the table path.
const embedUnit = 512

// embedColours is the capacity of a worker's table of depth-2 colours (4
// MB of float32 rows): the colours of the units a worker has done since
// its table was last full are found again without computing. The bound
// keeps the memory small and warm (fresh memory costs a page fault per 4
// KB) whatever the dataset size. Larger tables (up to 65536) find more
// colours again but were no faster (cache misses, worse on a loaded
// machine); 4096 to 16384 measured alike.
const embedColours = 8192

// tableBlock is the number of depth-2 colours per layer-1 product.
const tableBlock = 224

// embedShared is what the workers of one pass share, read-only.
type embedShared struct {
	data        *Dataset
	layers, hid int
	wt          [][]float32 // transposed first Linear of layer l ≥ 1 (In×Out)
	onePlusEps  []float32
	iota        []int32
	meanPtr     []int32   // rows of a tile's node-mean product: n entries each
	meanVal     []float32 // 1/n
}

// newEmbedShared prepares the shared part of a pass of m over data.
func newEmbedShared(m *VAE, data *Dataset) *embedShared {
	hid := m.cfg.HiddenDim
	sh := &embedShared{data: data, layers: len(m.layers), hid: hid}
	for l := range sh.layers {
		var w []float32
		if l > 0 {
			w = transpose(m.layers[l].lin0.W.Data, hid, m.layers[l].fin)
		}
		sh.wt = append(sh.wt, w)
		sh.onePlusEps = append(sh.onePlusEps, 1+m.eps.Data[l])
	}
	sh.iota = make([]int32, embedTile*data.N)
	sh.meanVal = make([]float32, embedTile*data.N)
	for i := range sh.iota {
		sh.iota[i], sh.meanVal[i] = int32(i), 1/float32(data.N)
	}
	for g := range embedTile + 1 {
		sh.meanPtr = append(sh.meanPtr, int32(g*data.N))
	}
	return sh
}

// transpose returns the c×r transpose of w (r×c, row-major).
func transpose(w []float32, r, c int) []float32 {
	t := make([]float32, r*c)
	for i := range r {
		for j, v := range w[i*c : (i+1)*c] {
			t[j*r+i] = v
		}
	}
	return t
}

// tableFits reports whether the table path can take data's shape: at
// most 15 operation classes and 8 nodes. The values (one-hot or all-zero
// operation rows, 0/1 adjacency: true of every Dataset built from cells)
// are checked cell by cell by colours.
func tableFits(data *Dataset) bool { return data.C <= 15 && data.N <= 8 }

// embedScratch is one worker's tables and buffers. They are pooled
// (scratchPool) so that repeated passes reuse warm memory.
type embedScratch struct {
	t1    colourTable // depth-1 colours (kept across units: a few hundred)
	p1    []float32   // per depth-1 colour: layer-1 first Linear (no bias) of its layer-0 output
	done1 int         // depth-1 colours whose p1 row is computed
	in0   []float32   // layer-0 aggregated inputs of the colours not yet computed

	t2       colourTable // depth-2 colours of the units since the last reset
	cap2     int         // capacity of t2 and tab2, in colours
	done2    int         // depth-2 colours whose tab2 row is computed
	col2     []int32     // depth-2 colour of each node row of the current unit
	ptr, col []int32     // layer-1 aggregation of each depth-2 colour (rows of p1)...
	val      []float32   // ...and its coefficients
	tab2     []float32   // per depth-2 colour: the layer-2 product (no bias) of its layer-1 output, or that output with two layers

	cls        []int32 // per node of a cell: operation class (15: none)
	nbr        []uint8 // per node of a cell: neighbour bit mask
	h, p, mean []float32
	mask       []uint8 // neighbour bit mask of each node row of the current unit
	tptr, tcol []int32 // aggregation pattern of a tile (local rows)
	gcol       []int32 // the same as rows of tab2
	tval       []float32
	overflow   bool // a cell the tables cannot encode (see colours): the pass must fall back to Encode
}

var scratchPool sync.Pool

// getScratch returns a pooled scratch, emptied.
func getScratch() *embedScratch {
	s, _ := scratchPool.Get().(*embedScratch)
	if s == nil {
		s = &embedScratch{}
	}
	s.t1.reset(256)
	s.done1, s.in0, s.overflow = 0, s.in0[:0], false
	s.cap2, s.done2 = 0, 0
	return s
}

// resetColours empties the depth-2 table of s, sized for n colours.
func (s *embedScratch) resetColours(n, hid int) {
	s.cap2, s.done2 = n, 0
	s.t2.reset(n)
	s.ptr = append(s.ptr[:0], 0)
	s.col, s.val = s.col[:0], s.val[:0]
	s.tab2 = growF(s.tab2, n*hid)
}

// unit writes the embeddings of cells [lo, hi) (at most embedUnit) into
// their rows of dst, on rep with scratch s.
func (sh *embedShared) unit(rep *replica, s *embedScratch, lo, hi int, dst []float32) {
	nc := hi - lo
	if rows := nc * sh.data.N; s.t2.len()+rows > s.cap2 {
		s.resetColours(max(rows, min(embedColours, sh.data.Len*sh.data.N)), sh.hid)
	}
	if sh.colours(s, lo, hi); s.overflow {
		return
	}
	sh.layer0(rep, s)
	u2 := s.t2.len()
	for c0 := s.done2; c0 < u2; c0 += tableBlock {
		sh.layer1(rep, s, c0, min(c0+tableBlock, u2))
	}
	s.done2 = u2
	s.mean = growF(s.mean, nc*sh.hid)
	for t0 := 0; t0 < nc; t0 += embedTile {
		t1 := min(t0+embedTile, nc)
		sh.cells(rep, s, t0*sh.data.N, t1-t0, s.mean[t0*sh.hid:t1*sh.hid])
	}
	// The μ head, once per cell on the node means.
	lat := rep.m.cfg.LatentDim
	copy(dst[lo*lat:hi*lat], rep.m.fc1.ForwardFresh(s.mean, nc))
}

// colours finds the depth-1 and depth-2 colours of the nodes of cells
// [lo, hi): col2, t2 and the layer-1 aggregation of each new depth-2
// colour, and the layer-0 inputs of new depth-1 colours. It sets
// s.overflow and stops at a cell whose adjacency is not strictly upper
// triangular 0/1 or with an operation row neither one-hot nor zero, or
// when there are too many depth-1 colours.
func (sh *embedShared) colours(s *embedScratch, lo, hi int) {
	data, n, c := sh.data, sh.data.N, sh.data.C
	rows := (hi - lo) * n
	s.col2 = growI32(s.col2, rows)
	if cap(s.mask) < rows {
		s.mask = make([]uint8, rows)
	}
	s.mask = s.mask[:rows]
	s.cls = growI32(s.cls, n)
	if cap(s.nbr) < n {
		s.nbr = make([]uint8, n)
	}
	nbr := s.nbr[:n]
	var col1 [8]uint16
	var key1 [8]uint64
	for g := range hi - lo {
		cl := lo + g
		adj, ops := data.Adj[cl*n*n:(cl+1)*n*n], data.Ops[cl*n*c:(cl+1)*n*c]
		clear(nbr)
		for i := range n {
			s.cls[i] = 15
			for k, v := range ops[i*c : (i+1)*c] {
				if v != 0 {
					if v != 1 || s.cls[i] != 15 {
						s.overflow = true
						return
					}
					s.cls[i] = int32(k)
				}
			}
			for j, v := range adj[i*n : (i+1)*n] {
				if v != 0 {
					if v != 1 || j <= i {
						s.overflow = true
						return
					}
					nbr[i] |= 1 << j
					nbr[j] |= 1 << i
				}
			}
		}
		copy(s.mask[g*n:], nbr)
		// Depth 1: the class and the neighbours' class counts (3 bits
		// each: at most 7 neighbours).
		for i := range n {
			k := uint64(s.cls[i]) << 48
			for b := nbr[i]; b != 0; b &= b - 1 {
				k += 1 << (3 * s.cls[bits.TrailingZeros8(b)])
			}
			id, fresh := s.t1.intern(k, 0)
			if fresh {
				s.in0 = appendInput0(s.in0, k, c, sh.onePlusEps[0])
			}
			col1[i], key1[i] = uint16(id), k
		}
		if s.t1.len() > maxColours1 {
			s.overflow = true
			return
		}
		// Depth 2: the depth-1 colour, then the neighbours' in increasing
		// key order (a canonical order of the sum).
		for i := range n {
			var nb [7]uint8
			d := 0
			for b := nbr[i]; b != 0; b &= b - 1 {
				j := uint8(bits.TrailingZeros8(b))
				e := d
				for ; e > 0 && key1[nb[e-1]] > key1[j]; e-- {
					nb[e] = nb[e-1]
				}
				nb[e] = j
				d++
			}
			k0 := uint64(col1[i])<<48 | 0xffffffffffff
			k1 := ^uint64(0)
			for q, j := range nb[:d] {
				if q < 3 {
					k0 &^= 0xffff << (32 - 16*q)
					k0 |= uint64(col1[j]) << (32 - 16*q)
				} else {
					k1 &^= 0xffff << (48 - 16*(q-3))
					k1 |= uint64(col1[j]) << (48 - 16*(q-3))
				}
			}
			id, fresh := s.t2.intern(k0, k1)
			if fresh {
				s.col = append(s.col, int32(col1[i]))
				s.val = append(s.val, sh.onePlusEps[1])
				for _, j := range nb[:d] {
					s.col = append(s.col, int32(col1[j]))
					s.val = append(s.val, 1)
				}
				s.ptr = append(s.ptr, int32(len(s.col)))
			}
			s.col2[g*n+i] = id
		}
	}
}

// maxColours1 bounds the depth-1 colours (16-bit ids in the depth-2 keys,
// 0xffff marks an empty slot). With at most 15 classes and 7 neighbours
// there could be more in principle (NB101 has 496, NB201 fewer); a pass
// that meets more falls back to Encode.
const maxColours1 = 0xff00

// appendInput0 appends the layer-0 aggregated input of depth-1 key k to
// in: (1+ε₀) at the node's class, plus one per neighbour of each class.
func appendInput0(in []float32, k uint64, c int, onePlusEps float32) []float32 {
	start := len(in)
	in = append(in, make([]float32, c)...)
	row := in[start:]
	if cl := int(k >> 48); cl < c {
		row[cl] = onePlusEps
	}
	for cl := range c {
		for range (k >> (3 * cl)) & 7 {
			row[cl]++
		}
	}
	return in
}

// layer0 computes layer 0 and the layer-1 product for the depth-1 colours
// added since the last call.
func (sh *embedShared) layer0(rep *replica, s *embedScratch) {
	u, hid := s.t1.len()-s.done1, sh.hid
	if u == 0 {
		return
	}
	L, a := &rep.m.layers[0], rep.m.evalAff[0:4]
	h := L.lin0.ForwardEval(s.in0, u, a[0], a[1], true)
	x := L.lin1.ForwardEval(h, u, a[2], a[3], true)
	if cap(s.p1) < s.t1.len()*hid {
		s.p1 = append(make([]float32, 0, 2*s.t1.len()*hid), s.p1[:s.done1*hid]...)
	}
	s.p1 = s.p1[:s.t1.len()*hid]
	nn.MatMulTo(s.p1[s.done1*hid:], x, sh.wt[1], u, hid, hid)
	s.done1, s.in0 = s.t1.len(), s.in0[:0]
}

// layer1 computes tab2 for the depth-2 colours [lo, hi).
func (sh *embedShared) layer1(rep *replica, s *embedScratch, lo, hi int) {
	hid, rows := sh.hid, hi-lo
	L, a := &rep.m.layers[1], rep.m.evalAff[4:8]
	s.h = growF(s.h, rows*hid)
	nn.CSRMatMulEvalTo(s.h, rows, hid, s.ptr[lo:hi+1], s.col, s.val, s.p1, L.lin0.B.Data, a[0], a[1], true)
	x := L.lin1.ForwardEval(s.h, rows, a[2], a[3], true)
	out := s.tab2[lo*hid : hi*hid]
	if sh.layers > 2 {
		nn.MatMulTo(out, x, sh.wt[2], rows, hid, hid)
	} else {
		copy(out, x[:rows*hid])
	}
}

// cells writes the node means of the last GIN layer's output of nc cells
// (at most embedTile) of the unit, from its node row r0 on, into mean.
func (sh *embedShared) cells(rep *replica, s *embedScratch, r0, nc int, mean []float32) {
	m, hid, n := rep.m, sh.hid, sh.data.N
	rows := nc * n
	idx := s.col2[r0 : r0+rows]
	// The aggregation pattern of every layer: each row, then its
	// neighbours in node order (local row numbers).
	s.tptr = append(s.tptr[:0], 0)
	s.tcol = s.tcol[:0]
	for r, mk := range s.mask[r0 : r0+rows] {
		base := int32(r - r%n)
		s.tcol = append(s.tcol, int32(r))
		for b := mk; b != 0; b &= b - 1 {
			s.tcol = append(s.tcol, base+int32(bits.TrailingZeros8(b)))
		}
		s.tptr = append(s.tptr, int32(len(s.tcol)))
	}
	nnz := len(s.tcol)
	s.gcol = growI32(s.gcol, nnz)
	s.tval = growF(s.tval, nnz)
	for t, c := range s.tcol {
		s.gcol[t], s.tval[t] = idx[c], 1
	}
	tab, cols := s.tab2, s.gcol
	for l := 2; l < sh.layers; l++ {
		for _, t := range s.tptr[:rows] {
			s.tval[t] = sh.onePlusEps[l]
		}
		L, af := &m.layers[l], m.evalAff[4*l:4*l+4]
		s.h = growF(s.h, rows*hid)
		nn.CSRMatMulEvalTo(s.h, rows, hid, s.tptr, cols, s.tval, tab, L.lin0.B.Data, af[0], af[1], true)
		x := L.lin1.ForwardEval(s.h, rows, af[2], af[3], true)
		tab, cols = x, s.tcol
		if l+1 < sh.layers {
			s.p = growF(s.p, rows*hid)
			nn.MatMulTo(s.p, x, sh.wt[l+1], rows, hid, hid)
			tab = s.p
		}
	}
	// The node mean, over the rows of the last layer (colours with two
	// layers).
	rowsOf := sh.iota[:rows]
	if sh.layers == 2 {
		rowsOf = idx
	}
	nn.CSRMatMulEvalTo(mean, nc, hid, sh.meanPtr, rowsOf, sh.meanVal, tab, nil, nil, nil, false)
}
