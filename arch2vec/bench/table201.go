package bench

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// Row201 is the benchmark record of one NAS-Bench-201 cell. Accuracies are in
// percent, averaged over the benchmark's training seeds; the arrays are
// indexed by [Dataset]. "Valid" is each dataset's x-valid split (for
// CIFAR-10 the cifar10-valid run trained on 25k images), "Test" its test
// split (for CIFAR-10 the cifar10 run trained on train+valid, ori-test).
type Row201 struct {
	Cell cell.NB201

	// Valid200 and Test200 are the 200-epoch accuracies
	// (derived/nb201_200ep.csv: c10_valid, c10_test, c100_valid,
	// c100_test, in16_valid, in16_test). This is what the arch2vec paper
	// reports (its *_avg fields).
	Valid200, Test200 [NumDatasets]float64

	// Valid12 and Test12 are the 12-epoch accuracies
	// (derived/minibench_12ep.csv), the closest available proxy for the
	// search reward of arch2vec's Space201 experiments.
	Valid12, Test12 [NumDatasets]float64

	// TrainTime200 is the time in seconds to train the cell for 200
	// epochs on cifar10-valid: column train-all-time of
	// raw/landscapes_cifar10_avg.csv (= 200 × train-per-time), rounded to
	// the microsecond.
	TrainTime200 float64

	// EvalTime is the time in seconds of one pass over the cifar10-valid
	// validation split: column valid-per-time, rounded to the microsecond.
	EvalTime float64
}

// Time12 estimates the CIFAR-10 cost in seconds of querying the cell at the
// 12-epoch budget the way arch2vec's nasbench201_json.py charges it
// (train-all-time + valid-per-time of the 12-epoch run): twelve epochs at
// the per-epoch training time of the 200-epoch run, plus one evaluation.
func (r *Row201) Time12() float64 { return r.TrainTime200*12/200 + r.EvalTime }

// Table201 is the NAS-Bench-201 benchmark: one [Row201] per cell in Space201
// index order. A Table201 is read-only once built and safe for concurrent
// use; [Space201] returns the embedded one.
type Table201 struct {
	Rows  []Row201
	index map[cell.NB201]int
}

// Len returns the number of cells, [cell.NumCells201] for a complete table.
func (t *Table201) Len() int { return len(t.Rows) }

// Arch returns the arch string of cell i, e.g.
// "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|".
func (t *Table201) Arch(i int) string { return t.Rows[i].Cell.String() }

// Index returns the Space201 index of c; ok is false when c is not in the
// table (only possible for a partial or malformed table).
func (t *Table201) Index(c cell.NB201) (i int, ok bool) {
	i, ok = t.index[c]
	return i, ok
}

// newTable201 checks that every cell appears once and builds the index.
func newTable201(rows []Row201) (*Table201, error) {
	t := &Table201{Rows: rows, index: make(map[cell.NB201]int, len(rows))}
	for i, r := range rows {
		if j, dup := t.index[r.Cell]; dup {
			return nil, fmt.Errorf("bench: nb201 rows %d and %d have the same cell %s", j, i, r.Cell)
		}
		t.index[r.Cell] = i
	}
	return t, nil
}

// Column names of the three Space201 source files.
var (
	header200 = []string{"index", "arch_str", "params_M", "c10_valid", "c10_valid_test", "c10_test",
		"c100_valid", "c100_test", "in16_valid", "in16_test", "c10_test_nats"}
	header12 = []string{"index", "arch_str", "cifar10-test", "cifar10-val", "cifar100-test",
		"cifar100-val", "imagenet-test", "imagenet-val"}
	headerTimes = []string{"index", "sol", "name", "C", "N", "arch_str", "num_classes", "index2",
		"train-loss", "train-accuracy", "train-per-time", "train-all-time", "valid-loss",
		"valid-accuracy", "valid-per-time", "valid-all-time", "test-loss", "test-accuracy",
		"test-per-time", "test-all-time"}
)

// Paths of the source files inside a nasbench201 data directory.
const (
	File200   = "derived/nb201_200ep.csv"
	File12    = "derived/minibench_12ep.csv"
	FileTimes = "raw/landscapes_cifar10_avg.csv"
)

