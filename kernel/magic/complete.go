package magic

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Completion types reported in the _jupyter_types_experimental metadata.
const (
	typeMagic = "magic"
	typeFlag  = "flag"
	typeValue = "value"
)

// candidate is one completion before it becomes a match.
type candidate struct {
	text, typ, signature string
}

// Complete proposes command names after %, flag names after - or --,
// enumerated (or Complete-provided) values for flags and arguments, for the
// statement at cursor. Matches replace the text from CursorStart to the
// cursor; the metadata carries their types ("magic", "flag", "value") in
// _jupyter_types_experimental.
func (m *Mux) Complete(ctx context.Context, code string, cursor int) (*kernel.Completion, error) {
	rs := []rune(code)
	cursor = min(max(cursor, 0), len(rs))
	lx := lex(string(rs[:cursor]))
	if lx.inComment {
		return completion(cursor, cursor, nil), nil
	}
	var toks []token
	if lx.atStatement {
		toks = lx.stmts[len(lx.stmts)-1].toks
	}
	cur := token{start: cursor, end: cursor, line: 0}
	if lx.inToken {
		cur, toks = toks[len(toks)-1], toks[:len(toks)-1]
	}
	start, cands := m.candidates(toks, cur)
	return completion(start, cursor, cands), nil
}

// completion builds the reply; nil candidates give no matches.
func completion(start, end int, cands []candidate) *kernel.Completion {
	c := &kernel.Completion{Matches: []string{}, CursorStart: start, CursorEnd: end, Metadata: map[string]any{}}
	types := make([]map[string]any, 0, len(cands))
	for _, cd := range cands {
		c.Matches = append(c.Matches, cd.text)
		types = append(types, map[string]any{"start": start, "end": end, "text": cd.text,
			"type": cd.typ, "signature": cd.signature})
	}
	if len(cands) > 0 {
		c.Metadata["_jupyter_types_experimental"] = types
	}
	return c
}

// candidates returns the completions of cur, the word being typed after
// the words toks of its statement, and where they start.
func (m *Mux) candidates(toks []token, cur token) (int, []candidate) {
	if len(toks) == 0 {
		return m.commandCandidates(cur)
	}
	h, msg := parseHead(toks[0])
	sp := m.lookup(h.name)
	if msg != "" || sp == nil || h.help {
		return cur.start, nil
	}
	// --flag=partial
	if isFlagToken(cur) {
		if name, val, ok := splitFlag(cur); ok {
			p := sp.params[name]
			if p == nil || p.flag == nil {
				return cur.start, nil
			}
			return cur.start + utf8.RuneCountInString(name) + 3, valueCandidates(p, val)
		}
	}
	// the value after --flag or -f
	endFlags, pos := false, 0
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		switch {
		case !endFlags && t.isBare() && t.text == "--":
			endFlags = true
		case !endFlags && (isFlagToken(t) || isShortFlagToken(t)):
			p := flagOf(sp, t)
			if p == nil || p.kind == Bool || strings.Contains(t.text, "=") {
				continue
			}
			if i == len(toks)-1 {
				return cur.start, valueCandidates(p, cur.text)
			}
			i++ // skip the value
		default:
			pos++
		}
	}
	if !endFlags && cur.isBare() && strings.HasPrefix(cur.text, "-") {
		return cur.start, flagCandidates(sp, cur.text)
	}
	if args := sp.cmd.Args; len(args) > 0 {
		a := &args[min(pos, len(args)-1)]
		if pos < len(args) || a.Variadic {
			if c := valueCandidates(sp.params[a.Name], cur.text); len(c) > 0 || cur.text != "" {
				return cur.start, c
			}
		}
	}
	if cur.text == "" && !endFlags {
		return cur.start, flagCandidates(sp, "--")
	}
	return cur.start, nil
}

