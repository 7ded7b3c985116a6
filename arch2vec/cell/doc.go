// Package cell holds the cells of the NAS search spaces arch2vec learns
// from: NAS-Bench-101 DAGs (validity and pruning as nasbench's ModelSpec,
// the exact nasbench graph hash, full enumeration of the 423,624 unique
// cells, arch2vec's padded encoding) and NAS-Bench-201 cells (arch strings
// and their fixed 8-node graph), plus the exact graph edit distance between
// two cells of one space.
//
// Two operation orders exist and are kept apart by type: [Op] is arch2vec's
// one-hot order, [HashLabel] is the label order of nasbench's hash.
//
// # NAS-Bench-101
//
// [NB101] is a small comparable value: N vertices, adjacency rows as bit
// sets, ops. [NewNB101] applies the checks of nasbench's ModelSpec
// constructor and nothing more; [NB101.Prune] is ModelSpec._prune;
// [NB101.Validate] is nasbench's is_valid on the pruned cell.
//
// Three hashes, all bit-identical to nasbench's graph_util.hash_module:
//   - [NB101.Hash]: the cell as given, labels from [Op.HashLabel]. On a
//     pruned valid cell this is the dataset key (hash_spec); the hash of a
//     spec is Prune followed by Hash.
//   - [NB101.Fingerprint]: arch2vec's uniqueness fingerprint (brief §3.2),
//     the unpruned cell with one-hot float-list labels.
//   - [HashModule]: any matrix, labels given as their Python str().
//
// [Enumerate101] regenerates the whole space in nasbench's generate_graphs
// order (see [Enumerate101Hashed] for the order and the method).
//
// # Encodings and validity sampling
//
// [NB101.EncodeTo] and [FromEncoding101] are arch2vec's data.json layout
// (7×7 padded adjacency, output at N-1, 7×5 one-hot with zero padding
// rows). To score a decoder output as arch2vec's validity sampling does:
// d := [Decode101](adj, ops); valid := d.Valid(); if valid, its uniqueness
// key is d.Fingerprint() (on the UNPRUNED d). For NAS-Bench-201 the same
// with [Decode201], [Decoded201.Valid] (the reference rule, quirk included)
// and [Decoded201.Fingerprint].
//
// # NAS-Bench-201
//
// [NB201] holds the six edge ops in arch-string order; [ParseArch201] and
// [NB201.String] are exact inverses. [All201] lists the 15,625 cells in
// lexicographic order; NAS-Bench-201's own index order is data and lives
// with the benchmark tables.
//
// # Edit distance
//
// [EditDistance101] and [EditDistance201] are exact graph edit distances
// with unit costs (networkx graph_edit_distance with node_match on ops),
// computed by branch and bound over vertex mappings.
//
// # Errors, panics, concurrency
//
// Anything built from user input returns a *[ValidationError] naming what
// is wrong; nothing here panics on user input. The EncodeTo methods and
// the Decode functions panic on buffers of the wrong length (a programmer
// error), and [HashModule] on a matrix that does not match its labels.
// All values are immutable and every function is safe for concurrent use.
package cell
