package magic

import (
	"context"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/display/displaytest"
)

// FuzzParseCell checks that no cell makes the parser, completion,
// inspection or is_complete panic, that usage errors point inside the
// cell, and that a cell that lexes cleanly lexes to the same words once
// they are re-quoted.
func FuzzParseCell(f *testing.F) {
	for _, seed := range []string{
		"% ", `"`, "'", `\`, "%sleep 1 \\", "%echo \"a\nb\"", "%pretrain --epochs=3 --no-shuffle nasbench101 # c",
		"?%sleep", "%sleep??", "%%time", "κλμ %echo 🎉 'ü'", "%echo -- --to x", "%help\t%pretrain\r\n%lsmagic",
		"%pretrain -o", "--", "#", "%echo \\\n", "\x00%echo\xff", "%echo \"\\", "%history -n=",
	} {
		f.Add(seed)
	}
	m := testMux(new(*Call))
	f.Fuzz(func(t *testing.T, code string) {
		lx := lex(code)
		n := utf8.RuneCountInString(code)
		if !lx.incomplete() {
			for _, st := range lx.stmts {
				var line string
				for _, tok := range st.toks {
					if tok.start < 0 || tok.end > n || tok.start > tok.end {
						t.Fatalf("token %+v outside the cell (%d runes)", tok, n)
					}
					line += Quote(tok.text) + " "
				}
				again := lex(line)
				if len(again.stmts) != 1 || len(again.stmts[0].toks) != len(st.toks) {
					t.Fatalf("re-quoted %q lexes to %s, from %s", line, render(again), render(lx))
				}
				for i, tok := range again.stmts[0].toks {
					if tok.text != st.toks[i].text {
						t.Fatalf("re-quoted word %d: %q, want %q", i, tok.text, st.toks[i].text)
					}
				}
			}
		}
		_, err := m.compileCell(code)
		var ue *UsageError
		if err != nil && !errors.As(err, &ue) {
			t.Fatalf("compileCell error %v is not a UsageError", err)
		}
		if ue != nil {
			if ue.Line < 1 || ue.Column < 1 || ue.Width < 1 || ue.Msg == "" {
				t.Fatalf("usage error at %d:%d width %d: %q", ue.Line, ue.Column, ue.Width, ue.Msg)
			}
			_ = ue.Traceback()
		}
		m.IsComplete(code)
		for _, cursor := range []int{0, n / 2, n} {
			if _, err := m.Complete(context.Background(), code, cursor); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Inspect(context.Background(), code, cursor, 0); err != nil {
				t.Fatal(err)
			}
		}
		// Cells of harmless commands only: run them.
		if err == nil && n < 200 {
			safe := true
			for _, st := range lx.stmts {
				if h, _ := parseHead(st.toks[0]); h.name == "sleep" || h.name == "pretrain" {
					safe = false
				}
			}
			if safe {
				_, _ = m.Execute(context.Background(), &kernel.ExecuteRequest{Code: code}, &displaytest.Recorder{})
			}
		}
	})
}
