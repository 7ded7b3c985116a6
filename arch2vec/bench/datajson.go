package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// Entry is one value of an arch2vec data.json file: a cell and what is known
// about it. Unknown numbers are NaN. Accuracies keep the file's unit:
// fractions in [0, 1] for Space101, percent for Space201 (as arch2vec's
// gen_json.py and nasbench201_json.py wrote them).
type Entry struct {
	// Key is the entry's position: the file's key "0", "1", … as a
	// number. The writer ignores it and numbers entries itself.
	Key   int
	Space Space

	Cell101 cell.NB101 // the pruned cell, when Space is NB101
	Cell201 cell.NB201 // the cell, when Space is NB201

	// Hash is the Space101 cell hash as read from the file's "hash" field
	// (checked against the cell); zero when the file has none. The writer
	// computes it when it is zero.
	Hash cell.Hash

	Valid float64 // validation_accuracy
	Test  float64 // test_accuracy
	Time  float64 // training_time, seconds

	// ValidAvg and TestAvg are Space201's validation_accuracy_avg and
	// test_accuracy_avg (seed means at 200 epochs); NaN for Space101.
	ValidAvg, TestAvg float64
}

// unknownEntry returns an entry of space s with every number unknown.
func unknownEntry(s Space) Entry {
	nan := math.NaN()
	return Entry{Space: s, Valid: nan, Test: nan, Time: nan, ValidAvg: nan, TestAvg: nan}
}

// Data is a whole data.json file held in columns, index = key. Only the
// cell slice of its Space is filled.
type Data struct {
	Space    Space
	Cells101 []cell.NB101
	Cells201 []cell.NB201
	// Hashes holds the Space101 hashes found in the file (zero where it had
	// none); nil for Space201.
	Hashes            []cell.Hash
	Valid, Test, Time []float64
	ValidAvg, TestAvg []float64
}

// Len returns the number of entries.
func (d *Data) Len() int { return len(d.Valid) }

// Entry returns entry i.
func (d *Data) Entry(i int) Entry {
	e := Entry{Key: i, Space: d.Space, Valid: d.Valid[i], Test: d.Test[i], Time: d.Time[i],
		ValidAvg: d.ValidAvg[i], TestAvg: d.TestAvg[i]}
	switch d.Space {
	case Space101:
		e.Cell101, e.Hash = d.Cells101[i], d.Hashes[i]
	case Space201:
		e.Cell201 = d.Cells201[i]
	}
	return e
}

func (d *Data) add(e *Entry) {
	switch e.Space {
	case Space101:
		d.Cells101 = append(d.Cells101, e.Cell101)
		d.Hashes = append(d.Hashes, e.Hash)
	case Space201:
		d.Cells201 = append(d.Cells201, e.Cell201)
	}
	d.Valid = append(d.Valid, e.Valid)
	d.Test = append(d.Test, e.Test)
	d.Time = append(d.Time, e.Time)
	d.ValidAvg = append(d.ValidAvg, e.ValidAvg)
	d.TestAvg = append(d.TestAvg, e.TestAvg)
}

// progressEvery is how many entries ReadData reads between progress calls
// and cancellation checks.
const progressEvery = 4096

// ReadData reads a whole data.json file (either space) into columns. It
// checks ctx and calls progress (if not nil) with the number of entries
// read every few thousand entries and at the end.
func ReadData(ctx context.Context, src Source, progress func(n int)) (*Data, error) {
	r := NewDataReader(src)
	d := &Data{}
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		d.Space = e.Space
		d.add(&e)
		if n := d.Len(); n%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(n)
			}
		}
	}
	if d.Len() == 0 {
		return nil, fmt.Errorf("bench: %s: no entries", src.Name)
	}
	if progress != nil {
		progress(d.Len())
	}
	return d, nil
}

// LoadData reads the data.json file at path; see [ReadData].
func LoadData(ctx context.Context, path string, progress func(n int)) (*Data, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer f.Close()
	return ReadData(ctx, Source{Name: path, R: f}, progress)
}
