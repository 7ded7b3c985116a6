package bench

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// DataReader streams the entries of an arch2vec data.json file, one at a
// time, in constant memory. The file is one JSON object whose keys are
// "0", "1", … in order (consecutive and unique) and whose values hold:
//
//   - module_adjacency (required): the padded adjacency, 7×7 for Space101 or
//     8×8 for Space201, 0/1 entries strictly above the diagonal;
//   - module_operations (required): the one-hot operations, 7×5 (Space101;
//     padded rows all zero) or 8×7 (Space201, exactly NAS-Bench-201's fixed
//     graph), in arch2vec's column orders;
//   - test_accuracy, validation_accuracy, training_time and for Space201
//     test_accuracy_avg, validation_accuracy_avg (optional numbers; absent
//     or null means unknown, NaN in the [Entry]);
//   - hash (optional, Space101): the 32-hex-digit cell hash, checked against
//     the cell.
//
// Other fields are skipped. The space is fixed by the first entry's shape
// unless Space is set before the first Next. Every problem is an error
// naming the file, the entry key and the reason; no input panics.
type DataReader struct {
	// Space, when not zero, is the space every entry must have.
	Space Space
	// RequireMetrics makes test_accuracy, validation_accuracy and
	// training_time mandatory, as in arch2vec's own files.
	RequireMetrics bool

	name  string
	dec   *json.Decoder
	n     int // entries read
	state int
	adj   [][]int
	ops   [][]int
	raw   json.RawMessage
	err   error // sticky error
}

const (
	stateStart = iota
	stateBody
	stateDone
)

// NewDataReader returns a reader of src. It buffers src itself.
func NewDataReader(src Source) *DataReader {
	dec := json.NewDecoder(bufio.NewReaderSize(src.R, 1<<16))
	dec.UseNumber()
	return &DataReader{name: src.Name, dec: dec}
}

// Next returns the next entry, or io.EOF after the last one (and after
// checking that nothing follows the closing brace). After an error every
// later call returns the same error.
func (d *DataReader) Next() (Entry, error) {
	if d.err != nil {
		return Entry{}, d.err
	}
	e, err := d.next()
	if err != nil && err != io.EOF {
		d.err = err
	}
	return e, err
}

func (d *DataReader) next() (Entry, error) {
	switch d.state {
	case stateDone:
		return Entry{}, io.EOF
	case stateStart:
		if err := d.delim('{'); err != nil {
			return Entry{}, d.errorf("", "file does not start with an object: %v", err)
		}
		d.state = stateBody
	}
	if !d.dec.More() {
		prev := ""
		if d.n > 0 {
			prev = strconv.Itoa(d.n - 1)
		}
		if err := d.delim('}'); err != nil {
			return Entry{}, d.errorf(prev, "after the entry: %v", err)
		}
		if _, err := d.dec.Token(); err != io.EOF {
			return Entry{}, d.errorf("", "data after the closing brace")
		}
		if d.n == 0 {
			return Entry{}, d.errorf("", "no entries")
		}
		d.state = stateDone
		return Entry{}, io.EOF
	}
	tok, err := d.dec.Token()
	if err != nil {
		return Entry{}, d.errorf("", "after entry %d: %v", d.n-1, syntax(err))
	}
	key, ok := tok.(string)
	if !ok {
		return Entry{}, d.errorf("", "after entry %d: want a key, got %v", d.n-1, tok)
	}
	if want := strconv.Itoa(d.n); key != want {
		if k, err := strconv.Atoi(key); err == nil && k >= 0 && k < d.n && strconv.Itoa(k) == key {
			return Entry{}, d.errorf(key, "duplicate key")
		}
		return Entry{}, d.errorf(key, "key out of order: want %q", want)
	}
	e, err := d.entry(key)
	if err != nil {
		return Entry{}, err
	}
	d.n++
	return e, nil
}

// The fields of an entry, as bits of a seen-set.
const (
	fAdj = 1 << iota
	fOps
	fValid
	fTest
	fTime
	fValidAvg
	fTestAvg
	fHash
)

var fieldBits = map[string]int{
	"module_adjacency": fAdj, "module_operations": fOps,
	"validation_accuracy": fValid, "test_accuracy": fTest, "training_time": fTime,
	"validation_accuracy_avg": fValidAvg, "test_accuracy_avg": fTestAvg, "hash": fHash,
}

