package commands

import (
	"fmt"
	"maps"
	"slices"

	"github.com/arch2vec/arch2vec/arch2vec/analysis"
	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// The section payloads of a workspace file (see wsfile.go for the
// container). Lists are a uint64 count followed by the values; strings a
// uint32 length and UTF-8 bytes.
//
//	CELL  space, dataset, source (strings); the cells: count, then per
//	      cell N (1 byte), Adj (7 bytes), Ops (7 bytes) for NB101 or the
//	      six edge ops (6 bytes) for NB201; NB101 only: count, 16-byte
//	      hashes; ids (int64 list); validation, test, time (float64 lists,
//	      NaN unknown). The cells themselves are stored, not how they were
//	      loaded, so a file loads where the --from file is absent.
//	MODL  1 byte: 1 if trained on the CELL cells; checkpoint path; the
//	      resolved model.Config as JSON; the epoch history as JSON; the
//	      per-batch losses (float64 list); the network's input, hidden,
//	      latent and layer sizes (uint32) and decoder dropout (float32);
//	      uint32 tensor count, then per tensor its state_dict name and
//	      values (float32 list).
//	EMBD  1 byte: 1 if made by the MODL model; uint32 dimension; the
//	      embeddings (float32 list, cells × dimension, row-major); 1 byte:
//	      1 if a PCA follows, then uint32 K and its projections,
//	      components, variances and ratios (float64 lists).
//	SRCH  uint32 method count; per method its name, its reward and
//	      setting (strings), 1 byte: 1 if its curve is over simulated
//	      time rather than queries, its regret curve (times, means, stds: float64 lists; run counts: int64
//	      list), its summary (int64 runs; validation mean and sd, test mean
//	      and sd: float64), uint32 trace count and per trace its method,
//	      uint64 seed, query count and per query the cell, time,
//	      validation, incumbent, best validation, best test, validation
//	      regret and test regret (int64 / float64, 64 bytes). The curve and
//	      summary are stored as %search computed them, not recomputed.
//
// Embeddings and searches are saved only when they belong to the loaded
// cells: the others are unusable (every command checks).

// savedFields are the numbers of fields of the types a workspace file
// stores; a test checks them against the types, so that a new field is
// saved (or deliberately left out) rather than silently dropped.
var savedFields = map[string]int{
	"cellSet": 13, "trained": 5, "embedding": 5, "searchResult": 2, "methodRun": 6, "search.Query": 8,
}

// queryFields is the number of fields of a search.Query in the SRCH
// section.
const queryFields = 8

// encodeWorkspace encodes st as a workspace file.
func encodeWorkspace(st state) ([]byte, error) {
	var secs []wsSection
	if cs := st.cells; cs != nil {
		secs = append(secs, wsSection{tagCells, encodeCells(cs)})
	}
	if tr := st.trained; tr != nil {
		b, err := encodeModel(tr, tr.cells != nil && tr.cells == st.cells)
		if err != nil {
			return nil, err
		}
		secs = append(secs, wsSection{tagModel, b})
	}
	if e := st.emb; e != nil && st.cells != nil && e.cells == st.cells {
		secs = append(secs, wsSection{tagEmbed, encodeEmbedding(e, e.model != nil && e.model == st.trained)})
	}
	if s := st.search; s != nil && st.cells != nil && s.cells == st.cells {
		secs = append(secs, wsSection{tagSearch, encodeSearch(s)})
	}
	return wsContainer(secs), nil
}

// decodeWorkspace verifies and decodes a workspace file into a state
// (full101 is left nil). Errors name the section and what is wrong.
func decodeWorkspace(b []byte) (state, error) {
	var st state
	secs, err := wsSplit(b)
	if err != nil {
		return st, err
	}
	if p, ok := secs[tagCells]; ok {
		if st.cells, err = decodeCells(p); err != nil {
			return state{}, fmt.Errorf("section %s: %w", tagCells, err)
		}
	}
	if p, ok := secs[tagModel]; ok {
		if st.trained, err = decodeModel(p, st.cells); err != nil {
			return state{}, fmt.Errorf("section %s: %w", tagModel, err)
		}
	}
	if p, ok := secs[tagEmbed]; ok {
		if st.emb, err = decodeEmbedding(p, st.cells, st.trained); err != nil {
			return state{}, fmt.Errorf("section %s: %w", tagEmbed, err)
		}
	}
	if p, ok := secs[tagSearch]; ok {
		if st.search, err = decodeSearch(p, st.cells); err != nil {
			return state{}, fmt.Errorf("section %s: %w", tagSearch, err)
		}
	}
	return st, nil
}

// Sizes of one encoded cell.
const (
	cell101Size = 1 + 2*cell.MaxVertices
	cell201Size = cell.NB201Edges
)

// encodeCells encodes the CELL section.
func encodeCells(cs *cellSet) []byte {
	e := &wsEnc{}
	e.str(cs.space.String())
	e.str(cs.dataset)
	e.str(cs.source)
	if cs.space == bench.Space201 {
		e.u64(uint64(len(cs.c201)))
		for _, c := range cs.c201 {
			for _, o := range c {
				e.u8(byte(o))
			}
		}
	} else {
		e.u64(uint64(len(cs.c101)))
		for _, c := range cs.c101 {
			e.u8(byte(c.N))
			e.b = append(e.b, c.Adj[:]...)
			for _, o := range c.Ops {
				e.u8(byte(o))
			}
		}
		e.u64(uint64(len(cs.hashes)))
		for _, h := range cs.hashes {
			e.b = append(e.b, h[:]...)
		}
	}
	e.ints(cs.id)
	e.f64s(cs.valid)
	e.f64s(cs.test)
	e.f64s(cs.time)
	return e.b
}

// decodeCells decodes the CELL section, checking every cell.
func decodeCells(p []byte) (*cellSet, error) {
	d := &wsDec{b: p}
	space, err := bench.ParseSpace(d.str())
	if d.err != nil {
		return nil, d.err
	}
	if err != nil {
		return nil, err
	}
	cs := &cellSet{space: space, dataset: d.str(), source: d.str()}
	var n int
	if space == bench.Space201 {
		n = d.count(cell201Size)
		raw := d.take(n * cell201Size)
		cs.c201 = make([]cell.NB201, n)
		for i := range cs.c201 {
			for k := range cs.c201[i] {
				cs.c201[i][k] = cell.Op201(raw[i*cell201Size+k])
			}
			if err := cs.c201[i].Validate(); err != nil {
				return nil, fmt.Errorf("cell %d: %w", i, err)
			}
		}
	} else {
		n = d.count(cell101Size)
		raw := d.take(n * cell101Size)
		cs.c101 = make([]cell.NB101, n)
		for i := range cs.c101 {
			c, err := cell101(raw[i*cell101Size : (i+1)*cell101Size])
			if err != nil {
				return nil, fmt.Errorf("cell %d: %w", i, err)
			}
			cs.c101[i] = c
		}
		if d.count(16) != n {
			d.failf("%d cells but a different number of hashes", n)
		}
		raw = d.take(16 * n)
		cs.hashes = make([]cell.Hash, n)
		for i := range cs.hashes {
			copy(cs.hashes[i][:], raw[16*i:])
		}
	}
	cs.id, cs.valid, cs.test, cs.time = d.ints(), d.f64s(), d.f64s(), d.f64s()
	if err := d.done(); err != nil {
		return nil, err
	}
	for name, l := range map[string]int{"ids": len(cs.id), "validation": len(cs.valid), "test": len(cs.test), "time": len(cs.time)} {
		if l != n {
			return nil, fmt.Errorf("%d cells but %d %s values", n, l, name)
		}
	}
	return cs, nil
}

// cell101 decodes one NB101 cell, checking the invariants the cell
// package's methods assume (they may panic otherwise): 2 ≤ N ≤ 7, edges
// only from lower to higher vertices below N, known ops, zeros above N.
func cell101(raw []byte) (cell.NB101, error) {
	var c cell.NB101
	c.N = int(raw[0])
	if c.N < 2 || c.N > cell.MaxVertices {
		return c, fmt.Errorf("%d vertices, want 2 to %d", c.N, cell.MaxVertices)
	}
	copy(c.Adj[:], raw[1:1+cell.MaxVertices])
	for i, o := range raw[1+cell.MaxVertices:] {
		c.Ops[i] = cell.Op(o)
		if c.Ops[i] > cell.Output || (i >= c.N && o != 0) {
			return c, fmt.Errorf("bad operation %d at vertex %d", o, i)
		}
	}
	for i, row := range c.Adj {
		// Bits j ≤ i, j ≥ N, or any bit of a row at or above N are edges
		// that cannot exist.
		allowed := uint8(0)
		if i < c.N {
			allowed = uint8((1<<c.N)-1) &^ uint8((1<<(i+1))-1)
		}
		if row&^allowed != 0 {
			return c, fmt.Errorf("adjacency row %d (%07b) has edges outside the upper triangle of %d vertices", i, row, c.N)
		}
	}
	return c, nil
}

// encodeEmbedding encodes the EMBD section.
func encodeEmbedding(em *embedding, byModel bool) []byte {
	e := &wsEnc{}
	e.u8(b2u(byModel))
	e.u32(uint32(em.dim))
	e.f32s(em.z)
	e.u8(b2u(em.pca != nil))
	if p := em.pca; p != nil {
		e.u32(uint32(p.K))
		e.f64s(p.Proj)
		e.f64s(p.Components)
		e.f64s(p.Variance)
		e.f64s(p.Ratio)
	}
	return e.b
}

// decodeEmbedding decodes the EMBD section for the cells cs.
func decodeEmbedding(p []byte, cs *cellSet, tr *trained) (*embedding, error) {
	d := &wsDec{b: p}
	byModel := d.u8()
	em := &embedding{cells: cs, dim: int(d.u32()), z: d.f32s()}
	var pca *analysis.PCAResult
	hasPCA := d.u8()
	if hasPCA == 1 {
		pca = &analysis.PCAResult{K: int(d.u32()), Proj: d.f64s(), Components: d.f64s(), Variance: d.f64s(), Ratio: d.f64s()}
	}
	if err := d.done(); err != nil {
		return nil, err
	}
	switch {
	case cs == nil:
		return nil, fmt.Errorf("embeddings without cells")
	case byModel > 1 || hasPCA > 1:
		return nil, fmt.Errorf("bad flags %d, %d", byModel, hasPCA)
	case em.dim < 1 || em.dim > maxDim:
		return nil, fmt.Errorf("dimension %d out of range", em.dim)
	case len(em.z) != cs.len()*em.dim:
		return nil, fmt.Errorf("%d values for %d cells of dimension %d", len(em.z), cs.len(), em.dim)
	case byModel == 1 && tr == nil:
		return nil, fmt.Errorf("made by the file's model, but it has none")
	case byModel == 1 && tr.space != cs.space:
		return nil, fmt.Errorf("space mismatch: embeddings of %s cells by a %s model", cs.space, tr.space)
	case byModel == 1 && tr.result.Model.Config().LatentDim != em.dim:
		return nil, fmt.Errorf("dimension %d, but the model's latent dimension is %d", em.dim, tr.result.Model.Config().LatentDim)
	}
	if byModel == 1 {
		em.model = tr
	}
	if pca != nil {
		k := pca.K
		if k < 1 || k > em.dim || len(pca.Proj) != cs.len()*k || len(pca.Components) != k*em.dim ||
			len(pca.Variance) != k || len(pca.Ratio) != k {
			return nil, fmt.Errorf("PCA of %d components has %d projections, %d component values, %d variances, %d ratios",
				k, len(pca.Proj), len(pca.Components), len(pca.Variance), len(pca.Ratio))
		}
		em.pca = pca
	}
	return em, nil
}

// encodeSearch encodes the SRCH section.
func encodeSearch(s *searchResult) []byte {
	e := &wsEnc{}
	names := slices.Sorted(maps.Keys(s.runs))
	e.u32(uint32(len(names)))
	for _, name := range names {
		r := s.runs[name]
		traces := r.traces
		e.str(name)
		e.str(r.reward)
		e.str(r.setting)
		e.u8(b2u(r.timeAxis))
		e.f64s(r.curve.T)
		e.f64s(r.curve.Mean)
		e.f64s(r.curve.Std)
		e.ints(r.curve.N)
		sm := r.summary
		e.u64(uint64(int64(sm.N)))
		for _, x := range []float64{sm.ValidMean, sm.ValidSD, sm.TestMean, sm.TestSD} {
			e.f64(x)
		}
		e.u32(uint32(len(traces)))
		for _, t := range traces {
			e.str(t.Method)
			e.u64(t.Seed)
			e.u64(uint64(len(t.Queries)))
			for _, q := range t.Queries {
				e.u64(uint64(int64(q.Cell)))
				e.f64(q.Time)
				e.f64(q.Valid)
				e.u64(uint64(int64(q.Incumbent)))
				for _, x := range []float64{q.BestValid, q.BestTest, q.RegretValid, q.RegretTest} {
					e.f64(x)
				}
			}
		}
	}
	return e.b
}

// decodeSearch decodes the SRCH section for the cells cs.
func decodeSearch(p []byte, cs *cellSet) (*searchResult, error) {
	if cs == nil {
		return nil, fmt.Errorf("search results without cells")
	}
	d := &wsDec{b: p}
	sr := &searchResult{cells: cs, runs: map[string]methodRun{}}
	cellIndex := func(v uint64) int {
		if v >= uint64(cs.len()) {
			d.failf("cell %d out of range (%d cells)", int64(v), cs.len())
			return 0
		}
		return int(v)
	}
	for m := int(d.u32()); m > 0 && d.err == nil; m-- {
		name := d.str()
		if _, dup := sr.runs[name]; dup || name == "" {
			d.failf("method %q empty or repeated", name)
		}
		mr := methodRun{reward: d.str(), setting: d.str()}
		switch d.u8() {
		case 0:
		case 1:
			mr.timeAxis = true
		default:
			d.failf("method %q: bad time-axis flag", name)
		}
		c := &mr.curve
		c.T, c.Mean, c.Std, c.N = d.f64s(), d.f64s(), d.f64s(), d.ints()
		if n := len(c.T); len(c.Mean) != n || len(c.Std) != n || len(c.N) != n {
			d.failf("method %q: curve of %d, %d, %d, %d values", name, n, len(c.Mean), len(c.Std), len(c.N))
		}
		sm := &mr.summary
		sm.N = int(int64(d.u64()))
		sm.ValidMean, sm.ValidSD, sm.TestMean, sm.TestSD = d.f64(), d.f64(), d.f64(), d.f64()
		for k := int(d.u32()); k > 0 && d.err == nil; k-- {
			t := &search.Trace{Method: d.str(), Seed: d.u64()}
			t.Queries = make([]search.Query, d.count(queryFields*8))
			for i := range t.Queries {
				q := &t.Queries[i]
				q.Cell, q.Time, q.Valid, q.Incumbent = cellIndex(d.u64()), d.f64(), d.f64(), cellIndex(d.u64())
				q.BestValid, q.BestTest, q.RegretValid, q.RegretTest = d.f64(), d.f64(), d.f64(), d.f64()
			}
			mr.traces = append(mr.traces, t)
		}
		if d.err == nil {
			sr.runs[name] = mr
		}
	}
	if err := d.done(); err != nil {
		return nil, err
	}
	return sr, nil
}

// b2u returns 1 for true, 0 for false.
func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}
