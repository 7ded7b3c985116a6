package cell

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Hash is a nasbench module hash: the md5 digest graph_util.hash_module
// returns as 32 hex digits. It is the identity of a NAS-Bench-101 cell in
// nasbench's dataset and the join key of its tables.
type Hash [16]byte

// String returns h as 32 lower-case hex digits, as nasbench prints it.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHash parses 32 hex digits (either case). It returns a
// *[ValidationError] for anything else.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*len(h) {
		return h, invalidf("hash %q has %d characters, want 32 hex digits", s, len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return Hash{}, invalidf("hash %q is not hex", s)
	}
	return h, nil
}

// HashModule is nasbench's graph_util.hash_module (graph_util.py L95-127)
// for any square 0/1 matrix and any labels. labels[v] must be the Python
// str() of vertex v's label, because that is what nasbench feeds to md5:
// "-1", "0", ... for the labels of [NB101.Hash]; "[0.0, 1.0, 0.0, 0.0, 0.0]"
// for the one-hot float lists of arch2vec's uniqueness fingerprint (see
// [NB101.Fingerprint]). The result is bit-identical to the Python function.
//
// HashModule is the plain, allocating transcription of the Python; the
// cell methods use an allocation-free path tested against it. It panics if
// adj is not a len(labels)×len(labels) matrix.
func HashModule(adj [][]int, labels []string) Hash {
	n := len(labels)
	if len(adj) != n {
		panic(fmt.Sprintf("cell: HashModule: %d matrix rows for %d labels", len(adj), n))
	}
	in := make([]int, n)
	out := make([]int, n)
	for i, row := range adj {
		if len(row) != n {
			panic(fmt.Sprintf("cell: HashModule: row %d has %d entries, want %d", i, len(row), n))
		}
		for j, x := range row {
			out[i] += x
			in[j] += x
		}
	}
	hashes := make([]string, n)
	for v := range n {
		hashes[v] = md5Hex(fmt.Sprintf("(%d, %d, %s)", out[v], in[v], labels[v]))
	}
	for range n {
		next := make([]string, n)
		for v := range n {
			var ins, outs []string
			for w := range n {
				if adj[w][v] != 0 {
					ins = append(ins, hashes[w])
				}
				if adj[v][w] != 0 {
					outs = append(outs, hashes[w])
				}
			}
			sort.Strings(ins)
			sort.Strings(outs)
			next[v] = md5Hex(strings.Join(ins, "") + "|" + strings.Join(outs, "") + "|" + hashes[v])
		}
		hashes = next
	}
	sorted := append([]string(nil), hashes...)
	sort.Strings(sorted)
	return md5.Sum([]byte("['" + strings.Join(sorted, "', '") + "']"))
}

func md5Hex(s string) string {
	d := md5.Sum([]byte(s))
	return hex.EncodeToString(d[:])
}

// Hash returns nasbench's graph_util.hash_module of c as given (no
// pruning), with each vertex labelled by [Op.HashLabel]. For a valid,
// pruned cell this is nasbench's ModelSpec.hash_spec, the key of the
// dataset; the hash of any spec is therefore c.Prune() followed by Hash.
// (hash_spec itself fails on an interior input/output op; Hash labels such
// a vertex -1/-2.) Hash does not allocate.
func (c NB101) Hash() Hash { return hashCell(&c, &initTables().hashLabels) }

// Fingerprint returns the uniqueness fingerprint of arch2vec's validity
// sampling (pretraining_nasbench101.py L74-98, brief §3.2): hash_module of
// the decoded, UNPRUNED matrix with each vertex labelled by its one-hot row
// as a Python float list ("[0.0, 0.0, 1.0, 0.0, 0.0]" for conv3x3). Apply
// it to the cell [Decode101] returns, after checking [NB101.Valid].
func (c NB101) Fingerprint() Hash { return hashCell(&c, &initTables().oneHot) }

// digest is one vertex hash of hash_module, raw and as hex.
type digest struct {
	raw [16]byte
	hex [32]byte
}

