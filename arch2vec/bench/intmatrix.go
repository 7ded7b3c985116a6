package bench

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// parseIntMatrix parses a syntactically valid JSON value (as the decoder
// returns it in a json.RawMessage) that must be an array of arrays of
// integers, reusing dst's storage. It exists because reflection-based
// decoding of the two small matrices dominated the reading of data.json.
func parseIntMatrix(raw []byte, dst [][]int) ([][]int, error) {
	p := intParser{b: raw}
	if !p.consume('[') {
		return nil, errors.New("want an array of arrays of integers")
	}
	dst = dst[:0]
	if p.consume(']') {
		return dst, nil
	}
	for {
		var row []int
		if len(dst) < cap(dst) {
			row = dst[:len(dst)+1][len(dst)][:0]
		}
		if !p.consume('[') {
			return nil, fmt.Errorf("row %d is not an array of integers", len(dst))
		}
		if !p.consume(']') {
			for {
				v, err := p.int()
				if err != nil {
					return nil, fmt.Errorf("row %d: %v", len(dst), err)
				}
				row = append(row, v)
				if p.consume(']') {
					break
				}
				p.consume(',') // valid JSON: a comma separates values
			}
		}
		dst = append(dst, row)
		if p.consume(']') {
			return dst, nil
		}
		p.consume(',')
	}
}

// intParser walks a valid JSON text.
type intParser struct {
	b []byte
	i int
}

func (p *intParser) skipSpace() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

// consume skips white space and then c if it is next.
func (p *intParser) consume(c byte) bool {
	p.skipSpace()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// int reads a JSON integer literal.
func (p *intParser) int() (int, error) {
	p.skipSpace()
	start := p.i
	for p.i < len(p.b) && (p.b[p.i] == '-' || p.b[p.i] >= '0' && p.b[p.i] <= '9') {
		p.i++
	}
	end := p.i
	for p.i < len(p.b) && p.b[p.i] != ',' && p.b[p.i] != ']' && p.b[p.i] != ' ' &&
		p.b[p.i] != '\t' && p.b[p.i] != '\n' && p.b[p.i] != '\r' {
		p.i++ // the rest of a non-integer value, for the message
	}
	if end == start || end != p.i {
		return 0, fmt.Errorf("%s is not an integer", excerpt(string(p.b[start:p.i])))
	}
	v, err := strconv.Atoi(string(p.b[start:end]))
	if err != nil {
		return 0, fmt.Errorf("%s is not an integer", excerpt(string(p.b[start:end])))
	}
	return v, nil
}

// excerpt returns s, cut to its first 40 bytes (at a rune boundary) and
// marked with "…" when longer, for quoting a file's bad value in an error
// message: a malformed file can hold a value of megabytes.
func excerpt(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
