// Package model is arch2vec's GIN variational autoencoder (Yan et al.,
// NeurIPS 2020; reference code MSU-MLSys-Lab/arch2vec models/model.py,
// cfg 4): the network, its unsupervised pretraining on NAS cells, the
// reference's pretraining metrics, architecture embeddings and
// checkpoints.
//
// # Overview
//
// A [Dataset] is an encoded copy of a list of cells ([NewDataset101],
// [NewDataset201]). [Pretrain] (or a [Trainer], which can stop, be saved
// and continue) trains a [VAE] on it under a [Config] whose zero value is
// the reference configuration, reporting through [Hooks]. [Embed] turns
// every cell into its 16-d arch2vec vector, [Evaluate] measures
// reconstruction, [LoadModel] reads a trained network back.
//
// # Shapes and layout
//
// Everything is row-major float32, as in the PyTorch reference.
//
//   - A cell is an N×N adjacency (strictly upper-triangular 0/1, as stored
//     in data.json) and an N×C operation one-hot: N = 7, C = 5 for
//     NAS-Bench-101 (classes input, conv1x1, conv3x3, maxpool3x3, output);
//     N = 8, C = 7 for NAS-Bench-201 (input, nor_conv_1x1, nor_conv_3x3,
//     avg_pool_3x3, skip_connect, none, output). NB101 cells with n < 7
//     vertices are padded at the end with zero adjacency rows and columns
//     and ALL-ZERO one-hot rows, so the output stays at index n−1.
//   - A [Batch] holds B cells: Adj is B×N×N, Ops B×N×C.
//   - The encoder gives per-node μ and log σ, B×N×Latent (Latent = 16).
//   - The decoder gives sigmoid operation probabilities B×N×C and a
//     sigmoid adjacency σ(z·zᵀ), B×N×N.
//   - An embedding is the mean over the N node rows of μ in evaluation
//     mode, padded rows included (arch2vec.md §2.2): Len×Latent. [Embed]
//     computes it with less arithmetic than a forward pass — node states
//     memoised by neighbourhood pattern, each linear layer applied once per
//     distinct state, the μ head once per cell on the node mean — so its
//     numbers agree with [VAE.Encode] to float32 rounding (≲ 1e-6 of the
//     embedding scale) and depend only on the model and the cell.
//
// # The network and its loss
//
// Four GIN layers (aggregation (1+ε_l)·x + (A+Aᵀ)·x, then Linear → BN →
// ReLU → Linear → BN → ReLU; BatchNorm statistics over all B·N node rows,
// padded rows included), per-node heads μ = fc1(x) and log σ = fc2(x),
// z = μ + ε·exp(log σ) in training mode and z = μ in evaluation mode,
// decoder dropout(0.3) on z in training mode only. The loss
// (VAEReconstructed_Loss, arch2vec.md §2.4) is
//
//	BCE_mean(ops_recon, ops) + BCE_mean(triu(adj_recon,1), adj) + KLD
//	KLD = −0.5/(B·N) · mean_{b,n} Σ_d (1 + 2·log σ − μ² − σ²)
//
// with BCE averaged over all B·N·C and B·N·N entries (log clamped at −100
// as PyTorch does), and the KL term divided by B·N twice, as coded. Note
// that the variable called logvar is log σ, not log σ².
//
// # Pretraining and the reference quirks
//
// [Pretrain] follows models/pretraining_nasbench101.py (arch2vec.md §2.5):
// Adam (lr 1e-3, no schedule), batches of 32 (the last partial batch kept),
// global gradient-norm clipping at 5, 8 epochs (NB101) or 10 (NB201). The
// split is the first int(0.9·Len) cells in dataset order for training and
// the rest held out, NOT a random split; each part is permuted once by the
// seed and the same batch order is reused every epoch. numpy's permutation
// stream cannot be reproduced in Go, so the permutation itself (like every
// random draw) differs from the reference's while having the same
// structure.
//
// The reference calls model.eval() after epoch 0 and never model.train()
// again, so epochs 1.. run in evaluation mode: BatchNorm uses the running
// statistics frozen at the end of epoch 0 (γ and β still learn), dropout
// is off and z = μ. [ModeReference], the default, reproduces this;
// [ModeStandard] trains in training mode every epoch, as the paper
// describes. [EpochStats.TrainMode] records which mode each epoch used.
//
// After every epoch the held-out split is evaluated exactly as
// get_val_acc_vae codes it ([Recon]: acc_ops over all B·N rows, padded
// rows counting as "input"; acc_adj, mean_corr_adj and mean_fal_pos_adj
// over the strict upper triangle; chunks of 500 weighted by size), plus
// the share of cells reconstructed exactly, which the reference lacks.
// Then [Config.ValiditySamples] latent points z = randn(N,16)·z_std +
// z_mean are drawn, with the per-position mean and unbiased standard
// deviation of the epoch's training μ, decoded (threshold 0.5, argmax) and
// judged by nasbench's is_valid after pruning; uniqueness counts distinct
// fingerprints of the UNPRUNED decoded graphs ([Validity], arch2vec.md
// §3.2).
//
// # Determinism
//
// Randomness comes only from math/rand/v2 PCG generators seeded by
// [Config.Seed], one stream per purpose (split, initialisation, training
// noise, validity draws of each epoch). Parallel work uses fixed chunks
// whose results are combined in a fixed order. The same seed and dataset
// therefore give bit-identical losses, metrics, weights and embeddings
// whatever GOMAXPROCS or [Config.Workers] is; only the timing fields of
// [EpochStats] and [BatchStats] vary.
//
// # Cancellation, progress and errors
//
// Long operations take a [context.Context] first. Training checks it
// before every batch: a stop happens within one batch and leaves the state
// of the last complete batch, returned together with an error wrapping
// context.Cause(ctx); running the same [Trainer] again (or one loaded from
// a checkpoint saved then) continues exactly where it stopped. Hook errors
// stop training the same way; a NaN or infinite loss is an error. Bad user
// input (a config, cells, a checkpoint file) gives an error naming what is
// wrong; shape mismatches between a model and a buffer are programmer
// errors and panic, as documented on each function.
//
// # Checkpoints
//
// [Trainer.Save] writes a versioned binary file ("A2VCKPT\x00" magic,
// version, a JSON header with the resolved config, the dataset's size and
// checksum, the epoch and position in it, history, PCG state and Adam
// step, then every weight, BatchNorm buffer and Adam moment by PyTorch
// name with its shape, then a SHA-256 of the whole), atomically (temporary
// file, fsync, rename, directory fsync). [LoadTrainer] and [LoadModel]
// check magic, version, length, checksum, names and shapes; LoadTrainer
// also checks the space, size and cells ([Dataset.Sum]) of the dataset.
// Errors name what is wrong and wrap [ErrCheckpoint]. Checkpoints may be
// taken between any two batches.
//
// # Concurrency
//
// A [VAE] and a [Trainer] are not safe for concurrent use. A [Dataset] is
// read-only once built. [Embed] and [Evaluate] only read their model and
// work on private copies, two goroutines at a time.
package model
