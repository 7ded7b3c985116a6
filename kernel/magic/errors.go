package magic

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/arch2vec/arch2vec/kernel"
)

// UsageError reports a cell that does not follow the command language or a
// command's specification: an unknown command or flag, a bad value, a
// missing argument, an unterminated quote. It points at the offending token.
// The kernel shows it with ename "UsageError".
type UsageError struct {
	// Line and Column are the 1-based position of the offending token, in
	// runes; both are 0 when the error concerns no particular token.
	Line, Column int
	// Width is the number of runes to underline, at least 1.
	Width int
	// Source is the text of the offending line.
	Source string
	// Msg says what is wrong, e.g. `flag --epochs: invalid int "x"`.
	Msg string
	// Usage is the synopsis of the command concerned, if any, e.g.
	// "%sleep SECONDS".
	Usage string
	// Command is the command's name, if any; the traceback then points to
	// its help.
	Command string
}

var _ kernel.Error = (*UsageError)(nil)

// Error returns the message, preceded by the line number when known.
func (e *UsageError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// ErrorName returns "UsageError".
func (e *UsageError) ErrorName() string { return "UsageError" }

// Traceback shows the message, the offending line with a caret under the
// token, and the command's synopsis:
//
//	UsageError: flag --epochs: invalid int "x" (want a whole number such as 8)
//	  1 | %pretrain --epochs x
//	    |                    ^
//	usage: %pretrain [flags] CELLS
//	(type %pretrain? for help)
func (e *UsageError) Traceback() []string {
	const red, bold, reset = "\x1b[31m", "\x1b[1m", "\x1b[0m"
	tb := []string{red + bold + "UsageError" + reset + ": " + e.Msg}
	if e.Line > 0 {
		num := fmt.Sprint(e.Line)
		gutter := strings.Repeat(" ", len(num))
		tb = append(tb,
			fmt.Sprintf("  %s | %s", num, e.Source),
			fmt.Sprintf("  %s | %s%s%s%s", gutter, caretIndent(e.Source, e.Column), red,
				"^"+strings.Repeat("~", max(e.Width, 1)-1), reset))
	}
	if e.Usage != "" {
		tb = append(tb, "usage: "+e.Usage)
	}
	if e.Command != "" {
		tb = append(tb, fmt.Sprintf("(type %%%s? for help)", e.Command))
	}
	return tb
}

// caretIndent returns the blanks that put a caret under column col of line,
// keeping tabs so that the caret lines up.
func caretIndent(line string, col int) string {
	var b strings.Builder
	for i, r := range []rune(line) {
		if i >= col-1 {
			break
		}
		if r == '\t' {
			b.WriteRune('\t')
		} else {
			b.WriteRune(' ')
		}
	}
	for i := utf8.RuneCountInString(line); i < col-1; i++ {
		b.WriteRune(' ')
	}
	return b.String()
}

// source holds a cell's lines for error messages.
type source []string

func newSource(code string) source { return strings.Split(code, "\n") }

// errAt returns a UsageError pointing at tok.
func (s source) errAt(tok token, format string, args ...any) *UsageError {
	e := &UsageError{Line: tok.line, Column: tok.col, Msg: fmt.Sprintf(format, args...)}
	if tok.line >= 1 && tok.line <= len(s) {
		e.Source = strings.TrimSuffix(s[tok.line-1], "\r")
		rest := utf8.RuneCountInString(e.Source) - (tok.col - 1)
		e.Width = max(1, min(tok.end-tok.start, rest))
	}
	return e
}

// endOf returns a zero-width token just after the last token of st, for
// errors about something missing.
func endOf(st statement) token {
	last := st.toks[len(st.toks)-1]
	w := last.end - last.start
	if last.open != 0 || strings.Contains(last.text, "\n") {
		w = 0 // the token spans lines: point at its start
	}
	return token{start: last.end, end: last.end + 1, line: last.line, col: last.col + w}
}

// withCommand attaches a command's synopsis to a usage error.
func withCommand(e *UsageError, c *Command) *UsageError {
	e.Usage, e.Command = Synopsis(c), c.Name
	return e
}

// suggest returns the candidate closest to s by edit distance, if it is
// close enough to be a plausible typo, or a candidate s is a prefix of.
func suggest(s string, candidates []string) string {
	best, bestD := "", 0
	for _, c := range candidates {
		d := editDistance(s, c)
		if best == "" || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	limit := max(1, min(3, utf8.RuneCountInString(s)/3))
	if best != "" && bestD <= limit {
		return best
	}
	if s != "" {
		for _, c := range candidates {
			if strings.HasPrefix(c, s) {
				return c
			}
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
