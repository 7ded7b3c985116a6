package commands

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/arch2vec/arch2vec/kernel/magic"
)

// workspaceCommand returns %workspace.
func (w *Workspace) workspaceCommand() *magic.Command {
	return &magic.Command{
		Name:    "workspace",
		Summary: "Show what the session holds: cells, model, embeddings, searches",
		Doc: "Lists the workspace's state: the loaded cells and their source, the model (trained here " +
			"or loaded from a checkpoint), the embeddings and the search methods run on the loaded " +
			"cells (also as application/json).",
		Example: "%workspace",
		Run:     w.runWorkspace,
	}
}

// runWorkspace runs %workspace.
func (w *Workspace) runWorkspace(ctx context.Context, call *magic.Call) error {
	st := w.snapshot()
	rows := [][]string{}
	js := map[string]any{}
	if cs := st.cells; cs != nil {
		rows = append(rows, []string{"cells", fmt.Sprintf("%d %s cells from %s", cs.len(), cs.space, cs.source)})
		js["cells"] = map[string]any{"space": cs.space.String(), "count": cs.len(), "source": cs.source}
	} else {
		rows = append(rows, []string{"cells", "none: run %load_cells"})
	}
	if tr := st.trained; tr != nil {
		how := fmt.Sprintf("trained %d epochs on %s cells", len(tr.result.History), tr.space)
		if tr.cells == nil {
			how = fmt.Sprintf("loaded from %s (%s)", tr.saved, tr.space)
		} else if tr.saved != "" {
			how += ", saved to " + tr.saved
		}
		rows = append(rows, []string{"model", how})
		js["model"] = map[string]any{"space": tr.space.String(), "config": tr.result.Config, "checkpoint": tr.saved}
	} else {
		rows = append(rows, []string{"model", "none: run %pretrain or %load_model"})
	}
	if e := st.emb; e != nil && e.cells == st.cells {
		rows = append(rows, []string{"embeddings", fmt.Sprintf("%d × %d", e.cells.len(), e.dim)})
		js["embeddings"] = map[string]any{"cells": e.cells.len(), "dim": e.dim}
	} else {
		rows = append(rows, []string{"embeddings", "none for the loaded cells: run %embed"})
	}
	if s := st.search; s != nil && s.cells == st.cells {
		names := slices.Sorted(maps.Keys(s.runs))
		rows = append(rows, []string{"searches", strings.Join(names, ", ")})
		js["searches"] = names
	}
	b, err := withJSON(tablesBundle(titledTable{header: []string{"workspace", ""}, rows: rows}), js)
	if err != nil {
		return fmt.Errorf("workspace: %w", err)
	}
	call.Result(b)
	return nil
}
