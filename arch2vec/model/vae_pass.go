package model

import (
	"math"
	"math/rand/v2"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// prepare sizes the pass buffers for b and builds the encoder adjacency
// (see prepareTile) and the loss target triu(A,1).
func (m *VAE) prepare(b *Batch) {
	b.check(m.cfg.InputDim)
	m.prepareTile(b)
	n, rl := b.N, b.Rows()*m.cfg.LatentDim
	m.adjTgt = growF(m.adjTgt, b.B*n*n)
	for g := 0; g < b.B; g++ {
		a, t := b.Adj[g*n*n:(g+1)*n*n], m.adjTgt[g*n*n:(g+1)*n*n]
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				t[i*n+j] = 0
				if j > i {
					t[i*n+j] = a[i*n+j]
				}
			}
		}
	}
	m.mu = growF(m.mu, rl)
	m.logvar = growF(m.logvar, rl)
}

// prepareTile records the shape of b and builds the encoder adjacency
// A + triu(A,1)ᵀ (utils.preprocessing method 4).
func (m *VAE) prepareTile(b *Batch) {
	m.b, m.n, m.rows = b.B, b.N, b.Rows()
	n := b.N
	m.asym = growF(m.asym, b.B*n*n)
	for g := 0; g < b.B; g++ {
		a, s := b.Adj[g*n*n:(g+1)*n*n], m.asym[g*n*n:(g+1)*n*n]
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				v := a[i*n+j]
				if i > j {
					v += a[j*n+i]
				}
				s[i*n+j] = v
			}
		}
	}
}

// encode runs the GIN encoder and the μ / log σ heads into m.mu and
// m.logvar.
func (m *VAE) encode(b *Batch, train bool) {
	m.prepare(b)
	m.encodeTo(b, train, true, m.mu, m.logvar)
}

// encodeTo runs the GIN encoder on b (prepared) and writes the μ head into
// mu and, when logvar is not nil, the log σ head into logvar. With fresh it
// check false it trusts the layers' transposed weights (see
// nn.Linear.ForwardFresh).
func (m *VAE) encodeTo(b *Batch, train, check bool, mu, logvar []float32) {
	m.train = train
	x, rows := b.Ops, m.rows
	fwd := (*nn.Linear).ForwardFresh
	if check {
		fwd = (*nn.Linear).Forward
	}
	if m.evalAff != nil {
		// Inference: each BatchNorm(eval)+ReLU is fused into the product
		// before it (bit-identical to the separate passes).
		for l := range m.layers {
			L, a := &m.layers[l], m.evalAff[4*l:4*l+4]
			if l == 0 && m.useL0 {
				x = m.gatherLayer0(rows)
				continue
			}
			L.agg = growF(L.agg, rows*L.fin)
			nn.GINAggregateTo(L.agg, x, m.asym, m.eps.Data[l], b.B, b.N, L.fin)
			h := L.lin0.ForwardEval(L.agg, rows, a[0], a[1], true)
			x = L.lin1.ForwardEval(h, rows, a[2], a[3], true)
		}
		copy(mu, fwd(m.fc1, x, rows))
		return
	}
	for l := range m.layers {
		L := &m.layers[l]
		L.in = x
		L.agg = growF(L.agg, rows*L.fin)
		nn.GINAggregateTo(L.agg, x, m.asym, m.eps.Data[l], b.B, b.N, L.fin)
		h := fwd(L.lin0, L.agg, rows)
		h = L.bn0.ForwardReLU(h, rows, train)
		h = fwd(L.lin1, h, rows)
		x = L.bn1.ForwardReLU(h, rows, train)
	}
	copy(mu, fwd(m.fc1, x, rows))
	if logvar != nil {
		copy(logvar, fwd(m.fc2, x, rows))
	}
}

