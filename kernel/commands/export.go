package commands

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/arch2vec/arch2vec/arch2vec/atomicfile"
	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/kernel/magic"
)

// exportFormats are the values of %export --format.
var exportFormats = []string{"csv", "json", "npy"}

// exportCommand returns %export.
func (w *Workspace) exportCommand() *magic.Command {
	return &magic.Command{
		Name:    "export",
		Summary: "Write the cells, embeddings or search results to a CSV, JSON or .npy file",
		Doc: "Writes part of the workspace to PATH for other tools. Every row names its cell by " +
			"position (in load order), id in the source and hash (NB101) or arch string (NB201), the " +
			"keys to join on. Unknown numbers are empty in CSV, null in JSON and NaN in .npy; " +
			"accuracies are fractions.\n\n" +
			"cells: position, id, hash or arch, validation, test, time (s) and, for NB101, the " +
			"adjacency matrix (JSON) and the operations (separated by |). embeddings: position, id, " +
			"hash or arch, validation, test and the embedding z0, z1, … (%embed first). results: one " +
			"row per query of every %search run on the loaded cells: method, run, seed, query (from " +
			"0), the queried cell's position, id and hash or arch, the cumulative time, the " +
			"validation accuracy the search saw (its reward, see %search --reward), the incumbent's " +
			"position, its validation and test accuracy and the validation and test regrets.\n\n" +
			"--format npy writes NumPy .npy arrays (numpy.load reads them) and, since a .npy file " +
			"holds one array, a sidecar CSV named like PATH with .ids.csv in place of .npy whose " +
			"line k describes row k: cells give an (M, 3) float64 array of validation, test, time " +
			"with position,id,hash|arch in the sidecar; embeddings an (M, D) float32 array of z " +
			"with the same sidecar; results an (R, 11) float64 array of run, seed, query, cell, " +
			"time, validation, incumbent, best validation, best test, validation regret, test " +
			"regret with row,method,id,hash|arch (of the queried cell) in the sidecar. Without " +
			"--format the format follows PATH's extension (.json, .npy, otherwise CSV).\n\n" +
			"Files are written atomically: a temporary file in the same directory renamed over PATH.",
		Example: "%export embeddings emb.csv\n%export embeddings emb.npy\n%export cells cells.json\n" +
			"%export results traces.csv --format csv",
		Args: []magic.Arg{
			{Name: "what", Kind: magic.Enum, Values: []string{"cells", "embeddings", "results"}, Help: "what to write"},
			{Name: "path", Help: "file to write", Complete: completeFiles},
		},
		Flags: []magic.Flag{
			{Name: "format", Kind: magic.Enum, Values: exportFormats, Default: "csv",
				Help: "file format; if not given, PATH's extension .json or .npy chooses it"},
		},
		Run: w.runExport,
	}
}

// exportFormat returns the format of %export: --format if given, else
// PATH's extension, else csv.
func exportFormat(call *magic.Call, path string) string {
	if call.IsSet("format") {
		return call.String("format")
	}
	if ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), "."); slices.Contains(exportFormats, ext) {
		return ext
	}
	return "csv"
}

// exporter writes one kind of data in one format; side, if set, writes
// the .npy sidecar.
type exporter struct {
	main func(io.Writer) error
	side func(io.Writer) error
	what string // what was written, for the message
}

// runExport runs %export.
func (w *Workspace) runExport(ctx context.Context, call *magic.Call) error {
	st := w.snapshot()
	cs, err := st.needCells("export")
	if err != nil {
		return err
	}
	path := call.String("path")
	if path == "" {
		return call.Usagef("path", "PATH needs a file name")
	}
	format := exportFormat(call, path)
	var ex exporter
	switch call.String("what") {
	case "cells":
		ex = cellsExporter(cs, format)
	case "embeddings":
		if st.emb == nil || st.emb.cells != cs {
			return fmt.Errorf("export: no embeddings of the loaded cells: run %%embed first")
		}
		ex = embeddingsExporter(st.emb, format)
	case "results":
		if st.search == nil || st.search.cells != cs || len(st.search.runs) == 0 {
			return fmt.Errorf("export: no search results on the loaded cells: run %%search first")
		}
		ex = resultsExporter(st.search, format)
	}
	if err := atomicfile.Write(path, 0o644, ex.main); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if ex.side == nil {
		return call.Printf("wrote %s to %s\n", ex.what, path)
	}
	side := sidecarPath(path)
	if err := atomicfile.Write(side, 0o644, ex.side); err != nil {
		return fmt.Errorf("export: %s written, but its ids: %w", path, err)
	}
	return call.Printf("wrote %s to %s, row ids to %s\n", ex.what, path, side)
}

// sidecarPath returns the ids file of an .npy export: PATH with .ids.csv
// in place of a final .npy.
func sidecarPath(path string) string {
	if ext := filepath.Ext(path); strings.EqualFold(ext, ".npy") {
		path = strings.TrimSuffix(path, ext)
	}
	return path + ".ids.csv"
}

