package magic

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestBind(t *testing.T) {
	tests := []struct {
		name, code string
		check      func(c *Call) bool
	}{
		{"defaults", "%pretrain nasbench201", func(c *Call) bool {
			return c.Int("epochs") == 8 && c.Float("lr") == 1e-3 && c.Bool("shuffle") &&
				c.Duration("timeout") == 30*time.Second && c.String("optimizer") == "adam" &&
				c.String("out") == "" && !c.IsSet("epochs") && c.IsSet("cells") && c.Strings("files") == nil
		}},
		{"space and equals", "%pretrain --epochs 3 --lr=0.5 nasbench101", func(c *Call) bool {
			return c.Int("epochs") == 3 && c.Float("lr") == 0.5 && c.String("cells") == "nasbench101" && c.IsSet("epochs")
		}},
		{"switch off", "%pretrain --no-shuffle nasbench101", func(c *Call) bool { return !c.Bool("shuffle") }},
		{"switch value", "%pretrain --shuffle=false nasbench101", func(c *Call) bool { return !c.Bool("shuffle") }},
		{"negative value", "%pretrain --lr -0.5 nasbench101", func(c *Call) bool { return c.Float("lr") == -0.5 }},
		{"duration seconds", "%pretrain --timeout 1.5 nasbench101", func(c *Call) bool { return c.Duration("timeout") == 1500*time.Millisecond }},
		{"duration go", "%pretrain --timeout=1m30s nasbench101", func(c *Call) bool { return c.Duration("timeout") == 90*time.Second }},
		{"short flag", "%pretrain -o model.json nasbench101", func(c *Call) bool { return c.String("out") == "model.json" }},
		{"short flag equals", "%pretrain -o=m.json nasbench101", func(c *Call) bool { return c.String("out") == "m.json" }},
		{"quoted value", `%pretrain --out "my model.json" nasbench101`, func(c *Call) bool { return c.String("out") == "my model.json" }},
		{"variadic", "%pretrain nasbench101 a.json 'b c.json' -- --x", func(c *Call) bool {
			f := c.Strings("files")
			return len(f) == 3 && f[1] == "b c.json" && f[2] == "--x" && c.NArg() == 4 && c.Arg(0) == "nasbench101" && c.Arg(9) == ""
		}},
		{"flags after args", "%pretrain nasbench101 --epochs 1", func(c *Call) bool { return c.Int("epochs") == 1 }},
		{"quoted flag is an argument", `%pretrain nasbench101 "--epochs"`, func(c *Call) bool { return c.Strings("files")[0] == "--epochs" }},
		{"continuation", "%pretrain \\\n  --epochs 2 \\\n  nasbench101", func(c *Call) bool { return c.Int("epochs") == 2 && c.LineNo == 1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *Call
			m := testMux(&got)
			if _, _, err := run(t, m, tc.code); err != nil {
				t.Fatalf("Execute(%q): %v", tc.code, err)
			}
			if got == nil || !tc.check(got) {
				t.Errorf("Execute(%q): wrong values %v", tc.code, got.vals)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name, code string
		line, col  int
		msg        string // substring of the message
	}{
		{"not a command", "print(1)", 1, 1, `expected a %command, found "print(1)"`},
		{"quoted command", `"%sleep" 1`, 1, 1, "expected a %command"},
		{"missing percent", "%echo x\nsleep 1", 2, 1, `expected a %command, found "sleep"; did you mean %sleep?`},
		{"lone percent", "% ", 1, 1, "missing command name after %"},
		{"cell magic", "%%time", 1, 1, "cell commands (%%time) are not supported"},
		{"bad name", "%sl-eep", 1, 1, `invalid command name "%sl-eep"`},
		{"unknown command suggestion", "\n  %pretrian x", 2, 3, "unknown command %pretrian; did you mean %pretrain?"},
		{"unknown command", "%zzzzzz", 1, 1, "unknown command %zzzzzz (type %help for the list)"},
		{"second line checked first", "%sleep 0\n%slep 1", 2, 1, "did you mean %sleep?"},
		{"unknown flag", "%pretrain --epoch 3 nasbench101", 1, 11, "unknown flag --epoch for %pretrain; did you mean --epochs?"},
		{"unknown short", "%pretrain -x nasbench101", 1, 11, "unknown flag -x"},
		{"bad int", "%pretrain --epochs x nasbench101", 1, 20, `flag --epochs: invalid int "x"`},
		{"bad int equals", "%pretrain --epochs=3.5 nasbench101", 1, 11, `flag --epochs: invalid int "3.5"`},
		{"bad float", "%pretrain --lr=fast nasbench101", 1, 11, `flag --lr: invalid number "fast"`},
		{"nan float", "%pretrain --lr NaN nasbench101", 1, 16, `invalid number "NaN"`},
		{"bad bool", "%pretrain --shuffle=maybe nasbench101", 1, 11, `invalid bool "maybe"`},
		{"negated with value", "%pretrain --no-shuffle=true nasbench101", 1, 11, "flag --no-shuffle takes no value"},
		{"bad duration", "%pretrain --timeout soon nasbench101", 1, 21, `invalid duration "soon"`},
		{"bad enum", "%pretrain --optimizer adamw nasbench101", 1, 23, `invalid value "adamw" (want one of adam, sgd); did you mean "adam"?`},
		{"bad enum arg", "%pretrain nasbench210", 1, 11, `argument CELLS: invalid value "nasbench210"`},
		{"missing value", "%pretrain nasbench101 --epochs", 1, 23, "flag --epochs needs a value (N)"},
		{"flag as value", "%pretrain --out --epochs 3 nasbench101", 1, 11, "flag --out needs a value (FILE)"},
		{"given twice", "%pretrain --epochs 1 --epochs=2 nasbench101", 1, 22, "flag --epochs given twice (first in column 11)"},
		{"missing argument", "%pretrain --epochs 1", 1, 21, "missing argument CELLS"},
		{"too many", "%sleep 1 2", 1, 10, `unexpected argument "2": %sleep takes 1`},
		{"no arguments", "%lsmagic x", 1, 10, "%lsmagic takes no arguments"},
		{"unterminated quote", "%sleep \"1", 1, 8, "unterminated double quote"},
		{"dangling backslash", "%sleep 1 \\", 1, 10, "backslash at the end of the cell"},
		{"unicode column", "%echo κλμ --tto x", 1, 11, "did you mean --to?"},
		{"run-time check", "%pretrain --lr 2 nasbench101", 1, 16, "learning rate 2 is too large"},
		{"sleep range", "%sleep -1", 1, 8, "between 0 and 86400"},
		{"help unknown", "%help pretrin", 1, 7, "unknown command %pretrin; did you mean %pretrain?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *Call
			m := testMux(&got)
			_, _, err := run(t, m, tc.code)
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("Execute(%q) error = %v, want a UsageError", tc.code, err)
			}
			if ue.Line != tc.line || ue.Column != tc.col || !strings.Contains(ue.Msg, tc.msg) {
				t.Errorf("Execute(%q) = %d:%d %q, want %d:%d containing %q", tc.code, ue.Line, ue.Column, ue.Msg, tc.line, tc.col, tc.msg)
			}
			if ue.ErrorName() != "UsageError" || !strings.HasPrefix(ue.Error(), "line ") {
				t.Errorf("ErrorName, Error = %q, %q", ue.ErrorName(), ue.Error())
			}
		})
	}
}

func TestUsageErrorTraceback(t *testing.T) {
	var got *Call
	m := testMux(&got)
	_, _, err := run(t, m, "%sleep 0\n%pretrain\t--epochs xx nasbench101")
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("error %v, want UsageError", err)
	}
	want := []string{
		"\x1b[31m\x1b[1mUsageError\x1b[0m: flag --epochs: invalid int \"xx\" (want a whole number such as 8)",
		"  2 | %pretrain\t--epochs xx nasbench101",
		"    |          \t         \x1b[31m^~\x1b[0m",
		"usage: %pretrain [flags] CELLS [FILES...]",
		"(type %pretrain? for help)",
	}
	if tb := ue.Traceback(); strings.Join(tb, "\n") != strings.Join(want, "\n") {
		t.Errorf("traceback:\n%s\nwant:\n%s", strings.Join(tb, "\n"), strings.Join(want, "\n"))
	}
	if got != nil {
		t.Error("a command ran although the cell had a usage error")
	}
}