// LoadTable201 reads the Space201 table from a nasbench201 data directory
// holding [File200], [File12] and [FileTimes] (the layout of
// shared/data/nasbench201).
func LoadTable201(dir string) (*Table201, error) {
	var srcs [3]Source
	for i, p := range []string{File200, File12, FileTimes} {
		path := filepath.Join(dir, filepath.FromSlash(p))
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		defer f.Close()
		srcs[i] = Source{Name: path, R: f}
	}
	return ReadTable201(srcs[0], srcs[1], srcs[2])
}

// ReadTable201 parses the three Space201 CSVs: ep200 in the layout of
// derived/nb201_200ep.csv, ep12 of derived/minibench_12ep.csv and times of
// raw/landscapes_cifar10_avg.csv. Parsing is strict: exact headers,
// [cell.NumCells201] rows with index 0, 1, … in order, valid arch strings that agree
// across the files, accuracies in [0, 100], positive times. Errors name
// the file, line and column.
func ReadTable201(ep200, ep12, times Source) (*Table201, error) {
	rows := make([]Row201, cell.NumCells201)
	if err := read200(ep200, rows); err != nil {
		return nil, err
	}
	if err := read12(ep12, rows); err != nil {
		return nil, err
	}
	if err := readTimes(times, rows); err != nil {
		return nil, err
	}
	return newTable201(rows)
}

// eachRow reads every record of a table whose first column is the Space201
// index and whose archCol holds the arch string. The first file to be read
// (set) fills rows[i].Cell; the others must agree with it.
func eachRow(src Source, header []string, archCol int, rows []Row201, set bool, fn func(t *csvTable, r *Row201) error) error {
	t, err := newCSVTable(src, header)
	if err != nil {
		return err
	}
	n := 0
	for {
		if err := t.next(); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		idx, err := t.int(0)
		if err != nil {
			return err
		}
		if idx != n {
			return t.errf(0, "index %d out of order (want %d)", idx, n)
		}
		if n >= len(rows) {
			return t.errf(0, "more than %d rows", len(rows))
		}
		c, err := cell.ParseArch201(t.str(archCol))
		if err != nil {
			return t.errf(archCol, "%v", err)
		}
		r := &rows[n]
		if set {
			r.Cell = c
		} else if c != r.Cell {
			return t.errf(archCol, "arch %s differs from %s in the 200-epoch table", t.str(archCol), r.Cell)
		}
		if err := fn(t, r); err != nil {
			return err
		}
		n++
	}
	if n != len(rows) {
		return fmt.Errorf("bench: %s: %d rows, want %d", src.Name, n, len(rows))
	}
	return nil
}

// readAcc reads accuracy columns cols into dst.
func readAcc(t *csvTable, dst []float64, cols ...int) error {
	for i, c := range cols {
		v, err := t.fixed(c, 0, 100)
		if err != nil {
			return err
		}
		dst[i] = v
	}
	return nil
}

func read200(src Source, rows []Row201) error {
	return eachRow(src, header200, 1, rows, true, func(t *csvTable, r *Row201) error {
		if err := readAcc(t, r.Valid200[:], 3, 6, 8); err != nil {
			return err
		}
		return readAcc(t, r.Test200[:], 5, 7, 9)
	})
}

func read12(src Source, rows []Row201) error {
	return eachRow(src, header12, 1, rows, false, func(t *csvTable, r *Row201) error {
		if err := readAcc(t, r.Valid12[:], 3, 5, 7); err != nil {
			return err
		}
		return readAcc(t, r.Test12[:], 2, 4, 6)
	})
}

func readTimes(src Source, rows []Row201) error {
	return eachRow(src, headerTimes, 5, rows, false, func(t *csvTable, r *Row201) error {
		const trainAll, validPer = 11, 14
		var err error
		if r.TrainTime200, err = t.fixed(trainAll, 1e-6, maxFixed); err != nil {
			return err
		}
		r.EvalTime, err = t.fixed(validPer, 1e-6, maxFixed)
		return err
	})
}