func (d *DataReader) entry(key string) (Entry, error) {
	if err := d.delim('{'); err != nil {
		return Entry{}, d.errorf(key, "value is not an object: %v", err)
	}
	e := unknownEntry(0)
	e.Key = d.n
	var seen int
	var hash string
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return Entry{}, d.errorf(key, "%v", syntax(err))
		}
		field, _ := tok.(string)
		bit := fieldBits[field]
		if bit&seen != 0 {
			return Entry{}, d.errorf(key, "duplicate field %q", field)
		}
		seen |= bit
		switch bit {
		case fAdj:
			err = d.matrix(&d.adj)
		case fOps:
			err = d.matrix(&d.ops)
		case fValid:
			e.Valid, err = d.number()
		case fTest:
			e.Test, err = d.number()
		case fTime:
			e.Time, err = d.number()
		case fValidAvg:
			e.ValidAvg, err = d.number()
		case fTestAvg:
			e.TestAvg, err = d.number()
		case fHash:
			err = d.dec.Decode(&hash)
		default:
			var skip json.RawMessage
			err = d.dec.Decode(&skip)
		}
		if err != nil {
			return Entry{}, d.errorf(key, "field %q: %v", field, syntax(err))
		}
	}
	if err := d.delim('}'); err != nil {
		return Entry{}, d.errorf(key, "%v", err)
	}
	for _, f := range []struct {
		bit  int
		name string
		need bool
	}{{fAdj, "module_adjacency", true}, {fOps, "module_operations", true},
		{fTest, "test_accuracy", d.RequireMetrics}, {fValid, "validation_accuracy", d.RequireMetrics},
		{fTime, "training_time", d.RequireMetrics}} {
		if f.need && seen&f.bit == 0 {
			return Entry{}, d.errorf(key, "missing field %q", f.name)
		}
	}
	if err := d.cell(&e); err != nil {
		return Entry{}, d.errorf(key, "%v", err)
	}
	if seen&fHash != 0 {
		if e.Space != Space101 {
			return Entry{}, d.errorf(key, "field \"hash\" in a %s entry", e.Space)
		}
		h, err := cell.ParseHash(hash)
		if err != nil {
			return Entry{}, d.errorf(key, "field \"hash\": %v", err)
		}
		if got := e.Cell101.Hash(); got != h {
			return Entry{}, d.errorf(key, "hash %s does not match the cell's hash %s", h, got)
		}
		e.Hash = h
	}
	if e.Space == Space101 && seen&(fValidAvg|fTestAvg) != 0 {
		return Entry{}, d.errorf(key, "*_avg fields in a nasbench101 entry")
	}
	return e, nil
}

// delim reads the next token, which must be the delimiter want.
func (d *DataReader) delim(want json.Delim) error {
	tok, err := d.dec.Token()
	if err != nil {
		return syntax(err)
	}
	if got, ok := tok.(json.Delim); !ok || got != want {
		return fmt.Errorf("want %q, got %v", string(want), tok)
	}
	return nil
}

// matrix decodes a JSON array of arrays of integers into *m, reusing it.
func (d *DataReader) matrix(m *[][]int) error {
	d.raw = d.raw[:0]
	if err := d.dec.Decode(&d.raw); err != nil {
		return err
	}
	v, err := parseIntMatrix(d.raw, *m)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// number decodes a finite JSON number; null means unknown (NaN).
func (d *DataReader) number() (float64, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return 0, err
	}
	if tok == nil {
		return math.NaN(), nil
	}
	n, ok := tok.(json.Number)
	if !ok {
		return 0, fmt.Errorf("want a number, got %s", excerpt(fmt.Sprint(tok)))
	}
	v, err := n.Float64()
	if err != nil || math.IsInf(v, 0) {
		return 0, fmt.Errorf("number %s out of range", excerpt(string(n)))
	}
	return v, nil
}

// syntax turns the decoder's end-of-input error into a clear one.
func syntax(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("file truncated")
	}
	return err
}

func (d *DataReader) errorf(key, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if key == "" {
		return fmt.Errorf("bench: %s: %s", d.name, msg)
	}
	return fmt.Errorf("bench: %s: entry %q: %s", d.name, key, msg)
}