// commandCandidates completes a command name: %na, ?%na, or nothing yet.
func (m *Mux) commandCandidates(cur token) (int, []candidate) {
	text := cur.text
	if !cur.isBare() {
		return cur.start, nil
	}
	q := len(text) - len(strings.TrimLeft(text, "?"))
	text = text[q:]
	if text != "" && !strings.HasPrefix(text, "%") {
		return cur.start, nil
	}
	prefix := strings.TrimPrefix(text, "%")
	var cands []candidate
	for _, c := range m.Commands() {
		if strings.HasPrefix(c.Name, prefix) {
			cands = append(cands, candidate{"%" + c.Name, typeMagic, Synopsis(c)})
		}
	}
	return cur.start + q, cands
}

// flagOf returns the flag a flag token names, or nil.
func flagOf(sp *spec, t token) *param {
	if isShortFlagToken(t) {
		if f := sp.short[t.text[1:2]]; f != nil && (len(t.text) == 2 || t.text[2] == '=') {
			return sp.params[f.Name]
		}
		return nil
	}
	name, _, _ := splitFlag(t)
	if p := sp.params[name]; p != nil && p.flag != nil {
		return p
	}
	return nil
}

// flagCandidates lists the long flags starting with prefix; bool flags
// also offer their --no- form when the prefix asks for it.
func flagCandidates(sp *spec, prefix string) []candidate {
	var cands []candidate
	for i := range sp.cmd.Flags {
		f := &sp.cmd.Flags[i]
		sig := strings.TrimSuffix(flagUsage(f, true)+": "+f.Help, ": ")
		for _, name := range []string{"--" + f.Name, "--no-" + f.Name} {
			if strings.HasPrefix(name, "--no-") && (f.Kind != Bool || !strings.HasPrefix(prefix, "--n")) {
				continue
			}
			if strings.HasPrefix(name, prefix) || prefix == "-" {
				cands = append(cands, candidate{name, typeFlag, sig})
			}
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int { return cmpString(a.text, b.text) })
	return cands
}

// valueCandidates lists the values of p starting with prefix: its enum
// values, its Complete function's proposals, or true/false for a bool.
func valueCandidates(p *param, prefix string) []candidate {
	var values []string
	var complete func(string) []string
	if p.flag != nil {
		complete = p.flag.Complete
	} else {
		complete = p.arg.Complete
	}
	switch {
	case p.kind == Enum:
		values = p.values
	case complete != nil:
		values = complete(prefix)
	case p.kind == Bool:
		values = []string{"false", "true"}
	}
	var cands []candidate
	for _, v := range values {
		if strings.HasPrefix(v, prefix) {
			cands = append(cands, candidate{Quote(v), typeValue, p.kind.String()})
		}
	}
	return cands
}

// Quote returns s as one word of the command language: unchanged if it
// needs no quoting, otherwise in double quotes with ", \ and line breaks
// escaped.
func Quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\r\n\f\v\"'\\#") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

// Inspect returns the help of the command whose statement holds the
// cursor (Shift-Tab), as text/plain and text/html.
func (m *Mux) Inspect(ctx context.Context, code string, cursor, detail int) (*kernel.Inspection, error) {
	rs := []rune(code)
	cursor = min(max(cursor, 0), len(rs))
	for _, st := range lex(code).stmts {
		first, last := st.toks[0], st.toks[len(st.toks)-1]
		end := last.end
		for end < len(rs) && rs[end] != '\n' {
			end++
		}
		if cursor < first.start || cursor > end {
			continue
		}
		h, msg := parseHead(first)
		if msg != "" {
			break
		}
		if c := m.Lookup(h.name); c != nil {
			return &kernel.Inspection{Found: true, Data: Help(c)}, nil
		}
		break
	}
	return &kernel.Inspection{Found: false, Data: wire.MIMEBundle{Data: map[string]any{}, Metadata: map[string]any{}}}, nil
}

// IsComplete reports "incomplete" while a quote is open or the cell ends
// with a backslash, "invalid" when the cell would fail to parse or check
// (unknown command, bad flag), and "complete" otherwise.
func (m *Mux) IsComplete(code string) kernel.Completeness {
	if lex(code).incomplete() {
		return kernel.Completeness{Status: "incomplete", Indent: ""}
	}
	if _, err := m.compileCell(code); err != nil {
		return kernel.Completeness{Status: "invalid"}
	}
	return kernel.Completeness{Status: "complete"}
}
