package supervised

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// GIN is the encoder of arch2vec's supervised baselines (the Net of
// supervised_reinforce.py and pybnn/dngo_supervised.py): Layers GIN layers
//
//	x ← ReLU(BN(Linear(ReLU(BN(Linear((1+ε_l)·x + A·x))))))
//
// with the raw (non-symmetrised, upper-triangular) adjacency A, then a
// per-node Linear(Hidden→Latent), averaged over the nodes of each graph.
// Initialisation is PyTorch's default, drawn from the rng given to
// [NewGIN]: for each layer the two Linear layers, then the head.
//
// Forward and Backward work on a batch of whole graphs; a GIN is not safe
// for concurrent use (every pass writes its buffers).
type GIN struct {
	in, hid, lat int
	eps          *nn.Param
	layers       []ginLayer
	fc           *nn.Linear

	params, buffers []*nn.Param

	// The last pass.
	b, n   int
	adj    []float32 // aliased
	pooled []float32 // b×lat
	dfc    []float32 // rows×lat
	dx     []float32 // rows×hid
}

// ginLayer is one message-passing layer: aggregation, Linear → BN → ReLU →
// Linear (the reference's 2-layer MLP), then the outer BN → ReLU.
type ginLayer struct {
	lin0, lin1 *nn.Linear
	bn0, bn1   *nn.BatchNorm1d
	fin        int
	in, agg    []float32 // input (aliased) and aggregation of the last pass
}

// NewGIN returns an encoder of cells with inputDim operation classes,
// sized by c (zero fields take the reference values), initialised from
// rng. It panics if inputDim or a resolved size is not positive.
func NewGIN(inputDim int, c Config, rng *rand.Rand) *GIN {
	c = c.withDefaults(lrSurrogate)
	if inputDim < 1 || c.Hidden < 1 || c.Latent < 1 || c.Layers < 1 {
		panic(fmt.Sprintf("supervised: gin: input %d, hidden %d, latent %d, layers %d", inputDim, c.Hidden, c.Latent, c.Layers))
	}
	g := &GIN{in: inputDim, hid: c.Hidden, lat: c.Latent, eps: nn.NewParam("eps", c.Layers)}
	g.params = append(g.params, g.eps)
	fin := inputDim
	for l := 0; l < c.Layers; l++ {
		p := "mlps." + strconv.Itoa(l) + "."
		L := ginLayer{
			lin0: nn.NewLinear(p+"linears.0.", fin, c.Hidden, rng),
			lin1: nn.NewLinear(p+"linears.1.", c.Hidden, c.Hidden, rng),
			bn0:  nn.NewBatchNorm1d(p+"batch_norms.0.", c.Hidden),
			bn1:  nn.NewBatchNorm1d("batch_norms."+strconv.Itoa(l)+".", c.Hidden),
			fin:  fin,
		}
		g.params = append(g.params, L.lin0.W, L.lin0.B, L.lin1.W, L.lin1.B)
		g.params = append(g.params, L.bn0.Params()...)
		g.params = append(g.params, L.bn1.Params()...)
		g.buffers = append(g.buffers, L.bn0.Buffers()...)
		g.buffers = append(g.buffers, L.bn1.Buffers()...)
		g.layers = append(g.layers, L)
		fin = c.Hidden
	}
	g.fc = nn.NewLinear("fc.", c.Hidden, c.Latent, rng)
	g.params = append(g.params, g.fc.Params()...)
	return g
}

// InputDim returns the width of the operation one-hot the GIN reads.
func (g *GIN) InputDim() int { return g.in }

// Latent returns the width of the pooled encoding.
func (g *GIN) Latent() int { return g.lat }

// Params returns every trainable tensor; Backward overwrites their Grad.
func (g *GIN) Params() []*nn.Param { return g.params }

// Buffers returns the BatchNorm running statistics and batch counts.
func (g *GIN) Buffers() []*nn.Param { return g.buffers }

