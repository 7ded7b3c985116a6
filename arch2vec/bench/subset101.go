package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// Record101 is what a NAS-Bench-101 subset knows about one cell: the
// results of one training run (not the mean of nasbench's three repeats).
type Record101 struct {
	Hash cell.Hash
	// Valid108 is the final validation accuracy (a fraction) after 108
	// epochs, the search signal of arch2vec's Space101 experiments.
	Valid108 float32
	// ValidEarly holds the final validation accuracies of the 4-, 12-
	// and 36-epoch runs; NaN when unknown (the embedded subset keeps only
	// 108 epochs).
	ValidEarly [3]float32
	// Time is the training time of the 108-epoch run in seconds.
	Time float32
	// Params is the number of trainable parameters.
	Params int32
}

// Subset101 is a partial NAS-Bench-101 table, sorted by hash (hashes are
// unique). Use [Subset101.Lookup] or [Join101] to match it with cells.
type Subset101 struct {
	Records []Record101
}

// Len returns the number of records.
func (s *Subset101) Len() int { return len(s.Records) }

// Lookup returns the position of the record with hash h.
func (s *Subset101) Lookup(h cell.Hash) (i int, ok bool) {
	return slices.BinarySearchFunc(s.Records, h, func(r Record101, h cell.Hash) int {
		return bytes.Compare(r.Hash[:], h[:])
	})
}

// newSubset101 sorts records by hash and rejects duplicates.
func newSubset101(name string, recs []Record101) (*Subset101, error) {
	sort.Slice(recs, func(i, j int) bool { return bytes.Compare(recs[i].Hash[:], recs[j].Hash[:]) < 0 })
	for i := 1; i < len(recs); i++ {
		if recs[i].Hash == recs[i-1].Hash {
			return nil, fmt.Errorf("bench: %s: hash %s appears twice", name, recs[i].Hash)
		}
	}
	return &Subset101{Records: recs}, nil
}

// FileSubset101 is the path of the nasbench-vis subset inside a nasbench101
// data directory (the layout of shared/data/nasbench101).
const FileSubset101 = "raw/nasbenchvis_data-20k.json"

// LoadSubset101 reads a nasbench-vis file; see [ReadSubset101].
func LoadSubset101(path string) (*Subset101, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer f.Close()
	return ReadSubset101(Source{Name: path, R: f})
}

// subsetColumns are the columns of a nasbench-vis file.
var subsetColumns = []string{"key", "4_final_validation_accuracy", "12_final_validation_accuracy",
	"36_final_validation_accuracy", "108_final_validation_accuracy", "final_training_time",
	"trainable_parameters"}

// ReadSubset101 parses a NAS-Bench-101 subset in nasbench-vis's columnar
// layout (tiga1231/nasbench-vis static/data/data-*.json): one JSON object
// whose fields key (hashes), 4_, 12_, 36_ and 108_final_validation_accuracy,
// final_training_time and trainable_parameters are lists of the same
// length, aligned by position. Parsing is strict: every column exactly once, no
// other field, 32-hex-digit unique hashes, accuracies in [0, 1], positive
// times, parameter counts that are positive integers fitting an int32, and
// accuracies and times that are float32 values (as nasbench stores them).
func ReadSubset101(src Source) (*Subset101, error) {
	cols, err := readColumns(src)
	if err != nil {
		return nil, err
	}
	n := -1
	for _, c := range subsetColumns {
		v, ok := cols[c]
		if !ok {
			return nil, fmt.Errorf("bench: %s: missing column %q", src.Name, c)
		}
		if n >= 0 && len(v) != n {
			return nil, fmt.Errorf("bench: %s: column %q has %d values, column %q has %d", src.Name, c, len(v), subsetColumns[0], n)
		}
		n = len(v)
	}
	if n == 0 {
		return nil, fmt.Errorf("bench: %s: no records", src.Name)
	}
	recs := make([]Record101, n)
	for i := range recs {
		r := &recs[i]
		var hs string
		if err := json.Unmarshal(cols["key"][i], &hs); err != nil {
			return nil, subsetErr(src.Name, "key", i, err)
		}
		h, err := cell.ParseHash(hs)
		if err != nil {
			return nil, subsetErr(src.Name, "key", i, err)
		}
		r.Hash = h
		for k, c := range subsetColumns[1:5] {
			v, err := float32Value(cols[c][i], 0, 1)
			if err != nil {
				return nil, subsetErr(src.Name, c, i, err)
			}
			if k < 3 {
				r.ValidEarly[k] = v
			} else {
				r.Valid108 = v
			}
		}
		if r.Time, err = float32Value(cols["final_training_time"][i], math.SmallestNonzeroFloat32, math.MaxFloat32); err != nil {
			return nil, subsetErr(src.Name, "final_training_time", i, err)
		}
		var p int32
		if err := json.Unmarshal(cols["trainable_parameters"][i], &p); err != nil || p <= 0 {
			return nil, subsetErr(src.Name, "trainable_parameters", i, fmt.Errorf("want a positive integer, got %s", cols["trainable_parameters"][i]))
		}
		r.Params = p
	}
	return newSubset101(src.Name, recs)
}

