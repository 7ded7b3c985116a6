// Package search runs architecture searches over a fixed table of
// pretrained cell embeddings, as arch2vec does (Yan et al., NeurIPS 2020,
// §4 of shared/reference/arch2vec.md): random search, REINFORCE and DNGO
// Bayesian optimisation, with regret traces, aggregation over runs and a
// significance test.
//
// # Overview
//
// A [Table] holds, for each of M cells, its embedding (M×D float32,
// row-major), its validation accuracy (the reward a search sees), its test
// accuracy (reported for the incumbent only) and its simulated training
// time (the cost of a query). A [Method] — [Random], [Reinforce] or [BO] —
// runs from a seed until its [Budget] (simulated seconds and/or number of
// queries) is spent and returns a [Trace]: per query the cell, the
// cumulative time, the incumbent (best validation accuracy so far), its
// test accuracy, and both regrets against the table's best accuracies or
// given constants ([NB101BestValid], [NB101BestTest]). [RunMany] runs one
// method over many seeds on a few goroutines. [Aggregate],
// [AggregateByQuery], [Summarize], [Finals] and [Welch] turn traces into
// curves, tables and p-values.
//
// A run stops as soon as the cumulative time reaches Budget.Seconds or the
// number of queries reaches Budget.Queries, even inside a batch; or when
// no unqueried cell is left.
//
// # Random search
//
// Cells drawn uniformly without replacement.
//
// # REINFORCE (reinforce.py, reinforce_search_NB201_8x8.py)
//
// Policy: LSTMCell(D→128) (PyTorch gate order i, f, g, o, init
// U(±1/√128)) and Linear(128→D) giving the mean of a Gaussian action
// a ~ N(mean, I). The environment returns the nearest unvisited cell to a
// by L2 distance over all M rows (norms precomputed, scanned in eight fixed
// shards in parallel, ties to the lower index); its embedding is the next
// input and its validation accuracy the reward. Every 16 queries: one Adam
// step (lr 1e-2) on mean_i(−log π(a_i)·(r_i − b)), then the hidden state
// is reset. Baseline b = 0.95 (NB101); use 0.4 for NB201. The reference
// computes discounted returns (γ = 0.8) and discards them, so there is no
// discounting here either.
//
// # DNGO Bayesian optimisation (dngo.py, pybnn/dngo.py)
//
// 16 random initial queries; then per iteration a fresh surrogate
// ([DNGOModel]): a D→128 tanh→1 network (PyTorch init) on inputs
// standardised with the training set's mean and population std, trained
// by Adam (lr 0.01) on the MSE for 100 epochs of shuffled minibatches of
// 10 (N if N ≤ 10), the last incomplete batch dropped. Its hidden layer
// Θ = tanh(fc1(x)) (128-d, no bias column) is the basis of a Bayesian
// linear regression whose α, β maximise pybnn's marginal log-likelihood —
// including its quirks: the residual norm is not squared, log(det K +
// 1e-10), −∞ outside [−10, 10]², −1e25 for NaN — by Nelder–Mead
// (gonum/optimize) from one prior draw (log α ~ N(0, 1), log σ² ~ N(−3,
// 1)), with scipy fmin's settings: reflection 1, expansion 2, contraction
// 0.5, shrink 0.5, initial simplex +5 % per component (0.00025 for zero
// components), xtol = ftol = 1e-4 over the whole simplex, at most 200·dim
// iterations and evaluations. The predictive mean mᵀφ and variance
// 1/β + φᵀSφ (float64, Cholesky of K = βΘᵀΘ + αI) give expected
// improvement for every table cell, and the top 5 (NB101; use TopK 1 for
// NB201) are queried. [Surrogate] is the seam for other models.
//
// # Defaults and deviations from the reference
//
// The zero value of every option is the corrected behaviour; each
// reference behaviour is one switch away.
//
//   - EI formula: [EIReference] by default, for parity: u = (μ − τ)/v and
//     EI = v·(φ(u) + uΦ(u)) with the variance v where σ belongs and a fixed
//     target τ = BO.Target (0.95 NB101, 1.0 NB201). [EITextbook] uses σ and
//     the incumbent's observed value.
//   - EI ranking: candidates are ranked by log EI, computed without
//     underflow. With the reference formula u is far below −40 for most
//     cells, where the reference's float32 EI is exactly 0 and the top-k
//     among the zeros is whatever torch.argsort returns; here the true
//     order is used.
//   - Re-querying (BOQuirks.Revisit): dngo.py's visited dict is keyed by
//     tensors hashed by identity, so it re-queries (and re-charges) cells
//     it has already seen. By default visited cells are excluded.
//   - Top-k order (BOQuirks.Ascending): the reference queries its top-k in
//     increasing EI (argsort(ei)[-k:]); by default the best goes first.
//     This matters only when the budget ends inside an iteration.
//   - RL initial state (RLQuirks.UnchargedStart): the reference marks a
//     random initial cell visited but neither charges nor records it, so a
//     cell is excluded unseen. By default it is the first query, charged
//     and recorded. The reference's randint(0, N) can also return N (an
//     index error); here the start is uniform over the M cells.
//   - NB201 RL (RLQuirks.SkipNearest, RLQuirks.Shuffle): the NB201 script
//     starts its scan at count = 1, so the nearest cell is always passed
//     over, visited or not; and it shuffles the table first, which only
//     changes tie-breaking. Presets: [RLQuirksNB101], [RLQuirksNB201],
//     [BOQuirksReference].
//   - Nearest neighbour: distances are compared as ‖x‖² − 2x·a in float32
//     with the norms precomputed, not as torch.norm(x − a); near-ties can
//     resolve differently. Exact ties go to the lower index.
//   - Random numbers: math/rand/v2 PCG from the run seed, so runs are
//     reproducible but not the same draws as Python's or numpy's. The
//     NB201 BO script seeds DNGO from the global numpy state; here every
//     run is seeded.
//   - Standardisation: a column with zero std is divided by 1, not 0.
//   - Total variance: pybnn averages μ² + v − μ̄² over one hyperparameter
//     sample; that is v up to rounding, and v is used directly.
//   - Nelder–Mead: gonum's steps equal scipy's with these coefficients;
//     scipy's xtol/ftol test is applied to a mirror of gonum's simplex
//     (simplexConverger). Ties between equal vertex values may be ordered
//     differently from numpy's argsort.
//
// # Numerics
//
// Networks are float32 (arch2vec/nn Linear and Adam with PyTorch
// semantics; the LSTMCell is in this package), tanh uses a float32 rational
// approximation within 5e-7 of math.Tanh. The BLR is float64: the
// marginal likelihood uses the thin SVD of Θ (O(min(N, P)) per
// evaluation); the posterior uses a Cholesky factorisation (jitter added
// up to five times before an error); the predictive variance is ‖L⁻¹φ‖²,
// or for N < P/2 the equivalent low-rank form over Θ's singular vectors
// (the two agree to ~1e-7 relative even at α = e⁻¹⁰).
//
// # Supervised baselines
//
// arch2vec's supervised RL/BO baselines (supervised_reinforce.py,
// supervised_dngo.py) train the GIN encoder end-to-end from the search
// signal. They are not implemented here, but both seams exist and are
// exercised by the tests:
//
//   - BO.NewSurrogate: a [Surrogate] fits cell indices and targets and
//     predicts mean and variance for every cell, so it may compute its own
//     features (the supervised DNGO head is tanh(mean_nodes(GIN)) →
//     Linear(16, 1)).
//   - Reinforce.NewEncoder: an [Encoder] serves the embeddings the
//     environment searches (refreshed at every policy batch, as the
//     reference re-extracts its features) and the policy's input states,
//     and receives ∂loss/∂state after every batch to train itself. (The
//     reference feeds the initial cell's encoding at every step, a bug
//     a port should not copy.)
//
// # Concurrency and determinism
//
// Tables and Methods are read-only during a run and may be shared.
// Within a run, the nearest-neighbour scan and the DNGO predictions run on
// up to eight and two goroutines over fixed shards, each result computed
// by the same instructions whatever the split, so a trace depends only on
// the method, the table and the seed — not on GOMAXPROCS or the number of
// RunMany workers. Context cancellation is checked per query, per BO
// iteration, per training epoch and per Nelder–Mead evaluation; a stopped
// run returns its trace so far with an error wrapping context.Cause.
package search
