package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/arch2vec/arch2vec/arch2vec/atomicfile"
	"github.com/arch2vec/arch2vec/kernel/magic"
)

// saveCommand returns %save.
func (w *Workspace) saveCommand() *magic.Command {
	return &magic.Command{
		Name:    "save",
		Summary: "Save the whole workspace (cells, model, embeddings, searches) to a file",
		Doc: "Writes the workspace to PATH as one versioned binary file that %load reads back, on this " +
			"machine or another: the loaded cells themselves with their ids and accuracies (not the " +
			"--from file they came from), the model with its configuration, training history and loss " +
			"curve, the embeddings of the loaded cells with their PCA, and the search traces of every " +
			"method run on them. Embeddings and searches of cells no longer loaded are not saved.\n\n" +
			"Each section of the file carries a CRC-32C checksum. The file is written atomically: a " +
			"temporary file in the same directory renamed over PATH, so an interrupt or a full disk " +
			"leaves any earlier file whole. An existing PATH that is not a workspace file (a data.json, " +
			"a checkpoint) is replaced only with --force. Returns a summary of what was saved (also " +
			"as application/json).",
		Example: "%save session.a2vws\n%save results.a2vws --force",
		Args:    []magic.Arg{{Name: "path", Help: "file to write", Complete: completeFiles}},
		Flags: []magic.Flag{
			{Name: "force", Kind: magic.Bool, Help: "replace PATH even if it is not a workspace file"},
		},
		Run: w.runSave,
	}
}

// loadCommand returns %load.
func (w *Workspace) loadCommand() *magic.Command {
	return &magic.Command{
		Name:    "load",
		Summary: "Load a workspace written by %save, replacing the current one",
		Doc: "Reads a workspace file written by %save and makes it the session's workspace: cells, model, " +
			"embeddings and searches are replaced together, and what the file does not hold is cleared. " +
			"The whole file is read and verified first (version, section checksums, cells, tensor " +
			"sizes, consistency of model, cells and embeddings); a damaged, truncated or newer file is " +
			"refused with a message saying what is wrong, and the workspace stays as it was. Returns " +
			"a summary of what was loaded (also as application/json).",
		Example: "%load session.a2vws",
		Args:    []magic.Arg{{Name: "path", Help: "workspace file", Complete: completeFiles}},
		Run:     w.runLoad,
	}
}

// runSave runs %save.
func (w *Workspace) runSave(ctx context.Context, call *magic.Call) error {
	path := call.String("path")
	if path == "" {
		return call.Usagef("path", "PATH needs a file name")
	}
	if err := checkOverwrite(path, call.Bool("force")); err != nil {
		return err
	}
	st := w.snapshot()
	b, err := encodeWorkspace(st)
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := ctx.Err(); err != nil {
		return interrupted("save", context.Cause(ctx), "before writing "+path)
	}
	if err := atomicfile.WriteBytes(path, 0o644, b); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	return showFile(call, "saved", path, len(b), st)
}

// checkOverwrite refuses to replace an existing regular file that is not
// a workspace file, unless force: a mistyped %save must not destroy data.
func checkOverwrite(path string, force bool) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // absent, or unreadable: atomicfile reports what matters
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
		return nil
	}
	head := make([]byte, len(wsMagic))
	if _, err := io.ReadFull(f, head); err == nil && string(head) == wsMagic || force {
		return nil
	}
	return fmt.Errorf("save: %s exists and is not a workspace file: use --force to replace it", path)
}

// maxWorkspaceFile bounds the size of a file %load reads into memory.
const maxWorkspaceFile = 4 << 30

