package bench

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Source is a named input: R is read, Name appears in every error about it
// (usually the file's path).
type Source struct {
	Name string
	R    io.Reader
}

// csvTable reads a CSV file with a header row strictly: the header must be
// exactly the expected column names, every record has that many fields, and
// errors name the file, the line and the column.
type csvTable struct {
	name   string
	header []string
	r      *csv.Reader
	rec    []string
	line   int
}

func newCSVTable(src Source, header []string) (*csvTable, error) {
	r := csv.NewReader(src.R)
	r.ReuseRecord = true
	r.FieldsPerRecord = len(header)
	t := &csvTable{name: src.Name, header: header, r: r}
	got, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("bench: %s: empty file (want header %s)", src.Name, strings.Join(header, ","))
	}
	if err != nil {
		return nil, t.wrap(err)
	}
	if !slices.Equal(got, header) {
		return nil, fmt.Errorf("bench: %s:1: header is %q, want %q", src.Name, strings.Join(got, ","), strings.Join(header, ","))
	}
	return t, nil
}

// next reads the next record; it returns io.EOF at the end of the file.
func (t *csvTable) next() error {
	rec, err := t.r.Read()
	if err == io.EOF {
		return io.EOF
	}
	if err != nil {
		return t.wrap(err)
	}
	t.rec = rec
	t.line, _ = t.r.FieldPos(0)
	return nil
}

func (t *csvTable) wrap(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("bench: %s:%d:%d: %w", t.name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("bench: %s: %w", t.name, err)
}

// errf reports a problem with field col of the current record.
func (t *csvTable) errf(col int, format string, args ...any) error {
	line, column := t.r.FieldPos(col)
	return fmt.Errorf("bench: %s:%d:%d: column %s: %s", t.name, line, column, t.header[col], fmt.Sprintf(format, args...))
}

// str returns field col of the current record.
func (t *csvTable) str(col int) string { return t.rec[col] }

// int returns field col as a decimal integer.
func (t *csvTable) int(col int) (int, error) {
	v, err := strconv.Atoi(t.rec[col])
	if err != nil {
		return 0, t.errf(col, "invalid integer %q", t.rec[col])
	}
	return v, nil
}

// fixed returns field col as a number in [lo, hi], rounded to a multiple of
// 1e-6 (see [fixedScale]): the value both the CSV path and the embedded
// tables store.
func (t *csvTable) fixed(col int, lo, hi float64) (float64, error) {
	s := t.rec[col]
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, t.errf(col, "invalid number %q", s)
	}
	if v < lo || v > hi {
		return 0, t.errf(col, "%s out of range [%g, %g]", s, lo, hi)
	}
	return fromFixed(toFixed(v)), nil
}

// fixedScale is the resolution of every Space201 table value: accuracies (in
// percent) are given with six decimals in the source CSVs, so storing
// round(v·1e6) as a uint32 is exact for them; times are rounded to the
// microsecond.
const fixedScale = 1e6

// maxFixed is the largest value representable as fixed point in a uint32.
const maxFixed = math.MaxUint32 / fixedScale

func toFixed(v float64) uint32 { return uint32(math.Round(v * fixedScale)) }

// fromFixed is exact in the sense that it returns the float64 nearest to the
// decimal u/1e6 (IEEE division of two exact values is correctly rounded),
// which is what strconv.ParseFloat returns for that decimal.
func fromFixed(u uint32) float64 { return float64(u) / fixedScale }
