package cell

// MaxVertices is the largest NAS-Bench-101 cell, input and output included
// (nasbench config module_vertices).
const MaxVertices = 7

// MaxEdges is the largest number of edges of a valid NAS-Bench-101 cell after
// pruning (nasbench config max_edges).
const MaxEdges = 9

// Op is a NAS-Bench-101 vertex operation, numbered in arch2vec's one-hot
// order [input, conv1x1, conv3x3, maxpool3x3, output] (gen_json.py L77-83).
// It is not the label order of the NB101 hash: see [HashLabel].
type Op uint8

// The NAS-Bench-101 operations, in arch2vec's one-hot order.
const (
	Input Op = iota
	Conv1x1
	Conv3x3
	MaxPool3x3
	Output
)

// NumOps101 is the width of the NB101 one-hot operation encoding.
const NumOps101 = 5

// HashLabel is a vertex label as nasbench's hash_module sees it:
// -1 input, -2 output, and the index into available_ops
// ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] for interior vertices.
type HashLabel int8

// NB101 is one NAS-Bench-101 cell: a DAG of N vertices (2..MaxVertices)
// with an upper-triangular adjacency. Adj[i] has bit j set when there is an
// edge i→j (i < j). Ops[0] is Input and Ops[N-1] is Output for a valid cell;
// entries at N and above are unused and zero.
//
// The zero value is not a valid cell. NB101 is a small comparable value
// (it can be a map key and is copied freely). Every constructor in this
// package returns values that keep these invariants; [NB101.Prune] and
// [NB101.Validate] report a hand-built value that breaks them, while the
// other methods assume them (N above MaxVertices may panic).
type NB101 struct {
	N   int
	Adj [MaxVertices]uint8
	Ops [MaxVertices]Op
}

// NB201Vertices is the number of vertices of a NAS-Bench-201 cell in
// arch2vec's node-labelled form: input, the six edge operations, output.
const NB201Vertices = 8

// NB201Edges is the number of operation slots (edges of the original
// edge-labelled cell) in a NAS-Bench-201 cell.
const NB201Edges = 6

// Op201 is a NAS-Bench-201 operation, numbered in arch2vec's one-hot order
// [input, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3, skip_connect, none,
// output] (nasbench201_json.py L26).
type Op201 uint8

// The NAS-Bench-201 node classes, in arch2vec's one-hot order.
const (
	Input201 Op201 = iota
	Conv1x1201
	Conv3x3201
	AvgPool3x3201
	Skip201
	None201
	Output201
)

// NumOps201 is the width of the NB201 one-hot operation encoding.
const NumOps201 = 7

// NB201 is one NAS-Bench-201 cell: the operations on its six edges in
// arch-string order 0→1, 0→2, 1→2, 0→3, 1→3, 2→3. Each is one of
// Conv1x1201, Conv3x3201, AvgPool3x3201, Skip201 or None201.
type NB201 [NB201Edges]Op201