// runLoad runs %load.
func (w *Workspace) runLoad(ctx context.Context, call *magic.Call) error {
	path := call.String("path")
	if path == "" {
		return call.Usagef("path", "PATH needs a file name")
	}
	b, err := readWorkspaceFile(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return interrupted("load", err, "while reading "+path)
		}
		return fmt.Errorf("load: %w", err)
	}
	st, err := decodeWorkspace(b)
	if err != nil {
		return fmt.Errorf("load %s: %w: %w", path, errWorkspaceFile, err)
	}
	if tr := st.trained; tr != nil && tr.cells == nil && tr.saved == "" {
		tr.saved = path
	}
	w.commit(func(w *Workspace) { w.cells, w.trained, w.emb, w.search = st.cells, st.trained, st.emb, st.search })
	return showFile(call, "loaded", path, len(b), st)
}

// readWorkspaceFile reads a regular file of at most maxWorkspaceFile
// bytes, in chunks so an interrupt is honoured.
func readWorkspaceFile(ctx context.Context, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > maxWorkspaceFile {
		return nil, fmt.Errorf("%s: %d bytes, more than a workspace file can hold", path, fi.Size())
	}
	const chunk = 8 << 20
	b := make([]byte, 0, fi.Size()+1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, context.Cause(ctx)
		}
		if len(b) == cap(b) { // the file grew while being read
			b = slices.Grow(b, chunk)
		}
		n, err := f.Read(b[len(b):min(cap(b), len(b)+chunk)])
		b = b[:len(b)+n]
		switch {
		case errors.Is(err, io.EOF):
			return b, nil
		case err != nil:
			return nil, fmt.Errorf("read %s: %w", path, err)
		case len(b) > maxWorkspaceFile:
			return nil, fmt.Errorf("%s: more than %d bytes", path, maxWorkspaceFile)
		}
	}
}

// showFile sets the result of %save or %load: a table of what the file
// holds (also as application/json).
func showFile(call *magic.Call, verb, path string, size int, st state) error {
	rows := [][]string{{"file", path}, {"size", byteSize(size)}}
	js := map[string]any{"path": path, "bytes": size, "version": wsVersion}
	if cs := st.cells; cs != nil {
		rows = append(rows, []string{"cells", fmt.Sprintf("%d %s cells from %s", cs.len(), cs.space, cs.source)})
		js["cells"] = map[string]any{"space": cs.space.String(), "count": cs.len(), "source": cs.source}
	}
	if tr := st.trained; tr != nil {
		c := tr.result.Config
		how := fmt.Sprintf("%d epochs", len(tr.result.History))
		if len(tr.result.History) == 0 && tr.saved != "" {
			how = "from " + tr.saved
		}
		desc := fmt.Sprintf("%s, %s, latent %d, %d parameters", tr.space, how,
			tr.result.Model.Config().LatentDim, tr.result.Model.NumParams())
		rows = append(rows, []string{"model", desc})
		js["model"] = map[string]any{"space": tr.space.String(), "config": c, "epochs": len(tr.result.History),
			"params": tr.result.Model.NumParams()}
	}
	if e := st.emb; e != nil && e.cells == st.cells {
		rows = append(rows, []string{"embeddings", fmt.Sprintf("%d × %d", e.cells.len(), e.dim)})
		js["embeddings"] = map[string]any{"cells": e.cells.len(), "dim": e.dim}
	}
	if s := st.search; s != nil && s.cells == st.cells {
		var parts []string
		runs := map[string]int{}
		for _, name := range slices.Sorted(maps.Keys(s.runs)) {
			runs[name] = len(s.runs[name].traces)
			unit := "runs"
			if runs[name] == 1 {
				unit = "run"
			}
			parts = append(parts, fmt.Sprintf("%s (%d %s)", name, runs[name], unit))
		}
		rows = append(rows, []string{"searches", strings.Join(parts, ", ")})
		js["searches"] = runs
	}
	if len(rows) == 2 {
		rows = append(rows, []string{"workspace", "empty"})
	}
	b, err := withJSON(tablesBundle(titledTable{header: []string{"workspace " + verb, ""}, rows: rows}), js)
	if err != nil {
		return fmt.Errorf("%s: %w", call.Command.Name, err)
	}
	call.Result(b)
	return nil
}

// byteSize formats a number of bytes for people.
func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}
