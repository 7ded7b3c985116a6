package magic

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// A line is one statement of a cell, checked and ready to run.
type line struct {
	spec *spec
	help bool  // %name? : show help instead of running
	call *Call // the bound flags and arguments (nil for help)
}

// head is the parsed first word of a statement.
type head struct {
	name string
	help bool
}

// parseHead parses the first token of a statement: %name, %name?, %name??,
// ?%name or ??%name. It returns a message on failure.
func parseHead(t token) (head, string) {
	text := t.text
	var h head
	notCommand := fmt.Sprintf("expected a %%command, found %q: a cell holds one %%command per line (type %%help for the list)", t.text)
	if !t.isBare() || !strings.Contains(text, "%") {
		return h, notCommand
	}
	if trimmed := strings.TrimLeft(text, "?"); len(text)-len(trimmed) <= 2 && trimmed != text {
		text, h.help = trimmed, true
	} else if trimmed := strings.TrimRight(text, "?"); len(text)-len(trimmed) <= 2 && trimmed != text {
		text, h.help = trimmed, true
	}
	switch {
	case !strings.HasPrefix(text, "%"):
		return h, notCommand
	case strings.HasPrefix(text, "%%"):
		return h, fmt.Sprintf("cell commands (%s) are not supported: write one %%command per line", text)
	case text == "%":
		return h, "missing command name after %"
	case !commandName.MatchString(text[1:]):
		return h, fmt.Sprintf("invalid command name %q (want letters, digits and underscores)", text)
	}
	h.name = text[1:]
	return h, ""
}

// compileCell parses and checks a whole cell against the registered
// commands, before anything runs, so that a typo on the last line does not
// waste the work of the first. code is the cell's source.
func (m *Mux) compileCell(code string) ([]*line, error) {
	lx := lex(code)
	src := newSource(code)
	if lx.openQuote != 0 {
		name := map[rune]string{'"': "double", '\'': "single"}[lx.openQuote]
		return nil, src.errAt(lx.openAt, "unterminated %s quote", name)
	}
	if lx.dangling != nil {
		return nil, src.errAt(*lx.dangling, "backslash at the end of the cell (a line continuation needs a next line)")
	}
	rs := []rune(code)
	prog := make([]*line, 0, len(lx.stmts))
	for _, st := range lx.stmts {
		h, msg := parseHead(st.toks[0])
		if msg != "" && m.lookup(st.toks[0].text) != nil {
			msg = fmt.Sprintf("expected a %%command, found %q; did you mean %%%s?", st.toks[0].text, st.toks[0].text)
		}
		if msg != "" {
			return nil, src.errAt(st.toks[0], "%s", msg)
		}
		sp := m.lookup(h.name)
		if sp == nil {
			return nil, m.unknown(src, st.toks[0], h.name)
		}
		if h.help {
			prog = append(prog, &line{spec: sp, help: true})
			continue
		}
		call, err := bind(sp, st, src)
		if err != nil {
			return nil, withCommand(err, sp.cmd)
		}
		first, last := st.toks[0], st.toks[len(st.toks)-1]
		call.Line, call.LineNo = string(rs[first.start:last.end]), first.line
		prog = append(prog, &line{spec: sp, call: call})
	}
	return prog, nil
}

// unknown returns the error for an unknown command name.
func (m *Mux) unknown(src source, t token, name string) *UsageError {
	if s := suggest(name, m.names()); s != "" {
		return src.errAt(t, "unknown command %%%s; did you mean %%%s?", name, s)
	}
	return src.errAt(t, "unknown command %%%s (type %%help for the list)", name)
}

// isFlagToken reports whether t is written as a long flag: bare "--x...".
func isFlagToken(t token) bool {
	return t.bare > 2 && strings.HasPrefix(t.text, "--")
}

// isShortFlagToken reports whether t is written as a short flag: bare "-x".
func isShortFlagToken(t token) bool {
	if t.bare < 2 || t.text[0] != '-' {
		return false
	}
	r := t.text[1]
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
}

// splitFlag splits a long flag token into its name and its value after a
// bare "=".
func splitFlag(t token) (name, value string, hasValue bool) {
	body := t.text[2:]
	name, value, hasValue = strings.Cut(body, "=")
	if hasValue && utf8.RuneCountInString(name)+3 > t.bare {
		return body, "", false // the "=" was quoted: part of the name
	}
	return name, value, hasValue
}

// binder holds the state of binding one statement.
type binder struct {
	sp    *spec
	st    statement
	src   source
	call  *Call
	flags map[string]token // where each flag was given
}

// bind checks a statement's words against the command's specification and
// returns the Call holding the typed values.
func bind(sp *spec, st statement, src source) (*Call, *UsageError) {
	b := &binder{sp: sp, st: st, src: src, flags: map[string]token{}, call: &Call{
		Command: sp.cmd, spec: sp, src: src, head: st.toks[0],
		vals: map[string]any{}, given: map[string]token{},
	}}
	toks := st.toks
	endFlags, pos := false, 0
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		var err *UsageError
		switch {
		case !endFlags && t.isBare() && t.text == "--":
			endFlags = true
		case !endFlags && isFlagToken(t):
			i, err = b.long(i)
		case !endFlags && isShortFlagToken(t):
			i, err = b.short(i)
		default:
			pos, err = b.positional(t, pos)
		}
		if err != nil {
			return nil, err
		}
	}
	args := sp.cmd.Args
	if pos < len(args) && !args[pos].Optional && !(args[pos].Variadic && len(b.call.rest) > 0) {
		return nil, src.errAt(endOf(st), "missing argument %s", strings.ToUpper(args[pos].Name))
	}
	for name, p := range sp.params {
		if _, ok := b.call.vals[name]; !ok && !(p.arg != nil && p.arg.Variadic) {
			b.call.vals[name] = p.zero()
		}
	}
	return b.call, nil
}

