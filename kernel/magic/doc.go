// Package magic is the kernel's command language: it parses cells made of
// %commands, checks them against a registry of commands, runs them, and
// answers the completion, inspection and is-complete requests of Jupyter
// clients. [Mux] is the registry and implements [kernel.Interpreter].
//
// # The cell language
//
// A cell holds one command per line:
//
//	# load the NAS-Bench-201 cells and pretrain
//	%load_cells nasbench201
//	%pretrain --epochs 8 --lr=1e-3 --no-shuffle   # a trailing comment
//	%sleep 2.5
//
// The grammar, over Unicode text:
//
//	cell      = { statement | blank | comment } .
//	statement = head { word } newline .
//	head      = "%" name [ "?" | "??" ] | ( "?" | "??" ) "%" name .
//	name      = letter_ { letter_ | digit } .          (letter_ includes "_")
//	word      = { bare | "\" char | dquoted | squoted } .
//	dquoted   = `"` { char | `\"` | `\\` | `\n` | `\t` | "\" newline } `"` .
//	squoted   = "'" { char } "'" .                   (no escapes inside)
//	comment   = "#" { char } .                       (at the start of a word)
//
// Words are separated by spaces or tabs. A newline ends a statement unless
// it is inside quotes or follows a backslash (a continuation: the backslash
// and the newline disappear). Outside quotes a backslash makes the next
// character literal; inside double quotes \" \\ \n \t are escapes and any
// other backslash is kept, so Windows paths survive. A # starts a comment
// only at the start of a word: a#b is one word.
//
// Only bare (unquoted, unescaped) text is syntax. "%help" in quotes is not a
// command and "--epochs" in quotes is an argument, not a flag.
//
// # Flags and arguments
//
// After the head come flags and positional arguments, in any order:
//
//	--name value     --name=value      a flag with a value
//	--name           --no-name         a Bool flag (switch) on or off
//	-n value         -n=value          a flag with a one-letter alias
//	--                                 ends flags: the rest are arguments
//
// A value may start with a dash (--lr -0.5), and a word such as -3 is an
// argument, not a flag. Values are checked against the [Kind] of their flag
// or argument (String, Int, Float, Bool, Duration, Enum).
//
// # Running a cell
//
// The whole cell is parsed and checked before anything runs; a mistake
// anywhere is a [UsageError] pointing at the offending word (line, column
// and a caret line in the traceback), with a "did you mean" suggestion for
// misspelt commands, flags and enum values. Then the commands run in order,
// and the first error stops the cell. The value a command sets with
// [Call.Result] becomes the cell's result (Out[n]) if it is the last
// command, and is displayed otherwise.
//
// %name? (or ?%name, %name??) shows the command's help in the pager, as a
// page payload, without running it; the rest of its line is ignored.
//
// # Registering commands
//
// Commands are values of type [Command], registered once at start-up:
//
//	mux := magic.NewMux(info)
//	mux.Handle(&magic.Command{
//		Name:    "pretrain",
//		Summary: "Train the GIN-VAE on the loaded cells",
//		Flags:   []magic.Flag{{Name: "epochs", Kind: magic.Int, Default: "8", Help: "training epochs"}},
//		Run: func(ctx context.Context, call *magic.Call) error {
//			epochs := call.Int("epochs")
//			…
//		},
//	})
//
// Handle panics on an invalid definition or a duplicate name (a programmer
// error, like net/http.ServeMux.Handle). The built-in commands are %help,
// %lsmagic, %history, %sleep, %echo, %clear and %demo.
//
// # Errors and panics
//
// User input never panics: bad cells give a UsageError, which implements
// kernel.Error with the name "UsageError". Errors returned by commands are
// passed through unchanged for the kernel core to report. Panics in commands
// are not recovered here; the core recovers them per request.
package magic
