package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// maxHashLine is the longest input line "cells hash" accepts.
const maxHashLine = 1 << 20

func cellsHash(ctx context.Context, args []string, in io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cells hash", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	malformed := 0
	if fs.NArg() == 0 {
		n, err := hashLines(ctx, in, "", out)
		malformed += n
		if err != nil {
			return err
		}
	}
	for _, path := range fs.Args() {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		n, err := hashLines(ctx, f, path+": ", out)
		f.Close()
		malformed += n
		if err != nil {
			return err
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if malformed > 0 {
		return fmt.Errorf("%d malformed line(s)", malformed)
	}
	return nil
}

// hashLines answers every line of r on out (see cellsUsage) and returns the
// number of malformed lines. prefix starts each error message.
func hashLines(ctx context.Context, r io.Reader, prefix string, out *bufio.Writer) (malformed int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	for lineNo := 1; ; lineNo++ {
		if err := ctx.Err(); err != nil {
			return malformed, context.Cause(ctx)
		}
		line, tooLong, err := readLine(br)
		if err == io.EOF && line == nil {
			return malformed, nil
		}
		if err != nil && err != io.EOF {
			return malformed, err
		}
		switch {
		case tooLong:
			malformed++
			fmt.Fprintf(out, "error: %sline %d: longer than %d bytes\n", prefix, lineNo, maxHashLine)
		case len(bytes.TrimSpace(line)) == 0:
		default:
			res, perr := hashLine(line)
			if perr != nil {
				malformed++
				fmt.Fprintf(out, "error: %sline %d: %v\n", prefix, lineNo, perr)
			} else {
				out.WriteString(res)
				out.WriteByte('\n')
			}
		}
		if br.Buffered() == 0 { // about to block on input: show what we have
			if err := out.Flush(); err != nil {
				return malformed, err
			}
		}
	}
}

// readLine returns the next line without its end of line; tooLong reports
// a line over maxHashLine bytes (its content is dropped). At the end of the
// input it returns io.EOF, with the last unterminated line if any.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > maxHashLine+2 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(buf) == 0 && !tooLong {
			return nil, false, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		if buf == nil {
			buf = []byte{}
		}
		return bytes.TrimRight(buf, "\r\n"), tooLong, nil
	}
}

// hashSpec is one input line of "cells hash".
type hashSpec struct {
	Matrix *[][]int  `json:"matrix"`
	Ops    *[]string `json:"ops"`
}

// parseHashLine decodes one line: a JSON object with exactly the fields
// "matrix" (array of arrays of integers) and "ops" (array of strings).
func parseHashLine(line []byte) (matrix [][]int, ops []string, err error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var s hashSpec
	if err := dec.Decode(&s); err != nil {
		return nil, nil, fmt.Errorf("not a {\"matrix\": ..., \"ops\": ...} object: %v", err)
	}
	if dec.More() {
		return nil, nil, errors.New("data after the object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("data after the object")
	}
	if s.Matrix == nil || *s.Matrix == nil {
		return nil, nil, errors.New(`missing "matrix"`)
	}
	if s.Ops == nil || *s.Ops == nil {
		return nil, nil, errors.New(`missing "ops"`)
	}
	return *s.Matrix, *s.Ops, nil
}

// hashLine returns the output for one well-formed line: the hash of the
// pruned cell or "invalid: REASON"; err reports a malformed line.
func hashLine(line []byte) (string, error) {
	matrix, ops, err := parseHashLine(line)
	if err != nil {
		return "", err
	}
	c, err := cell.NewNB101(matrix, ops)
	if err != nil {
		return "invalid: " + err.Error(), nil
	}
	if err := c.Validate(); err != nil {
		return "invalid: " + err.Error(), nil
	}
	p, err := c.Prune()
	if err != nil {
		return "invalid: " + err.Error(), nil
	}
	return p.Hash().String(), nil
}