// NumParams is the number of trainable scalars.
func (g *GIN) NumParams() int { return nn.CountParams(g.params) }

// Forward encodes b graphs of n nodes: ops is b×n×InputDim (one-hot rows),
// adj b×n×n (row-major, the raw adjacency). It returns the mean over each
// graph's nodes of the per-node head output, b×Latent, owned by g and
// valid until the next Forward. In training mode the BatchNorms use the
// statistics of the b·n rows (and update their running statistics);
// otherwise their running statistics. ops and adj are retained for
// Backward and must not change until then. It panics on a size mismatch.
func (g *GIN) Forward(ops, adj []float32, b, n int, train bool) []float32 {
	if b < 1 || n < 1 || len(ops) < b*n*g.in || len(adj) < b*n*n {
		panic(fmt.Sprintf("supervised: gin forward: %d graphs of %d nodes with %d op and %d adjacency values", b, n, len(ops), len(adj)))
	}
	g.b, g.n, g.adj = b, n, adj
	rows := b * n
	x := ops[:rows*g.in]
	for l := range g.layers {
		L := &g.layers[l]
		L.in = x
		L.agg = grow(L.agg, rows*L.fin)
		nn.GINAggregateTo(L.agg, x, adj, g.eps.Data[l], b, n, L.fin)
		h := L.lin0.Forward(L.agg, rows)
		h = L.bn0.ForwardReLU(h, rows, train)
		h = L.lin1.Forward(h, rows)
		x = L.bn1.ForwardReLU(h, rows, train)
	}
	g.pooled = grow(g.pooled, b*g.lat)
	meanNodes(g.pooled, g.fc.Forward(x, rows), b, n, g.lat)
	return g.pooled
}

// Backward takes ∂loss/∂(pooled encoding) (b×Latent) for the last Forward
// and sets the Grad of every parameter (overwriting it).
func (g *GIN) Backward(dpooled []float32) {
	b, n, lat := g.b, g.n, g.lat
	if len(dpooled) < b*lat {
		panic(fmt.Sprintf("supervised: gin backward: %d gradient values, want %d", len(dpooled), b*lat))
	}
	rows := b * n
	g.dfc = grow(g.dfc, rows*lat)
	inv := 1 / float32(n)
	for k := 0; k < b; k++ {
		src := dpooled[k*lat : (k+1)*lat]
		for v := 0; v < n; v++ {
			d := g.dfc[(k*n+v)*lat : (k*n+v+1)*lat]
			for j, x := range src {
				d[j] = x * inv
			}
		}
	}
	g.dx = grow(g.dx, rows*g.hid)
	copy(g.dx, g.fc.Backward(g.dfc, true))
	for l := len(g.layers) - 1; l >= 0; l-- {
		L := &g.layers[l]
		d := L.bn1.BackwardReLU(g.dx)
		d = L.lin1.Backward(d, true)
		d = L.bn0.BackwardReLU(d)
		d = L.lin0.Backward(d, true)
		var dx []float32
		if l > 0 {
			dx = g.dx[:rows*L.fin]
		}
		g.eps.Grad[l] = nn.GINAggregateBackward(dx, d, L.in, g.adj, g.eps.Data[l], b, n, L.fin)
	}
}

// meanNodes sets dst[k] (lat values) to the mean over the n nodes of graph
// k of y (graphs×n×lat), summing nodes in index order.
func meanNodes(dst, y []float32, graphs, n, lat int) {
	inv := 1 / float32(n)
	for k := 0; k < graphs; k++ {
		d := dst[k*lat : (k+1)*lat]
		clear(d)
		for v := 0; v < n; v++ {
			for j, x := range y[(k*n+v)*lat : (k*n+v+1)*lat] {
				d[j] += x
			}
		}
		for j := range d {
			d[j] *= inv
		}
	}
}

// grow returns s with length n, reallocating only if its capacity is short.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
