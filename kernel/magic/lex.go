package magic

import (
	"strings"
	"unicode/utf8"
)

// A token is one word of a statement after quote removal.
type token struct {
	text string // the value, quotes removed and escapes resolved
	// bare is the number of leading runes of text that came from unquoted,
	// unescaped source. Only bare text is syntax: "%name" must be all bare
	// to name a command, "--flag=" must be bare to be a flag.
	bare       int
	start, end int  // rune offsets of the token's source, [start, end)
	line, col  int  // 1-based position of start
	open       rune // the quote left open at the end of input, or 0
}

// isBare reports whether the token is entirely unquoted and unescaped.
func (t token) isBare() bool { return t.bare == utf8.RuneCountInString(t.text) }

// A statement is the tokens of one logical line: a source line, extended by
// backslash-newline continuations and by newlines inside quotes.
type statement struct {
	toks []token
}

// lexResult is the outcome of splitting a cell into statements.
type lexResult struct {
	stmts []statement
	// openQuote is the quote rune left open at the end of input, and
	// openAt its position; 0 if every quote is closed.
	openQuote rune
	openAt    token
	// dangling is the position of a backslash ending the input, or nil.
	dangling *token
	// inToken is true when the input ends inside a token (no space after
	// it): that token is the last of the last statement.
	inToken bool
	// atStatement is true when the last statement is still open at the end
	// of input (no newline after it); completion continues it.
	atStatement bool
	// inComment is true when the input ends inside a comment.
	inComment bool
}

// incomplete reports whether the input needs more lines.
func (r *lexResult) incomplete() bool { return r.openQuote != 0 || r.dangling != nil }

// lexer splits a cell into statements. It never fails: an unterminated
// quote or a final backslash is recorded in the result, and the partial
// token is kept so that completion can use it.
type lexer struct {
	rs      []rune
	lines   []int // lines[i] is the 1-based line of rune i
	cols    []int
	res     lexResult
	cur     statement
	tok     strings.Builder
	inTok   bool // a token has started
	allBare bool
	t       token
}

// lex splits src into statements; see the package documentation for the
// grammar. Offsets in the result are rune offsets into src.
func lex(src string) *lexResult {
	l := &lexer{rs: []rune(src)}
	n := len(l.rs)
	l.lines, l.cols = make([]int, n+1), make([]int, n+1)
	line, col := 1, 1
	for i, r := range l.rs {
		l.lines[i], l.cols[i] = line, col
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	l.lines[n], l.cols[n] = line, col
	l.run()
	return &l.res
}

func (l *lexer) begin(i int) {
	if !l.inTok {
		l.inTok, l.allBare = true, true
		l.t = token{start: i, line: l.lines[i], col: l.cols[i]}
		l.tok.Reset()
	}
}

func (l *lexer) add(r rune, bare bool) {
	l.tok.WriteRune(r)
	if bare && l.allBare {
		l.t.bare++
	} else {
		l.allBare = false
	}
}

func (l *lexer) flush(end int) {
	if l.inTok {
		l.t.text, l.t.end = l.tok.String(), end
		l.cur.toks = append(l.cur.toks, l.t)
		l.inTok = false
	}
}

func (l *lexer) endStatement() {
	if len(l.cur.toks) > 0 {
		l.res.stmts = append(l.res.stmts, l.cur)
	}
	l.cur = statement{}
}

func (l *lexer) run() {
	rs, n := l.rs, len(l.rs)
	i := 0
	for i < n {
		r := rs[i]
		switch {
		case r == '\n':
			l.flush(i)
			l.endStatement()
			i++
		case r == ' ' || r == '\t' || r == '\r' || r == '\f' || r == '\v':
			l.flush(i)
			i++
		case r == '#' && !l.inTok:
			for i < n && rs[i] != '\n' {
				i++
			}
			l.res.inComment = i == n
		case r == '\\':
			switch {
			case i+1 == n:
				l.res.dangling = &token{start: i, end: i + 1, line: l.lines[i], col: l.cols[i]}
				i++
			case rs[i+1] == '\n':
				i += 2 // continuation: joins the lines, even inside a word
			default:
				l.begin(i)
				l.add(rs[i+1], false)
				i += 2
			}
		case r == '"' || r == '\'':
			l.begin(i)
			l.allBare = false
			i = l.quoted(i)
		default:
			l.begin(i)
			l.add(r, true)
			i++
		}
	}
	l.res.inToken = l.inTok
	l.flush(n)
	l.res.atStatement = len(l.cur.toks) > 0
	l.endStatement()
}

// quoted reads a quoted string starting at the quote at i and returns the
// index after the closing quote. In double quotes a backslash escapes ", \,
// and newline (a continuation), and \n and \t stand for newline and tab;
// any other backslash is kept literally. Single quotes have no escapes.
func (l *lexer) quoted(i int) int {
	rs, n := l.rs, len(l.rs)
	q := rs[i]
	open := i
	i++
	for i < n {
		r := rs[i]
		switch {
		case r == q:
			return i + 1
		case r == '\\' && q == '"' && i+1 < n:
			switch e := rs[i+1]; e {
			case '"', '\\':
				l.add(e, false)
			case 'n':
				l.add('\n', false)
			case 't':
				l.add('\t', false)
			case '\n':
			default:
				l.add('\\', false)
				l.add(e, false)
			}
			i += 2
		default:
			l.add(r, false)
			i++
		}
	}
	l.res.openQuote = q
	l.res.openAt = token{start: open, end: open + 1, line: l.lines[open], col: l.cols[open]}
	l.t.open = q
	return n
}
