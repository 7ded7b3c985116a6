package commands

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"github.com/arch2vec/arch2vec/arch2vec/atomicfile"
	"io"
	"strconv"

	"github.com/arch2vec/arch2vec/kernel/magic"
)

// exportCommand returns %export.
func (w *Workspace) exportCommand() *magic.Command {
	return &magic.Command{
		Name:    "export",
		Summary: "Write the embeddings to a CSV or JSON file",
		Doc: "Writes one row per loaded cell: its position, its id in the source, its hash (NB101) or " +
			"arch string (NB201), its validation and test accuracy (fractions, empty or null when " +
			"unknown) and its embedding z0, z1, …. The file is written atomically: a temporary file " +
			"in the same directory renamed over PATH.",
		Example: "%export embeddings emb.csv\n%export embeddings emb.json --format json",
		Args: []magic.Arg{
			{Name: "what", Kind: magic.Enum, Values: []string{"embeddings"}, Help: "what to write"},
			{Name: "path", Help: "file to write", Complete: completeFiles},
		},
		Flags: []magic.Flag{
			{Name: "format", Kind: magic.Enum, Values: []string{"csv", "json"}, Default: "csv", Help: "file format"},
		},
		Run: w.runExport,
	}
}

// runExport runs %export.
func (w *Workspace) runExport(ctx context.Context, call *magic.Call) error {
	st := w.snapshot()
	if _, err := st.needCells("export"); err != nil {
		return err
	}
	path := call.String("path")
	if path == "" {
		return call.Usagef("path", "PATH needs a file name")
	}
	if st.emb == nil || st.emb.cells != st.cells {
		return fmt.Errorf("export: no embeddings of the loaded cells: run %%embed first")
	}
	write := writeCSV
	if call.String("format") == "json" {
		write = writeJSON
	}
	if err := atomicfile.Write(path, 0o644, func(f io.Writer) error { return write(f, st.emb) }); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return call.Printf("wrote %d embeddings of dimension %d to %s\n", st.emb.cells.len(), st.emb.dim, path)
}

// writeCSV writes the embeddings as CSV with a header line.
func writeCSV(w io.Writer, e *embedding) error {
	cs := e.cells
	bw := bufio.NewWriter(w)
	key := "hash"
	if cs.c201 != nil {
		key = "arch"
	}
	fmt.Fprintf(bw, "position,id,%s,validation,test", key)
	for d := range e.dim {
		fmt.Fprintf(bw, ",z%d", d)
	}
	bw.WriteByte('\n')
	field := func(x float64) string {
		if num(x) == nil {
			return ""
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	for i := range cs.len() {
		fmt.Fprintf(bw, "%d,%d,%q,%s,%s", i, cs.id[i], cs.name(i), field(cs.valid[i]), field(cs.test[i]))
		for _, v := range e.z[i*e.dim : (i+1)*e.dim] {
			bw.WriteByte(',')
			bw.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// writeJSON writes the embeddings as one JSON object with a list of cells.
func writeJSON(w io.Writer, e *embedding) error {
	cs := e.cells
	type row struct {
		Position   int       `json:"position"`
		ID         int       `json:"id"`
		Name       string    `json:"name"`
		Validation any       `json:"validation"`
		Test       any       `json:"test"`
		Z          []float32 `json:"z"`
	}
	rows := make([]row, cs.len())
	for i := range rows {
		rows[i] = row{i, cs.id[i], cs.name(i), num(cs.valid[i]), num(cs.test[i]), e.z[i*e.dim : (i+1)*e.dim]}
	}
	return json.NewEncoder(w).Encode(map[string]any{"space": cs.space.String(), "dim": e.dim, "cells": rows})
}
