package model

import (
	"math/rand/v2"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// VAEConfig sizes the GIN variational autoencoder (arch2vec.md §2, cfg 4).
// A zero InputDim, HiddenDim, LatentDim or Layers takes the reference value
// 5, 128, 16 or 4; Dropout is used as given (0 means none; the reference
// trains with 0.3).
type VAEConfig struct {
	InputDim, HiddenDim, LatentDim, Layers int
	Dropout                                float32
}

func (c VAEConfig) resolved() VAEConfig {
	def := func(p *int, v int) {
		if *p <= 0 {
			*p = v
		}
	}
	def(&c.InputDim, 5)
	def(&c.HiddenDim, 128)
	def(&c.LatentDim, 16)
	def(&c.Layers, 4)
	return c
}

// ginLayer is one message-passing layer: aggregation, then
// Linear → BN → ReLU → Linear (the 2-layer MLP), then the outer BN → ReLU.
type ginLayer struct {
	lin0, lin1 *nn.Linear
	bn0, bn1   *nn.BatchNorm1d
	in         []float32 // input of the layer (aliased)
	agg        []float32 // (1+ε)·x + A_sym·x, rows×in
	fin        int
}

// VAE is the arch2vec GIN-VAE (models/model.py Model, cfg 4): a GIN encoder
// giving per-node μ and log σ, the reparameterisation z = μ + noise·exp(log σ)
// in training mode (z = μ in evaluation mode), and a decoder with decoder
// dropout on z, a sigmoid op head Linear(latent→input) and a sigmoid
// inner-product adjacency head. See the package documentation for the loss.
//
// A VAE is not safe for concurrent use: every pass writes its buffers.
type VAE struct {
	cfg    VAEConfig
	eps    *nn.Param
	layers []ginLayer
	fc1    *nn.Linear // μ head
	fc2    *nn.Linear // log σ head
	dec    *nn.Linear // op head ("decoder.weight")

	params, buffers []*nn.Param

	// Per-pass buffers, sized on first use.
	b, n, rows                int
	asym                      []float32 // A + triu(A,1)ᵀ, B×N×N
	adjTgt, adjTri            []float32 // triu(target,1), triu(recon,1)
	noise, mask               []float32 // rows×latent
	z, zdrop                  []float32 // z and dropout(z) (own storage)
	zd                        []float32 // the decoder input: z or zdrop
	std                       []float32 // exp(logvar) of the last forward
	mu, logvar                []float32 // copies of the head outputs
	opsRecon, adjRecon        []float32
	dOps, dAdj, dz, dlv, dx   []float32
	ownNoise                  []float32
	loss64                    float64 // the last loss before rounding, for gradient checks
	train, dropped, outsValid bool
	lvValid                   bool // logvar holds the last pass's log σ

	inferState
}

// NewVAE builds a model with PyTorch's default initialisation drawn from
// rng, in the reference's parameter order.
func NewVAE(c VAEConfig, rng *rand.Rand) *VAE {
	c = c.resolved()
	m := &VAE{cfg: c, eps: nn.NewParam("eps", c.Layers)}
	m.params = append(m.params, m.eps)
	fin := c.InputDim
	for l := 0; l < c.Layers; l++ {
		p := "mlps." + itoa(l) + "."
		L := ginLayer{
			lin0: nn.NewLinear(p+"linears.0.", fin, c.HiddenDim, rng),
			lin1: nn.NewLinear(p+"linears.1.", c.HiddenDim, c.HiddenDim, rng),
			bn0:  nn.NewBatchNorm1d(p+"batch_norms.0.", c.HiddenDim),
			fin:  fin,
		}
		m.params = append(m.params, L.lin0.W, L.lin0.B, L.lin1.W, L.lin1.B, L.bn0.Weight, L.bn0.Bias)
		m.buffers = append(m.buffers, L.bn0.Buffers()...)
		m.layers = append(m.layers, L)
		fin = c.HiddenDim
	}
	for l := range m.layers {
		bn := nn.NewBatchNorm1d("batch_norms."+itoa(l)+".", c.HiddenDim)
		m.layers[l].bn1 = bn
		m.params = append(m.params, bn.Weight, bn.Bias)
		m.buffers = append(m.buffers, bn.Buffers()...)
	}
	m.fc1 = nn.NewLinear("fc1.", c.HiddenDim, c.LatentDim, rng)
	m.fc2 = nn.NewLinear("fc2.", c.HiddenDim, c.LatentDim, rng)
	m.dec = nn.NewLinear("decoder.weight.", c.LatentDim, c.InputDim, rng)
	m.params = append(m.params, m.fc1.W, m.fc1.B, m.fc2.W, m.fc2.B, m.dec.W, m.dec.B)
	return m
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + itoa(i%10)
}

// Config returns the resolved configuration.
func (m *VAE) Config() VAEConfig { return m.cfg }

// Params returns every trainable tensor with its PyTorch state_dict name,
// in the order of the reference's named_parameters(). Gradients are in
// Grad after Step.
func (m *VAE) Params() []*nn.Param { return m.params }

// Buffers returns the BatchNorm running_mean, running_var and
// num_batches_tracked tensors (the inner norm of each layer, then the outer
// ones).
func (m *VAE) Buffers() []*nn.Param { return m.buffers }

// NumParams is the number of trainable scalars (122,617 for NB101 with the
// reference sizes, 122,907 for NB201).
func (m *VAE) NumParams() int { return nn.CountParams(m.params) }

// Outputs returns μ and log σ (B×N×latent), the op reconstruction (B×N×C)
// and the full adjacency reconstruction (B×N×N, before the triu mask) of the
// last Step or Forward, or only μ after Encode (the others are then nil).
// The slices are owned by m and valid until the next pass.
func (m *VAE) Outputs() (mu, logvar, opsRecon, adjRecon []float32) {
	if !m.lvValid {
		return m.mu, nil, nil, nil
	}
	if !m.outsValid {
		return m.mu, m.logvar, nil, nil
	}
	return m.mu, m.logvar, m.opsRecon, m.adjRecon
}

// Step runs forward, loss and backward on b and returns the loss. Gradients
// overwrite Params()[i].Grad. With train it uses training mode (BatchNorm
// batch statistics and running-statistic update, decoder dropout, z = μ +
// noise·exp(log σ)); otherwise evaluation mode (running statistics, no
// dropout, z = μ). In training mode rng supplies first the noise, rows×latent
// rng.NormFloat64 draws, then the dropout mask (see [nn.DropoutMask]); in
// evaluation mode rng is not used and may be nil. It panics if b does not
// match the model's input width.
func (m *VAE) Step(b *Batch, train bool, rng *rand.Rand) (loss float32) {
	var noise []float32
	if train {
		m.ownNoise = growF(m.ownNoise, b.Rows()*m.cfg.LatentDim)
		for i := range m.ownNoise {
			m.ownNoise[i] = float32(rng.NormFloat64())
		}
		noise = m.ownNoise
	}
	return m.StepWithNoise(b, train, noise, rng)
}

// StepWithNoise is Step with explicit reparameterisation noise (rows×latent,
// ignored in evaluation mode), as the parity fixture needs. rng then supplies
// only the dropout mask and may be nil when the dropout is 0 or train is false.
func (m *VAE) StepWithNoise(b *Batch, train bool, noise []float32, rng *rand.Rand) (loss float32) {
	loss = m.forward(b, train, noise, rng)
	m.backward(b)
	return loss
}

// Forward runs an evaluation-mode pass on b and returns the loss, leaving the
// reconstructions in Outputs and the gradients untouched.
func (m *VAE) Forward(b *Batch) (loss float32) {
	return m.forward(b, false, nil, nil)
}

// DecodeTo decodes one latent matrix z (n nodes × latent) in evaluation mode
// into the sigmoid op probabilities ops (n×C) and the full sigmoid adjacency
// adj (n×n, σ(zᵢ·zⱼ), before any triu mask), as the validity sampling does.
// It does not touch the pass buffers. It panics if a slice is too short.
func (m *VAE) DecodeTo(z []float32, n int, ops, adj []float32) {
	lat, c := m.cfg.LatentDim, m.cfg.InputDim
	if len(z) < n*lat || len(ops) < n*c || len(adj) < n*n {
		panic("model: decode: slice too short")
	}
	w, bias := m.dec.W.Data, m.dec.B.Data
	for i := 0; i < n; i++ {
		zi := z[i*lat : (i+1)*lat]
		for k := 0; k < c; k++ {
			s := float32(0)
			for d, v := range w[k*lat : (k+1)*lat] {
				s += v * zi[d]
			}
			ops[i*c+k] = nn.Sigmoid(s + bias[k])
		}
		for j := 0; j < n; j++ {
			zj := z[j*lat : (j+1)*lat]
			s := float32(0)
			for d, v := range zi {
				s += v * zj[d]
			}
			adj[i*n+j] = nn.Sigmoid(s)
		}
	}
}

// growF returns s with length n, reallocating only if its capacity is short.
func growF(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
