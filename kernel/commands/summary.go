package commands

import (
	"fmt"
	"strconv"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// stats are the counts shown by the %load_cells summary.
type stats struct {
	nodes, edges map[int]int // cells by number of nodes / edges
	ops          map[string]int
	opOrder      []string
}

// count computes the histograms of s. For NB201 "edges" counts the edges
// whose operation is not none (every cell has 8 nodes in arch2vec's graph).
func (s *cellSet) count() stats {
	st := stats{nodes: map[int]int{}, edges: map[int]int{}, ops: map[string]int{}}
	if s.space == bench.Space201 {
		for o := cell.Conv1x1201; o <= cell.None201; o++ {
			st.opOrder = append(st.opOrder, o.String())
		}
		for _, c := range s.c201 {
			st.nodes[cell.NB201Vertices]++
			active := 0
			for _, o := range c {
				st.ops[o.String()]++
				if o != cell.None201 {
					active++
				}
			}
			st.edges[active]++
		}
		return st
	}
	for o := cell.Conv1x1; o <= cell.MaxPool3x3; o++ {
		st.opOrder = append(st.opOrder, o.String())
	}
	for _, c := range s.c101 {
		st.nodes[c.N]++
		st.edges[c.NumEdges()]++
		for _, o := range c.Ops[1 : c.N-1] {
			st.ops[o.String()]++
		}
	}
	return st
}

// summaryTables returns the tables of the %load_cells output.
func (s *cellSet) summaryTables() []titledTable {
	st := s.count()
	meanV, maxV, nV := meanMax(s.valid)
	_, _, nT := meanMax(s.test)
	over := [][]string{
		{"space", s.space.String()},
		{"source", s.source},
	}
	if s.dataset != "" {
		over = append(over, []string{"dataset", s.dataset})
	}
	over = append(over,
		[]string{"cells", strconv.Itoa(s.len())},
		[]string{"with validation accuracy", strconv.Itoa(nV)},
		[]string{"with test accuracy", strconv.Itoa(nT)},
		[]string{"mean validation accuracy (%)", pct(meanV)},
		[]string{"best validation accuracy (%)", pct(maxV)},
	)
	hist := func(m map[int]int) [][]string {
		var rows [][]string
		for k := 0; k <= 10; k++ {
			if m[k] > 0 {
				rows = append(rows, []string{strconv.Itoa(k), strconv.Itoa(m[k]), share(m[k], s.len())})
			}
		}
		return rows
	}
	total := 0
	for _, n := range st.ops {
		total += n
	}
	var ops [][]string
	for _, o := range st.opOrder {
		ops = append(ops, []string{o, strconv.Itoa(st.ops[o]), share(st.ops[o], total)})
	}
	edgeTitle := "edges"
	if s.space == bench.Space201 {
		edgeTitle = "edges with an operation other than none"
	}
	return []titledTable{
		{title: "Loaded cells", header: []string{"", "value"}, rows: over},
		{title: "Nodes", header: []string{"nodes", "cells", "%"}, rows: hist(st.nodes)},
		{title: "Edges", header: []string{edgeTitle, "cells", "%"}, rows: hist(st.edges)},
		{title: "Operations", header: []string{"operation", "count", "%"}, rows: ops},
	}
}

// share formats n/total as a percentage.
func share(n, total int) string {
	if total == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", 100*float64(n)/float64(total))
}

// summaryJSON returns the numbers of the summary for application/json.
func (s *cellSet) summaryJSON() map[string]any {
	st := s.count()
	meanV, maxV, nV := meanMax(s.valid)
	_, _, nT := meanMax(s.test)
	keys := func(m map[int]int) map[string]int {
		out := map[string]int{}
		for k, v := range m {
			out[strconv.Itoa(k)] = v
		}
		return out
	}
	return map[string]any{
		"space": s.space.String(), "source": s.source, "dataset": s.dataset, "cells": s.len(),
		"with_validation": nV, "with_test": nT, "mean_validation": num(meanV), "best_validation": num(maxV),
		"nodes": keys(st.nodes), "edges": keys(st.edges), "ops": st.ops,
	}
}
