// Package cell holds the cells of the NAS search spaces arch2vec learns
// from: NAS-Bench-101 DAGs (validity and pruning as nasbench's ModelSpec,
// the exact nasbench graph hash, full enumeration of the 423,624 unique
// cells, arch2vec's padded encoding) and NAS-Bench-201 cells (arch strings
// and their fixed 8-node graph), plus the exact graph edit distance between
// two cells of one space.
//
// Two operation orders exist and are kept apart by type: [Op] is arch2vec's
// one-hot order, [HashLabel] is the label order of nasbench's hash.
package cell