// forward runs encoder, reparameterisation, decoder and loss
// (VAEReconstructed_Loss, arch2vec.md §2.4).
func (m *VAE) forward(b *Batch, train bool, noise []float32, rng *rand.Rand) float32 {
	m.encode(b, train)
	m.lvValid = true
	lat, rows, n, c := m.cfg.LatentDim, m.rows, m.n, m.cfg.InputDim
	rl := rows * lat
	m.z = growF(m.z, rl)
	m.std = growF(m.std, rl)
	for i, v := range m.logvar {
		m.std[i] = float32(math.Exp(float64(v))) // σ = exp(logvar), arch2vec.md §2.1
	}
	if train {
		if len(noise) < rl {
			panic("model: step: noise too short")
		}
		m.noise = growF(m.noise, rl)
		copy(m.noise, noise)
		for i, mu := range m.mu {
			m.z[i] = m.noise[i]*m.std[i] + mu
		}
	} else {
		copy(m.z, m.mu)
	}
	m.dropped = train && m.cfg.Dropout > 0
	zd := m.z
	if m.dropped {
		m.mask = growF(m.mask, rl)
		nn.DropoutMask(m.mask, m.cfg.Dropout, rng)
		m.zdrop = growF(m.zdrop, rl)
		nn.MulTo(m.zdrop, m.z, m.mask)
		zd = m.zdrop
	}
	m.zd = zd
	// Op head: sigmoid(Linear(z)).
	m.opsRecon = growF(m.opsRecon, rows*c)
	nn.SigmoidTo(m.opsRecon, m.dec.Forward(zd, rows))
	// Adjacency head: sigmoid(z·zᵀ) per graph.
	nn2 := n * n
	m.adjRecon = growF(m.adjRecon, m.b*nn2)
	m.adjTri = growF(m.adjTri, m.b*nn2)
	for g := 0; g < m.b; g++ {
		zg := zd[g*n*lat : (g+1)*n*lat]
		ag := m.adjRecon[g*nn2 : (g+1)*nn2]
		for i := 0; i < n; i++ {
			zi := zg[i*lat : (i+1)*lat]
			for j := 0; j < n; j++ {
				zj := zg[j*lat : (j+1)*lat]
				s := float32(0)
				for d, v := range zi {
					s += v * zj[d]
				}
				ag[i*n+j] = s
			}
		}
	}
	nn.SigmoidTo(m.adjRecon, m.adjRecon)
	for g := 0; g < m.b; g++ {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				v := float32(0)
				if j > i {
					v = m.adjRecon[g*nn2+i*n+j]
				}
				m.adjTri[g*nn2+i*n+j] = v
			}
		}
	}
	m.outsValid = true
	lossOps := nn.BCESum(m.opsRecon, b.Ops) / float64(rows*c)
	lossAdj := nn.BCESum(m.adjTri, m.adjTgt) / float64(m.b*nn2)
	kl := nn.KLRef(m.mu, m.logvar, m.std, nil, nil, rows, lat)
	m.loss64 = lossOps + lossAdj + float64(kl)
	return float32(lossOps) + float32(lossAdj) + kl
}

// backward propagates the loss of the last forward and sets every Grad.
func (m *VAE) backward(b *Batch) {
	lat, rows, n, c := m.cfg.LatentDim, m.rows, m.n, m.cfg.InputDim
	rl, nn2 := rows*lat, n*n
	// Op head.
	m.dOps = growF(m.dOps, rows*c)
	nn.BCEBackwardTo(m.dOps, m.opsRecon, b.Ops, 1/float32(rows*c))
	nn.SigmoidBackwardTo(m.dOps, m.dOps, m.opsRecon)
	m.dz = growF(m.dz, rl)
	copy(m.dz, m.dec.Backward(m.dOps, true))
	// Adjacency head: only the strict upper triangle reaches the loss.
	m.dAdj = growF(m.dAdj, m.b*nn2)
	nn.BCEBackwardTo(m.dAdj, m.adjTri, m.adjTgt, 1/float32(m.b*nn2))
	for g := 0; g < m.b; g++ {
		for i := 0; i < n; i++ {
			for j := 0; j <= i; j++ {
				m.dAdj[g*nn2+i*n+j] = 0
			}
		}
	}
	nn.SigmoidBackwardTo(m.dAdj, m.dAdj, m.adjRecon)
	for g := 0; g < m.b; g++ {
		zg := m.zd[g*n*lat : (g+1)*n*lat]
		dzg := m.dz[g*n*lat : (g+1)*n*lat]
		dg := m.dAdj[g*nn2 : (g+1)*nn2]
		for i := 0; i < n; i++ {
			dzi := dzg[i*lat : (i+1)*lat]
			for j := 0; j < n; j++ {
				// d(zᵢ·zⱼ) contributes to zᵢ via G[i][j] and to zⱼ via G[j][i].
				w := dg[i*n+j] + dg[j*n+i]
				if w == 0 {
					continue
				}
				for d, v := range zg[j*lat : (j+1)*lat] {
					dzi[d] += w * v
				}
			}
		}
	}
	if m.dropped {
		nn.MulTo(m.dz, m.dz, m.mask)
	}
	// Reparameterisation: dμ = dz, dlogσ = dz·noise·exp(logσ).
	m.dlv = growF(m.dlv, rl)
	if m.train {
		for i, g := range m.dz {
			m.dlv[i] = g * m.noise[i] * m.std[i]
		}
	} else {
		clear(m.dlv)
	}
	nn.KLRef(m.mu, m.logvar, m.std, m.dz, m.dlv, rows, lat)
	// Heads.
	hid := m.cfg.HiddenDim
	m.dx = growF(m.dx, rows*hid)
	copy(m.dx, m.fc1.Backward(m.dz, true))
	for i, v := range m.fc2.Backward(m.dlv, true) {
		m.dx[i] += v
	}
	// GIN layers, last to first.
	for l := len(m.layers) - 1; l >= 0; l-- {
		L := &m.layers[l]
		d := L.bn1.BackwardReLU(m.dx)
		d = L.lin1.Backward(d, true)
		d = L.bn0.BackwardReLU(d)
		d = L.lin0.Backward(d, true)
		var dx []float32
		if l > 0 {
			dx = m.dx[:rows*L.fin]
		}
		m.eps.Grad[l] = nn.GINAggregateBackward(dx, d, L.in, m.asym, m.eps.Data[l], m.b, n, L.fin)
	}
}
