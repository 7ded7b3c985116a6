package model

import (
	"math"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// inferState is the scratch of the inference path (Encode).
type inferState struct {
	// evalAff, set during Encode only, holds the evaluation-mode BatchNorm
	// scale and shift vectors (4 per layer, in affBuf) for the fused path.
	evalAff, affSl [][]float32
	affBuf         []float32

	// Layer 0 of the distinct input rows (see layer0Table): useL0 is set
	// during Encode; rowIdx maps a batch row to its row of x1u; row0 is the
	// first batch row of the current tile.
	useL0         bool
	agg0, uniq    []float32
	x1u, x1       []float32
	slots, rowIdx []int32
	row0          int
}

// encodeTile is the number of cells Encode runs through the network at a
// time: 224 node rows, so that a layer's activations (112 KB) stay in the
// core's L2 cache whatever the batch size.
const encodeTile = 32

// Encode writes the evaluation-mode per-node μ of b (B×N×latent) into mu.
// Any batch size works; large batches (hundreds of cells) amortise the
// per-call costs best. The log σ head is not computed: after Encode,
// Outputs returns μ and a nil log σ. It panics if mu is too short.
func (m *VAE) Encode(b *Batch, mu []float32) {
	b.check(m.cfg.InputDim)
	lat, n, c := m.cfg.LatentDim, b.N, b.C
	if len(mu) < b.Rows()*lat {
		panic("model: encode: mu too short")
	}
	m.mu = growF(m.mu, b.Rows()*lat)
	m.setEvalAffine()
	defer func() { m.evalAff = nil }()
	for _, L := range m.layers {
		L.lin0.Refresh()
		L.lin1.Refresh()
	}
	m.fc1.Refresh()
	m.prepareTile(b)
	m.layer0Table(b)
	defer func() { m.useL0 = false }()
	// Evaluation mode is row-wise except the per-graph aggregation, so
	// tiles of whole graphs give bit-identical results to one big pass.
	for g0 := 0; g0 < b.B; g0 += encodeTile {
		g1 := min(g0+encodeTile, b.B)
		t := Batch{B: g1 - g0, N: n, C: c, Adj: b.Adj[g0*n*n : g1*n*n], Ops: b.Ops[g0*n*c : g1*n*c]}
		m.prepareTile(&t)
		m.row0 = g0 * n
		m.encodeTo(&t, false, false, m.mu[g0*n*lat:g1*n*lat], nil)
	}
	copy(mu, m.mu[:b.Rows()*lat])
	m.outsValid, m.lvValid = false, false
}

// setEvalAffine sets evalAff to the evaluation-mode scale and shift of
// every BatchNorm (inner α, β', outer α, β' per layer), copied out of the
// layers.
func (m *VAE) setEvalAffine() {
	hid := m.cfg.HiddenDim
	m.affBuf = growF(m.affBuf, 4*len(m.layers)*hid)
	m.affSl = m.affSl[:0]
	for _, L := range m.layers {
		for _, bn := range [2]*nn.BatchNorm1d{L.bn0, L.bn1} {
			al, be := bn.EvalAffine()
			for _, v := range [2][]float32{al, be} {
				k := len(m.affSl) * hid
				copy(m.affBuf[k:k+hid], v)
				m.affSl = append(m.affSl, m.affBuf[k:k+hid])
			}
		}
	}
	m.evalAff = m.affSl
}

// layer0Table runs GIN layer 0 (evaluation mode, BatchNorms fused) once
// per distinct aggregated input row of b (prepared as one tile) into x1u,
// and maps every row of b to its entry in rowIdx. The layer is row-wise
// after the aggregation, and an aggregated row holds only one-hot sums (a
// few distinct values per space), so most rows repeat; a repeated row
// would give bit-identical outputs, so computing it once changes nothing.
func (m *VAE) layer0Table(b *Batch) {
	L, a := &m.layers[0], m.evalAff[0:4]
	rows, c, hid := b.Rows(), L.fin, m.cfg.HiddenDim
	m.agg0 = growF(m.agg0, rows*c)
	nn.GINAggregateTo(m.agg0, b.Ops, m.asym, m.eps.Data[0], b.B, b.N, c)
	size := 16
	for size < 2*rows {
		size <<= 1
	}
	m.slots = growI32(m.slots, size)
	for i := range m.slots {
		m.slots[i] = -1
	}
	m.rowIdx = growI32(m.rowIdx, rows)
	m.uniq = growF(m.uniq, rows*c)
	u := 0
	for r := range rows {
		row := m.agg0[r*c : (r+1)*c]
		h := uint64(14695981039346656037) // FNV-1a over the bit patterns
		for _, v := range row {
			h = (h ^ uint64(math.Float32bits(v))) * 1099511628211
		}
		for s := int(h & uint64(size-1)); ; s = (s + 1) & (size - 1) {
			k := m.slots[s]
			if k < 0 {
				m.slots[s] = int32(u)
				copy(m.uniq[u*c:(u+1)*c], row)
				m.rowIdx[r] = int32(u)
				u++
				break
			}
			if sameBits(m.uniq[int(k)*c:(int(k)+1)*c], row) {
				m.rowIdx[r] = k
				break
			}
		}
	}
	h := L.lin0.ForwardEval(m.uniq[:u*c], u, a[0], a[1], true)
	x := L.lin1.ForwardEval(h, u, a[2], a[3], true)
	m.x1u = growF(m.x1u, u*hid)
	copy(m.x1u, x[:u*hid])
	m.useL0 = true
}

// gatherLayer0 returns the layer-0 output of the rows rows of the current
// tile, copied from x1u.
func (m *VAE) gatherLayer0(rows int) []float32 {
	hid := m.cfg.HiddenDim
	m.x1 = growF(m.x1, rows*hid)
	for r, k := range m.rowIdx[m.row0 : m.row0+rows] {
		copy(m.x1[r*hid:(r+1)*hid], m.x1u[int(k)*hid:(int(k)+1)*hid])
	}
	return m.x1
}

// sameBits reports whether a and b hold the same bit patterns.
func sameBits(a, b []float32) bool {
	for i, v := range a {
		if math.Float32bits(v) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// growI32 returns s with length n, reallocating only if its capacity is
// short.
func growI32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}