// keyName is the name of the column naming a cell in space.
func keyName(space bench.Space) string {
	if space == bench.Space201 {
		return "arch"
	}
	return "hash"
}

// csvNum formats x for CSV: empty when not finite, else the shortest
// representation at bits (32 or 64) precision.
func csvNum(x float64, bits int) string {
	if num(x) == nil {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, bits)
}

// writeRows writes a CSV file of header and n rows.
func writeRows(w io.Writer, header []string, n int, row func(i int, rec []string) []string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, 0, len(header))
	for i := range n {
		if err := cw.Write(row(i, rec[:0])); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cellKeys appends the position, id and name of cell i.
func cellKeys(cs *cellSet, i int, rec []string) []string {
	return append(rec, strconv.Itoa(i), strconv.Itoa(cs.id[i]), cs.name(i))
}

// cellsSidecar writes the position,id,name lines of an .npy export.
func cellsSidecar(cs *cellSet) func(io.Writer) error {
	return func(w io.Writer) error {
		return writeRows(w, []string{"position", "id", keyName(cs.space)}, cs.len(),
			func(i int, rec []string) []string { return cellKeys(cs, i, rec) })
	}
}

// cellsExporter writes the loaded cells.
func cellsExporter(cs *cellSet, format string) exporter {
	ex := exporter{what: fmt.Sprintf("%d %s cells", cs.len(), cs.space)}
	nb101 := cs.space == bench.Space101
	switch format {
	case "npy":
		ex.main = func(w io.Writer) error {
			a := make([]float64, 0, 3*cs.len())
			for i := range cs.len() {
				a = append(a, cs.valid[i], cs.test[i], cs.time[i])
			}
			return writeNPY(w, []int{cs.len(), 3}, a)
		}
		ex.side = cellsSidecar(cs)
	case "json":
		ex.main = func(w io.Writer) error {
			rows := make([]map[string]any, cs.len())
			for i := range rows {
				r := map[string]any{"position": i, "id": cs.id[i], keyName(cs.space): cs.name(i),
					"validation": num(cs.valid[i]), "test": num(cs.test[i]), "time": num(cs.time[i])}
				if nb101 {
					r["matrix"], r["ops"] = cs.c101[i].Matrix(), cs.c101[i].OpNames()
				}
				rows[i] = r
			}
			return writeJSONDoc(w, map[string]any{"space": cs.space.String(), "dataset": cs.dataset,
				"source": cs.source, "cells": rows})
		}
	default:
		header := []string{"position", "id", keyName(cs.space), "validation", "test", "time"}
		if nb101 {
			header = append(header, "matrix", "ops")
		}
		ex.main = func(w io.Writer) error {
			return writeRows(w, header, cs.len(), func(i int, rec []string) []string {
				rec = append(cellKeys(cs, i, rec), csvNum(cs.valid[i], 64), csvNum(cs.test[i], 64), csvNum(cs.time[i], 64))
				if nb101 {
					m, _ := json.Marshal(cs.c101[i].Matrix())
					rec = append(rec, string(m), strings.Join(cs.c101[i].OpNames(), "|"))
				}
				return rec
			})
		}
	}
	return ex
}

// embeddingsExporter writes the embeddings of the loaded cells.
func embeddingsExporter(e *embedding, format string) exporter {
	cs := e.cells
	ex := exporter{what: fmt.Sprintf("%d embeddings of dimension %d", cs.len(), e.dim)}
	switch format {
	case "npy":
		ex.main = func(w io.Writer) error { return writeNPY(w, []int{cs.len(), e.dim}, e.z) }
		ex.side = cellsSidecar(cs)
	case "json":
		ex.main = func(w io.Writer) error {
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
			return writeJSONDoc(w, map[string]any{"space": cs.space.String(), "dim": e.dim, "cells": rows})
		}
	default:
		header := []string{"position", "id", keyName(cs.space), "validation", "test"}
		for d := range e.dim {
			header = append(header, "z"+strconv.Itoa(d))
		}
		ex.main = func(w io.Writer) error {
			return writeRows(w, header, cs.len(), func(i int, rec []string) []string {
				rec = append(cellKeys(cs, i, rec), csvNum(cs.valid[i], 64), csvNum(cs.test[i], 64))
				for _, v := range e.z[i*e.dim : (i+1)*e.dim] {
					rec = append(rec, csvNum(float64(v), 32))
				}
				return rec
			})
		}
	}
	return ex
}

// writeJSONDoc writes v as one JSON document.
func writeJSONDoc(w io.Writer, v any) error {
	bw := bufio.NewWriter(w)
	if err := json.NewEncoder(bw).Encode(v); err != nil {
		return err
	}
	return bw.Flush()
}
