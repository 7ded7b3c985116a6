package commands

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The NumPy .npy format, version 1.0, as numpy.load reads it: the magic
// "\x93NUMPY", the version bytes 1 and 0, a little-endian uint16 header
// length, and a header that is a Python dict literal giving the element
// type ('descr'), the memory order ('fortran_order') and the 'shape',
// padded with spaces and ended by a newline so the data starts at a
// multiple of 64 bytes. The data follows in C (row-major) order.
// See numpy/lib/format.py.

// npyMagic opens every .npy file.
const npyMagic = "\x93NUMPY"

// npyAlign is the alignment of the data.
const npyAlign = 64

// npyHeader returns the magic, version and padded header of an array of
// element type descr ('<f4', '<f8', '<i8') and shape.
func npyHeader(descr string, shape []int) []byte {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := "(" + strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	tuple += ")"
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	pre := len(npyMagic) + 2 + 2
	total := (pre + len(dict) + 1 + npyAlign - 1) / npyAlign * npyAlign
	h := make([]byte, 0, total)
	h = append(h, npyMagic...)
	h = append(h, 1, 0)
	h = binary.LittleEndian.AppendUint16(h, uint16(total-pre))
	h = append(h, dict...)
	for len(h) < total-1 {
		h = append(h, ' ')
	}
	return append(h, '\n')
}

// npyCheck panics unless data holds exactly the elements of shape: a
// programmer error.
func npyCheck(shape []int, n int) {
	want := 1
	for _, d := range shape {
		want *= d
	}
	if want != n {
		panic(fmt.Sprintf("commands: npy shape %v holds %d values, got %d", shape, want, n))
	}
}

// npyElem are the element types written: '<f4', '<f8' and '<i8'.
type npyElem interface{ float32 | float64 | int64 }

// writeNPY writes data as a little-endian array of shape. data must hold
// exactly the elements of shape (it panics otherwise: a programmer error).
func writeNPY[T npyElem](w io.Writer, shape []int, data []T) error {
	npyCheck(shape, len(data))
	var descr string
	switch any(data).(type) {
	case []float32:
		descr = "<f4"
	case []float64:
		descr = "<f8"
	default:
		descr = "<i8"
	}
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(npyHeader(descr, shape)); err != nil {
		return err
	}
	const chunk = 4096
	for i := 0; i < len(data); i += chunk {
		if err := binary.Write(bw, binary.LittleEndian, data[i:min(i+chunk, len(data))]); err != nil {
			return err
		}
	}
	return bw.Flush()
}
