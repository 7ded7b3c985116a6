// Package supervised implements the supervised baselines of arch2vec
// (Yan et al., NeurIPS 2020, §4.3 of shared/reference/arch2vec.md):
// Bayesian optimisation and REINFORCE whose architecture encoder is not a
// pretrained GIN-VAE but the same GIN trained end-to-end from the search
// signal. They plug into the searches of arch2vec/search through its two
// seams, so budgets, traces, quirk switches and aggregation are shared:
//
//	bo := search.BO{Budget: b, InitSize: 16, TopK: 1, Target: 1,
//		NewSurrogate: supervised.Config{}.Surrogate(cells)}
//	rl := search.Reinforce{Budget: b, Baseline: 0.4,
//		NewEncoder: supervised.Config{}.Encoder(cells)}
//
// where cells is the *model.Dataset of the table's rows, in order.
//
// # The encoder
//
// [GIN] is the Net of supervised_reinforce.py and pybnn/dngo_supervised.py:
// 4 GIN layers of width 128 (2-layer MLPs Linear → BN → ReLU → Linear,
// then BN → ReLU, a learnable ε per layer), then a per-node
// Linear(128→16), averaged over the nodes of each graph (padded nodes
// included). Unlike the GIN-VAE it aggregates with the raw stored
// adjacency, (1+ε)x + A·x with A upper-triangular, so information flows
// from a node's successors only.
//
// # Supervised DNGO ([Config.Surrogate])
//
// At every BO iteration a fresh GIN and head tanh(encoding) →
// Linear(16, 1) (PyTorch initialisation from the run's rng) are trained by
// Adam (lr 0.01) on the MSE of the queried cells' validation accuracies
// for 100 epochs of shuffled minibatches of 10 (all cells if there are at
// most 10), the last incomplete batch dropped. The 16 tanh features are
// the basis of DNGO's Bayesian linear regression ([search.FitBLR]: one
// prior draw, Nelder–Mead on pybnn's marginal likelihood, posterior), and
// search.BO takes expected improvement over every table cell.
//
// # Supervised REINFORCE ([Config.Encoder])
//
// The policy (search.Reinforce's LSTM) reads the GIN encoding of the
// current cell; the environment moves among the GIN encodings of all
// cells, re-extracted at the start of every policy batch. After each
// batch the policy loss is back-propagated through the batch's states into
// the GIN, the gradients summed over the states, and the GIN takes one
// Adam step (lr 1e-3, supervised_reinforce.py's optimizer_gin; the policy
// keeps its own lr 1e-2).
//
// # Choices where the reference is silent, inconsistent or buggy
//
//   - BatchNorm in DNGO: pybnn's supervised DNGO never calls eval(), so its
//     basis Θ is computed with the batch statistics of all training cells
//     and its predictions with those of each chunk of 512 table cells, and
//     a cell's features depend on which cells share its chunk. Here
//     training uses batch statistics (training mode), and both Θ and the
//     predictions use the running statistics (evaluation mode), so the
//     basis is one function of the cell.
//   - BatchNorm in REINFORCE: as the reference, the environment's
//     encodings use evaluation mode and the policy's states training mode
//     over the current cell's nodes alone (updating the running
//     statistics once per state). Update recomputes each state's forward
//     pass to back-propagate and restores the running statistics, so they
//     move exactly once per state.
//   - EI precedence: supervised_dngo.py computes u = mean − 0.95/sigma
//     (operator precedence); search.BO's (μ − τ)/v is used.
//     Quirks.EIPrecedence reproduces the bug.
//   - REINFORCE state: supervised_reinforce.py encodes the random initial
//     cell at every step (its adj/ops are never updated); here the state is
//     the current cell. Quirks.InitialState reproduces the bug.
//   - GIN learning rate in REINFORCE: 1e-3, as the reference's
//     optimizer_gin (the policy's is 1e-2).
//   - NAS-Bench-201: the reference has supervised scripts for NB101 only;
//     on NB201 the same networks are used with 7 operation classes and
//     8 nodes, and the NB201 search settings of arch2vec/experiment.
//   - Random numbers come from the run's math/rand/v2 source (network
//     initialisation, minibatch shuffling, the BLR prior draw), so runs are
//     reproducible but not the reference's draws.
//
// # Numerics, concurrency, determinism
//
// Networks are float32 (arch2vec/nn), the BLR float64. Encoding all cells
// (every DNGO prediction and every policy batch) runs in evaluation mode
// with the BatchNorms fused into the products, in fixed chunks of 64 cells
// on Config.Workers goroutines (default 2), each with its own buffers; a
// cell's encoding does not depend on the split, so a trace depends only
// on the method, the table, the cells and the seed, not on GOMAXPROCS.
// Context cancellation is checked per training epoch, per encoding chunk,
// per Nelder–Mead evaluation and per policy update. Buffers are reused
// across iterations; a surrogate or encoder belongs to one run.
//
// Cost: encoding all 15,625 NAS-Bench-201 cells takes about 70 ms on two
// cores (their 125,000 node rows have 16,281 distinct rows per layer), a
// DNGO training step on 10 cells about 0.5 ms. A supervised BO run on
// NB201 CIFAR-10 at the 12,000 s budget (about 100 queries, a fresh
// network trained for 100 epochs at each) costs about 30 s of CPU, a
// supervised REINFORCE run about 0.25 s.
package supervised
