package bench

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// DataWriter streams entries into an arch2vec data.json file. It writes
// keys "0", "1", … in call order, one entry per line, with compact
// separators, the fields in arch2vec's order:
//
//	nasbench101: test_accuracy, validation_accuracy, module_adjacency,
//	             module_operations, training_time, hash
//	nasbench201: test_accuracy, test_accuracy_avg, validation_accuracy,
//	             validation_accuracy_avg, module_adjacency,
//	             module_operations, training_time
//
// An unknown number (NaN or ±Inf in the [Entry]) is omitted, field and
// all; a [DataReader] reads the omission back as NaN. (Reference arch2vec
// code expects every field, so feed it only files whose numbers are all
// known.) Numbers are written in the shortest form that reads back to the
// same float64. The Space101 hash is always written (computed when the
// entry's Hash is zero).
//
// Call Close after the last entry; it writes the closing brace and
// flushes, but does not close the underlying writer.
type DataWriter struct {
	w     *bufio.Writer
	space Space
	n     int
	buf   []byte
	adj   []float32
	ops   []float32
	err   error
}

// NewDataWriter returns a writer of space-s entries to w. It buffers w.
func NewDataWriter(w io.Writer, s Space) *DataWriter {
	n, ops := shape(s)
	return &DataWriter{w: bufio.NewWriterSize(w, 1<<20), space: s,
		adj: make([]float32, n*n), ops: make([]float32, n*ops)}
}

// Write appends one entry. The entry's Space must be the writer's.
func (d *DataWriter) Write(e *Entry) error {
	if d.err != nil {
		return d.err
	}
	if e.Space != d.space {
		return fmt.Errorf("bench: write data.json: %s entry in a %s file", e.Space, d.space)
	}
	b := d.buf[:0]
	if d.n == 0 {
		b = append(b, "{\n\""...)
	} else {
		b = append(b, ",\n\""...)
	}
	b = strconv.AppendInt(b, int64(d.n), 10)
	b = append(b, "\":{"...)
	first := true
	num := func(name string, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, "\":"...)
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	n, w := shape(d.space)
	switch d.space {
	case Space101:
		num("test_accuracy", e.Test)
		num("validation_accuracy", e.Valid)
		e.Cell101.EncodeTo(d.adj, d.ops)
	case Space201:
		num("test_accuracy", e.Test)
		num("test_accuracy_avg", e.TestAvg)
		num("validation_accuracy", e.Valid)
		num("validation_accuracy_avg", e.ValidAvg)
		e.Cell201.EncodeTo(d.adj, d.ops)
	}
	if !first {
		b = append(b, ',')
	}
	b = append(b, "\"module_adjacency\":"...)
	b = appendMatrix(b, d.adj, n, n)
	b = append(b, ",\"module_operations\":"...)
	b = appendMatrix(b, d.ops, n, w)
	first = false
	num("training_time", e.Time)
	if d.space == Space101 {
		h := e.Hash
		if h == (cell.Hash{}) {
			h = e.Cell101.Hash()
		}
		b = append(b, ",\"hash\":\""...)
		b = hex.AppendEncode(b, h[:])
		b = append(b, '"')
	}
	b = append(b, '}')
	d.buf = b
	if _, err := d.w.Write(b); err != nil {
		d.err = fmt.Errorf("bench: write data.json: %w", err)
		return d.err
	}
	d.n++
	return nil
}

// Close ends the file and flushes the buffer. Writing no entry at all is
// an error: data.json files are never empty.
func (d *DataWriter) Close() error {
	if d.err != nil {
		return d.err
	}
	if d.n == 0 {
		d.err = errors.New("bench: write data.json: no entries")
		return d.err
	}
	d.w.WriteString("\n}\n")
	if err := d.w.Flush(); err != nil {
		d.err = fmt.Errorf("bench: write data.json: %w", err)
		return d.err
	}
	d.err = errors.New("bench: write data.json: writer closed")
	return nil
}

// appendMatrix appends a rows×cols 0/1 matrix as a JSON array of integer
// arrays.
func appendMatrix(b []byte, m []float32, rows, cols int) []byte {
	b = append(b, '[')
	for i := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j := range cols {
			if j > 0 {
				b = append(b, ',')
			}
			if m[i*cols+j] != 0 {
				b = append(b, '1')
			} else {
				b = append(b, '0')
			}
		}
		b = append(b, ']')
	}
	return append(b, ']')
}