// long binds the long flag at toks[i] and returns the index of the last
// token it used.
func (b *binder) long(i int) (int, *UsageError) {
	t := b.st.toks[i]
	name, value, hasValue := splitFlag(t)
	p, neg := b.sp.params[name], false
	if (p == nil || p.flag == nil) && strings.HasPrefix(name, "no-") {
		if q := b.sp.params[name[3:]]; q != nil && q.flag != nil && q.kind == Bool {
			p, neg = q, true
		}
	}
	if p == nil || p.flag == nil {
		msg := fmt.Sprintf("unknown flag --%s for %%%s", name, b.sp.cmd.Name)
		if s := suggest(name, b.flagNames()); s != "" {
			msg += fmt.Sprintf("; did you mean --%s?", s)
		}
		return i, b.src.errAt(t, "%s", msg)
	}
	return b.flagValue(i, p, "--"+name, value, hasValue, neg)
}

// short binds the short flag at toks[i]: -n VALUE or -n=VALUE.
func (b *binder) short(i int) (int, *UsageError) {
	t := b.st.toks[i]
	name, value, hasValue := t.text[1:2], "", false
	if rest := t.text[2:]; rest != "" {
		if rest[0] != '=' || t.bare < 3 {
			return i, b.src.errAt(t, "unknown flag %s for %%%s (long flags start with --)", t.text, b.sp.cmd.Name)
		}
		value, hasValue = rest[1:], true
	}
	f := b.sp.short[name]
	if f == nil {
		return i, b.src.errAt(t, "unknown flag -%s for %%%s", name, b.sp.cmd.Name)
	}
	return b.flagValue(i, b.sp.params[f.Name], "-"+name, value, hasValue, false)
}

// flagValue sets flag p, spelled as written, from an inline value or the
// next token.
func (b *binder) flagValue(i int, p *param, written, value string, hasValue, neg bool) (int, *UsageError) {
	t, name := b.st.toks[i], p.flag.Name
	if prev, dup := b.flags[name]; dup {
		return i, b.src.errAt(t, "flag --%s given twice (first in column %d)", name, prev.col)
	}
	b.flags[name], b.call.given[name] = t, t
	if p.kind == Bool && !hasValue {
		b.call.vals[name] = !neg
		return i, nil
	}
	if neg {
		return i, b.src.errAt(t, "flag %s takes no value", written)
	}
	if !hasValue {
		if i+1 >= len(b.st.toks) || b.isKnownFlag(b.st.toks[i+1]) {
			return i, b.src.errAt(t, "flag %s needs a value (%s)", written, p.flag.placeholder())
		}
		i++
		t, value = b.st.toks[i], b.st.toks[i].text
		b.call.given[name] = t
	}
	v, msg := p.parse(value)
	if msg != "" {
		return i, b.src.errAt(t, "flag %s: %s", written, msg)
	}
	b.call.vals[name] = v
	return i, nil
}

// isKnownFlag reports whether t is written as one of the command's flags,
// which then cannot be the value of the flag before it.
func (b *binder) isKnownFlag(t token) bool {
	if isFlagToken(t) {
		name, _, _ := splitFlag(t)
		p := b.sp.params[strings.TrimPrefix(name, "no-")]
		return p != nil && p.flag != nil
	}
	return isShortFlagToken(t) && b.sp.short[t.text[1:2]] != nil
}

// positional binds t as the positional argument number pos and returns the
// number of the next one.
func (b *binder) positional(t token, pos int) (int, *UsageError) {
	args := b.sp.cmd.Args
	b.call.args = append(b.call.args, t.text)
	if pos >= len(args) {
		if len(args) == 0 {
			return pos, b.src.errAt(t, "unexpected argument %q: %%%s takes no arguments", t.text, b.sp.cmd.Name)
		}
		return pos, b.src.errAt(t, "unexpected argument %q: %%%s takes %d", t.text, b.sp.cmd.Name, len(args))
	}
	a := &args[pos]
	v, msg := b.sp.params[a.Name].parse(t.text)
	if msg != "" {
		return pos, b.src.errAt(t, "argument %s: %s", strings.ToUpper(a.Name), msg)
	}
	if _, seen := b.call.given[a.Name]; !seen {
		b.call.given[a.Name] = t
	}
	if a.Variadic {
		b.call.rest = append(b.call.rest, t.text)
		return pos, nil
	}
	b.call.vals[a.Name] = v
	return pos + 1, nil
}

// flagNames returns the command's long flag names.
func (b *binder) flagNames() []string {
	names := make([]string, len(b.sp.cmd.Flags))
	for i, f := range b.sp.cmd.Flags {
		names[i] = f.Name
	}
	return names
}
