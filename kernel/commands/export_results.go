package commands

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"

	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// resultRow is one query of one search run, for %export results.
type resultRow struct {
	method string
	run    int
	seed   uint64
	query  int
	q      *search.Query
}

// resultRows flattens the search results: methods in name order, runs in
// order, queries in order.
func resultRows(s *searchResult) []resultRow {
	var rows []resultRow
	for _, name := range slices.Sorted(maps.Keys(s.runs)) {
		for r, t := range s.runs[name].traces {
			for k := range t.Queries {
				rows = append(rows, resultRow{name, r, t.Seed, k, &t.Queries[k]})
			}
		}
	}
	return rows
}

// resultNumbers are the numeric columns of a results row, in the order of
// the .npy array's columns.
var resultNumbers = []string{"run", "seed", "query", "cell", "time", "validation", "incumbent",
	"best_validation", "best_test", "regret_validation", "regret_test"}

// numbers returns the numeric columns of r (see resultNumbers).
func (r resultRow) numbers() []float64 {
	q := r.q
	return []float64{float64(r.run), float64(r.seed), float64(r.query), float64(q.Cell), q.Time, q.Valid,
		float64(q.Incumbent), q.BestValid, q.BestTest, q.RegretValid, q.RegretTest}
}

// resultsExporter writes the search traces of the loaded cells.
func resultsExporter(s *searchResult, format string) exporter {
	cs := s.cells
	rows := resultRows(s)
	ex := exporter{what: fmt.Sprintf("%d queries of %d methods", len(rows), len(s.runs))}
	key := keyName(cs.space)
	switch format {
	case "npy":
		ex.main = func(w io.Writer) error {
			a := make([]float64, 0, len(rows)*len(resultNumbers))
			for _, r := range rows {
				a = append(a, r.numbers()...)
			}
			return writeNPY(w, []int{len(rows), len(resultNumbers)}, a)
		}
		ex.side = func(w io.Writer) error {
			return writeRows(w, []string{"row", "method", "id", key}, len(rows), func(i int, rec []string) []string {
				c := rows[i].q.Cell
				return append(rec, strconv.Itoa(i), rows[i].method, strconv.Itoa(cs.id[c]), cs.name(c))
			})
		}
	case "json":
		ex.main = func(w io.Writer) error {
			methods := map[string][]map[string]any{}
			for _, name := range slices.Sorted(maps.Keys(s.runs)) {
				for r, t := range s.runs[name].traces {
					qs := make([]map[string]any, len(t.Queries))
					for k, q := range t.Queries {
						qs[k] = map[string]any{"cell": q.Cell, "id": cs.id[q.Cell], key: cs.name(q.Cell),
							"time": num(q.Time), "validation": num(q.Valid), "incumbent": q.Incumbent,
							"best_validation": num(q.BestValid), "best_test": num(q.BestTest),
							"regret_validation": num(q.RegretValid), "regret_test": num(q.RegretTest)}
					}
					methods[name] = append(methods[name], map[string]any{"run": r, "seed": t.Seed, "queries": qs})
				}
			}
			return writeJSONDoc(w, map[string]any{"space": cs.space.String(), "cells": cs.len(), "methods": methods})
		}
	default:
		header := []string{"method", "run", "seed", "query", "cell", "id", key, "time", "validation", "incumbent",
			"best_validation", "best_test", "regret_validation", "regret_test"}
		ex.main = func(w io.Writer) error {
			return writeRows(w, header, len(rows), func(i int, rec []string) []string {
				r := rows[i]
				q := r.q
				rec = append(rec, r.method, strconv.Itoa(r.run), strconv.FormatUint(r.seed, 10), strconv.Itoa(r.query),
					strconv.Itoa(q.Cell), strconv.Itoa(cs.id[q.Cell]), cs.name(q.Cell), csvNum(q.Time, 64),
					csvNum(q.Valid, 64), strconv.Itoa(q.Incumbent))
				for _, x := range []float64{q.BestValid, q.BestTest, q.RegretValid, q.RegretTest} {
					rec = append(rec, csvNum(x, 64))
				}
				return rec
			})
		}
	}
	return ex
}