// initTable holds the initial md5(str((out, in, label))) of every
// out-degree, in-degree and Op for one label spelling.
type initTable [MaxVertices][MaxVertices][NumOps101]digest

// initTables returns the initial-digest tables for nasbench's labels and for
// the one-hot labels of [NB101.Fingerprint], built on first use rather than
// at program start (a kernel that never hashes should not pay for them).
var initTables = sync.OnceValue(func() *struct{ hashLabels, oneHot initTable } {
	t := new(struct{ hashLabels, oneHot initTable })
	for op := range Op(NumOps101) {
		num := strconv.Itoa(int(op.HashLabel()))
		hot := oneHotString(int(op), NumOps101)
		for o := range MaxVertices {
			for i := range MaxVertices {
				t.hashLabels[o][i][op] = newDigest(fmt.Sprintf("(%d, %d, %s)", o, i, num))
				t.oneHot[o][i][op] = newDigest(fmt.Sprintf("(%d, %d, %s)", o, i, hot))
			}
		}
	}
	return t
})

func newDigest(s string) digest {
	d := digest{raw: md5.Sum([]byte(s))}
	hex.Encode(d.hex[:], d.raw[:])
	return d
}

// less orders digests as their hex strings sort (hex is order-preserving).
func (d *digest) less(e *digest) bool {
	a, b := binary.BigEndian.Uint64(d.raw[:8]), binary.BigEndian.Uint64(e.raw[:8])
	if a != b {
		return a < b
	}
	return binary.BigEndian.Uint64(d.raw[8:]) < binary.BigEndian.Uint64(e.raw[8:])
}

// appendSorted appends the hex digests of the vertices in set, sorted.
func appendSorted(buf []byte, hs *[MaxVertices]digest, set uint8) []byte {
	var idx [MaxVertices]int8
	k := 0
	for ; set != 0; set &= set - 1 {
		v := int8(bits.TrailingZeros8(set))
		j := k
		for j > 0 && hs[v].less(&hs[idx[j-1]]) {
			idx[j] = idx[j-1]
			j--
		}
		idx[j] = v
		k++
	}
	for _, v := range idx[:k] {
		buf = append(buf, hs[v].hex[:]...)
	}
	return buf
}

// hashCell is hash_module on c with the initial vertex hashes of tab,
// without heap allocation.
func hashCell(c *NB101, tab *initTable) Hash {
	n := c.N
	var in [MaxVertices]uint8
	for u := range n {
		for r := c.Adj[u]; r != 0; r &= r - 1 {
			in[bits.TrailingZeros8(r)] |= 1 << u
		}
	}
	var cur, next [MaxVertices]digest
	for v := range n {
		cur[v] = tab[bits.OnesCount8(c.Adj[v])][bits.OnesCount8(in[v])][c.Ops[v]]
	}
	var arr [(MaxVertices+1)*36 + 4]byte
	for range n {
		for v := range n {
			buf := appendSorted(arr[:0], &cur, in[v])
			buf = append(buf, '|')
			buf = appendSorted(buf, &cur, c.Adj[v])
			buf = append(buf, '|')
			buf = append(buf, cur[v].hex[:]...)
			next[v].raw = md5.Sum(buf)
			hex.Encode(next[v].hex[:], next[v].raw[:])
		}
		cur, next = next, cur
	}
	buf := append(arr[:0], '[')
	buf = appendSortedList(buf, &cur, uint8(1<<n-1))
	buf = append(buf, ']')
	return md5.Sum(buf)
}

// appendSortedList appends the hex digests of set, sorted, as the body of
// a Python list repr: 'a', 'b', 'c'.
func appendSortedList(buf []byte, hs *[MaxVertices]digest, set uint8) []byte {
	var tmp [MaxVertices * 32]byte
	s := appendSorted(tmp[:0], hs, set)
	for i := 0; i < len(s); i += 32 {
		if i > 0 {
			buf = append(buf, ',', ' ')
		}
		buf = append(buf, '\'')
		buf = append(buf, s[i:i+32]...)
		buf = append(buf, '\'')
	}
	return buf
}
