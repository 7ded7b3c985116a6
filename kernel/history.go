package kernel

import (
	"context"
	"sync"

	"github.com/arch2vec/arch2vec/kernel/wire"
)

// historySession is the session number reported in history tuples; the
// store only knows the current session, which requests may also call 0.
const historySession = 1

// history is the in-memory store behind history_request.
type history struct {
	mu      sync.Mutex
	entries []historyEntry
}

type historyEntry struct {
	line   int
	input  string
	output string // text/plain of the execute_result, if any
}

func (h *history) add(line int, input string, res *ExecuteResult) {
	e := historyEntry{line: line, input: input}
	if res != nil && res.Value != nil {
		if s, ok := res.Value.Data["text/plain"].(string); ok {
			e.output = s
		}
	}
	h.mu.Lock()
	h.entries = append(h.entries, e)
	h.mu.Unlock()
}

// query answers a history_request: tail (last n), range (lines in
// [start, stop) of the current session; stop missing means to the end) or
// search (glob pattern, optionally unique, last n matches).
func (h *history) query(c historyContent) [][]any {
	h.mu.Lock()
	all := append([]historyEntry(nil), h.entries...)
	h.mu.Unlock()

	var sel []historyEntry
	switch c.HistAccessType {
	case "tail":
		sel = all
	case "range":
		if c.Session != 0 && c.Session != historySession {
			break
		}
		for _, e := range all {
			if e.line >= c.Start && (c.Stop == nil || *c.Stop <= 0 || e.line < *c.Stop) {
				sel = append(sel, e)
			}
		}
	case "search":
		pattern := c.Pattern
		if pattern == "" {
			pattern = "*"
		}
		seen := map[string]bool{}
		for i := len(all) - 1; i >= 0; i-- { // newest first, for unique
			e := all[i]
			if !globMatch(pattern, e.input) || (c.Unique && seen[e.input]) {
				continue
			}
			seen[e.input] = true
			sel = append(sel, e)
		}
		for i, j := 0, len(sel)-1; i < j; i, j = i+1, j-1 {
			sel[i], sel[j] = sel[j], sel[i]
		}
	}
	if c.HistAccessType != "range" && c.N != nil && *c.N >= 0 && *c.N < len(sel) {
		sel = sel[len(sel)-*c.N:]
	}
	out := make([][]any, 0, len(sel))
	for _, e := range sel {
		var item any = e.input
		if c.Output {
			item = []any{e.input, e.output}
		}
		out = append(out, []any{historySession, e.line, item})
	}
	return out
}

// globMatch reports whether s matches a glob pattern as SQLite's GLOB
// (IPython's history search) does: * any run, ? one character, [...] a
// class with ranges and ^ negation. Matching is case-sensitive.
func globMatch(pattern, s string) bool {
	p, t := []rune(pattern), []rune(s)
	// Iterative matcher with backtracking to the last star.
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		if pi < len(p) {
			switch p[pi] {
			case '*':
				star, mark = pi, ti
				pi++
				continue
			case '?':
				pi++
				ti++
				continue
			case '[':
				if n, ok := matchClass(p[pi:], t[ti]); n > 0 {
					if ok {
						pi += n
						ti++
						continue
					}
				} else if t[ti] == '[' { // unterminated class: literal
					pi++
					ti++
					continue
				}
			default:
				if p[pi] == t[ti] {
					pi++
					ti++
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		pi, mark = star+1, mark+1
		ti = mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// matchClass matches c against the class at the start of p ("[...]"). It
// returns the class length (0 if unterminated) and whether c is in it.
func matchClass(p []rune, c rune) (int, bool) {
	i := 1
	negate := i < len(p) && p[i] == '^'
	if negate {
		i++
	}
	in, first := false, true
	for ; i < len(p); i++ {
		if p[i] == ']' && !first {
			return i + 1, in != negate
		}
		first = false
		lo := p[i]
		hi := lo
		if i+2 < len(p) && p[i+1] == '-' && p[i+2] != ']' {
			hi = p[i+2]
			i += 2
		}
		if lo <= c && c <= hi {
			in = true
		}
	}
	return 0, false
}

func (k *Kernel) historyRequest(_ context.Context, r *request) {
	var c historyContent
	if !k.decode(r, &c) {
		return
	}
	k.reply(r, wire.HistoryReply, historyReply{Status: "ok", History: k.history.query(c)})
}
