package magic

import (
	"fmt"
	"strings"
	"testing"
)

// render shows the statements of a lex result compactly: statements
// separated by " | ", each token as text@line:col, with ~bare when not all
// bare.
func render(r *lexResult) string {
	var stmts []string
	for _, st := range r.stmts {
		var toks []string
		for _, t := range st.toks {
			s := fmt.Sprintf("%q@%d:%d", t.text, t.line, t.col)
			if !t.isBare() {
				s += fmt.Sprintf("~%d", t.bare)
			}
			toks = append(toks, s)
		}
		stmts = append(stmts, strings.Join(toks, " "))
	}
	out := strings.Join(stmts, " | ")
	if r.openQuote != 0 {
		out += fmt.Sprintf(" OPEN(%c@%d:%d)", r.openQuote, r.openAt.line, r.openAt.col)
	}
	if r.dangling != nil {
		out += fmt.Sprintf(" DANGLING@%d:%d", r.dangling.line, r.dangling.col)
	}
	return out
}

func TestLex(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty", "", ""},
		{"blank lines", "\n  \n\t\n", ""},
		{"one command", "%sleep 2", `"%sleep"@1:1 "2"@1:8`},
		{"two lines", "%a x\n  %b  y z\n", `"%a"@1:1 "x"@1:4 | "%b"@2:3 "y"@2:7 "z"@2:9`},
		{"crlf", "%a x\r\n%b\r\n", `"%a"@1:1 "x"@1:4 | "%b"@2:1`},
		{"comment line", "# hi\n%a # trailing\n", `"%a"@2:1`},
		{"hash inside word", "%a b#c", `"%a"@1:1 "b#c"@1:4`},
		{"hash in quotes", `%a "# not a comment"`, `"%a"@1:1 "# not a comment"@1:4~0`},
		{"double quotes", `%a "x y" z`, `"%a"@1:1 "x y"@1:4~0 "z"@1:10`},
		{"single quotes literal", `%a 'it\s "raw"'`, `"%a"@1:1 "it\\s \"raw\""@1:4~0`},
		{"escapes in double quotes", `%a "q\"b\\s\n\t\d"`, `"%a"@1:1 "q\"b\\s\n\t\\d"@1:4~0`},
		{"escape outside quotes", `%a x\ y \-\-z`, `"%a"@1:1 "x y"@1:4~1 "--z"@1:9~0`},
		{"flag with quoted value", `%a --name="a b"`, `"%a"@1:1 "--name=a b"@1:4~7`},
		{"empty quotes", `%a "" ''`, `"%a"@1:1 ""@1:4 ""@1:7`},
		{"continuation", "%a x \\\n  y", `"%a"@1:1 "x"@1:4 "y"@2:3`},
		{"continuation in word", "%a ab\\\ncd", `"%a"@1:1 "abcd"@1:4`},
		{"newline in quotes", "%a \"x\ny\" z\n%b", `"%a"@1:1 "x\ny"@1:4~0 "z"@2:4 | "%b"@3:1`},
		{"unicode columns", "%a κλμ \"ü\" 🎉", `"%a"@1:1 "κλμ"@1:4 "ü"@1:8~0 "🎉"@1:12`},
		{"lone percent", "% ", `"%"@1:1`},
		{"open double quote", `%a "abc`, `"%a"@1:1 "abc"@1:4~0 OPEN("@1:4)`},
		{"open single quote", "%a 'x\ny", `"%a"@1:1 "x\ny"@1:4~0 OPEN('@1:4)`},
		{"lone quote", `"`, `""@1:1 OPEN("@1:1)`},
		{"trailing backslash", `%a x \`, `"%a"@1:1 "x"@1:4 DANGLING@1:6`},
		{"backslash then escape at end", `%a "x\`, `"%a"@1:1 "x\\"@1:4~0 OPEN("@1:4)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(lex(tc.src)); got != tc.want {
				t.Errorf("lex(%q)\n got %s\nwant %s", tc.src, got, tc.want)
			}
		})
	}
}

func TestLexCursorState(t *testing.T) {
	tests := []struct {
		src                             string
		inToken, atStatement, inComment bool
	}{
		{"", false, false, false},
		{"%sl", true, true, false},
		{"%sleep ", false, true, false},
		{"%sleep 1\n", false, false, false},
		{"%sleep 1 # c", false, true, true},
		{`%a "x y`, true, true, false},
	}
	for _, tc := range tests {
		r := lex(tc.src)
		if r.inToken != tc.inToken || r.atStatement != tc.atStatement || r.inComment != tc.inComment {
			t.Errorf("lex(%q): inToken, atStatement, inComment = %v, %v, %v, want %v, %v, %v",
				tc.src, r.inToken, r.atStatement, r.inComment, tc.inToken, tc.atStatement, tc.inComment)
		}
	}
}

func TestQuoteRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "a b", `q"uote`, `back\slash`, "new\nline", "tab\t", "#hash", "it's", "κ λ"} {
		r := lex("%x " + Quote(s))
		if len(r.stmts) != 1 || len(r.stmts[0].toks) != 2 || r.stmts[0].toks[1].text != s {
			t.Errorf("Quote(%q) = %s does not lex back: %s", s, Quote(s), render(r))
		}
	}
}