func TestHandlePanics(t *testing.T) {
	ok := func() *Command {
		return &Command{Name: "ok", Summary: "s", Run: pretrainCmd(new(*Call)).Run}
	}
	tests := []struct {
		name string
		edit func(c *Command)
	}{
		{"bad name", func(c *Command) { c.Name = "9x" }},
		{"nil run", func(c *Command) { c.Run = nil }},
		{"no summary", func(c *Command) { c.Summary = "" }},
		{"two-line summary", func(c *Command) { c.Summary = "a\nb" }},
		{"duplicate", func(c *Command) { c.Name = "sleep" }},
		{"bad flag name", func(c *Command) { c.Flags = []Flag{{Name: "Epochs"}} }},
		{"dup flag", func(c *Command) { c.Flags = []Flag{{Name: "a"}, {Name: "a"}} }},
		{"flag arg clash", func(c *Command) { c.Flags = []Flag{{Name: "a"}}; c.Args = []Arg{{Name: "a"}} }},
		{"enum without values", func(c *Command) { c.Flags = []Flag{{Name: "a", Kind: Enum}} }},
		{"values without enum", func(c *Command) { c.Flags = []Flag{{Name: "a", Values: []string{"x"}}} }},
		{"bad default", func(c *Command) { c.Flags = []Flag{{Name: "a", Kind: Int, Default: "x"}} }},
		{"enum default", func(c *Command) { c.Flags = []Flag{{Name: "a", Kind: Enum, Values: []string{"x"}, Default: "y"}} }},
		{"bad kind", func(c *Command) { c.Flags = []Flag{{Name: "a", Kind: Kind(42)}} }},
		{"bad short", func(c *Command) { c.Flags = []Flag{{Name: "a", Short: "ab"}} }},
		{"dup short", func(c *Command) { c.Flags = []Flag{{Name: "a", Short: "x"}, {Name: "b", Short: "x"}} }},
		{"negation clash", func(c *Command) { c.Flags = []Flag{{Name: "v", Kind: Bool}, {Name: "no-v"}} }},
		{"variadic not last", func(c *Command) { c.Args = []Arg{{Name: "a", Variadic: true}, {Name: "b"}} }},
		{"required after optional", func(c *Command) { c.Args = []Arg{{Name: "a", Optional: true}, {Name: "b"}} }},
		{"required default", func(c *Command) { c.Args = []Arg{{Name: "a", Default: "x"}} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMux(testMux(new(*Call)).Info())
			c := ok()
			tc.edit(c)
			defer func() {
				if recover() == nil {
					t.Errorf("Handle did not panic")
				}
			}()
			m.Handle(c)
		})
	}
	NewMux(testMux(new(*Call)).Info()).Handle(ok()) // the unedited command is valid
}

func TestAccessorPanics(t *testing.T) {
	var got *Call
	m := testMux(&got)
	if _, _, err := run(t, m, "%pretrain nasbench101"); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(){
		"unknown":        func() { got.Int("nope") },
		"wrong kind":     func() { got.Int("lr") },
		"variadic":       func() { got.String("files") },
		"not variadic":   func() { got.Strings("cells") },
		"unknown string": func() { got.String("x") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}