func subsetErr(name, col string, i int, err error) error {
	return fmt.Errorf("bench: %s: column %q, record %d: %v", name, col, i, err)
}

// float32Value decodes a JSON number that is exactly a float32 in [lo, hi].
func float32Value(raw json.RawMessage, lo, hi float64) (float32, error) {
	var v float64
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, fmt.Errorf("want a number, got %s", raw)
	}
	if v < lo || v > hi {
		return 0, fmt.Errorf("%s out of range [%g, %g]", raw, lo, hi)
	}
	if float64(float32(v)) != v {
		return 0, fmt.Errorf("%s is not a float32 value", raw)
	}
	return float32(v), nil
}

// Join101 matches a subset with a list of cells (typically the whole
// enumerated space): pos[i] is the index in cells of record i's cell, or
// -1 when no cell has its hash (missing counts those). Hashing is the
// cost; it runs on two goroutines with fixed shards and checks ctx
// between chunks.
func Join101(ctx context.Context, cells []cell.NB101, s *Subset101) (pos []int, missing int, err error) {
	hashes, err := Hashes101(ctx, cells)
	if err != nil {
		return nil, 0, err
	}
	pos, missing = s.JoinHashes(hashes)
	return pos, missing, nil
}

// JoinHashes is [Join101] for cells whose hashes are known (as
// [cell.Enumerate101Hashed] returns them): pos[i] is the index in hashes of
// record i's hash, or -1 (counted in missing).
func (s *Subset101) JoinHashes(hashes []cell.Hash) (pos []int, missing int) {
	pos = make([]int, s.Len())
	for i := range pos {
		pos[i] = -1
	}
	for j, h := range hashes {
		if i, ok := s.Lookup(h); ok {
			pos[i] = j
		}
	}
	for _, p := range pos {
		if p < 0 {
			missing++
		}
	}
	return pos, missing
}

// readColumns reads a JSON object of arrays, rejecting duplicate and
// unknown fields and anything after the object.
func readColumns(src Source) (map[string][]json.RawMessage, error) {
	dec := json.NewDecoder(bufio.NewReader(src.R))
	cols := make(map[string][]json.RawMessage, len(subsetColumns))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %v", src.Name, syntax(err))
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("bench: %s: want an object, got %v", src.Name, tok)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("bench: %s: %v", src.Name, syntax(err))
		}
		name, _ := tok.(string)
		if !slices.Contains(subsetColumns, name) {
			return nil, fmt.Errorf("bench: %s: unknown column %q", src.Name, name)
		}
		if _, dup := cols[name]; dup {
			return nil, fmt.Errorf("bench: %s: duplicate column %q", src.Name, name)
		}
		var v []json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("bench: %s: column %q: %v", src.Name, name, syntax(err))
		}
		cols[name] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("bench: %s: %v", src.Name, syntax(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("bench: %s: data after the object", src.Name)
	}
	return cols, nil
}
