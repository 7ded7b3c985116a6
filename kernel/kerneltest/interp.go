package kerneltest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Interp is a toy [kernel.Interpreter] for protocol tests. Each line of a
// cell is one command:
//
//	echo TEXT          stream TEXT to stdout (stderr TEXT: to stderr)
//	spam N             N one-character stdout writes
//	result TEXT        return TEXT as the cell value (execute_result)
//	error MSG          fail with a kernel.Error named "TestError"
//	fail MSG           fail with a plain error
//	panic MSG          panic
//	sleep DURATION     wait, or return early when interrupted
//	display ID TEXT    display TEXT with display id ID ("-" for none)
//	update ID TEXT     update display ID to TEXT
//	clear [wait]       clear the output
//	input PROMPT       ask for a line on stdin and echo "got: LINE"
//	page TEXT          return a page payload
//
// Completion offers the command names matching the word before the
// cursor (completing "panic!" panics); inspection finds them too. A cell
// ending in ":" is incomplete.
type Interp struct{}

var _ kernel.Interpreter = Interp{}

// Commands are the command names Interp knows, for completion.
var Commands = []string{"echo", "stderr", "spam", "result", "error", "fail", "panic",
	"sleep", "display", "update", "clear", "input", "page"}

// Info implements [kernel.Interpreter].
func (Interp) Info() kernel.Info {
	return kernel.Info{
		Implementation:        "kerneltest",
		ImplementationVersion: "0.1",
		Banner:                "kerneltest toy language",
		Language: kernel.LanguageInfo{
			Name: "kerneltest", Version: "0.1", MIMEType: "text/plain", FileExtension: ".txt",
		},
	}
}

// TestError is the error the "error" command returns.
type TestError struct{ Msg string }

// Error returns the message.
func (e *TestError) Error() string { return e.Msg }

// ErrorName returns "TestError", the ename the core reports.
func (e *TestError) ErrorName() string { return "TestError" }

// Traceback returns a fixed two-line traceback, so tests can check that the
// core passes an error's own traceback through.
func (e *TestError) Traceback() []string { return []string{"TestError: " + e.Msg, "  at line 1"} }

// Execute implements [kernel.Interpreter].
func (Interp) Execute(ctx context.Context, req *kernel.ExecuteRequest, out kernel.Output) (*kernel.ExecuteResult, error) {
	res := &kernel.ExecuteResult{}
	for _, line := range strings.Split(req.Code, "\n") {
		cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		var err error
		switch cmd {
		case "":
		case "echo":
			err = out.Stream("stdout", arg)
		case "stderr":
			err = out.Stream("stderr", arg)
		case "spam":
			n, _ := strconv.Atoi(arg)
			for i := 0; i < n && err == nil; i++ {
				err = out.Stream("stdout", "x")
			}
		case "result":
			res.Value = &wire.MIMEBundle{Data: map[string]any{"text/plain": arg}}
		case "error":
			return nil, &TestError{arg}
		case "fail":
			return nil, errors.New(arg)
		case "panic":
			panic(arg)
		case "sleep":
			d, perr := time.ParseDuration(arg)
			if perr != nil {
				return nil, perr
			}
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return nil, fmt.Errorf("sleep: %w", context.Cause(ctx))
			}
		case "display", "update":
			id, text, _ := strings.Cut(arg, " ")
			if id == "-" {
				id = ""
			}
			b := wire.MIMEBundle{Data: map[string]any{"text/plain": text}}
			if cmd == "display" {
				err = out.Display(b, id)
			} else {
				err = out.UpdateDisplay(b, id)
			}
		case "clear":
			err = out.Clear(arg == "wait")
		case "input":
			var v string
			if v, err = out.Input(ctx, arg, false); err == nil {
				err = out.Stream("stdout", "got: "+v)
			}
		case "page":
			res.Payload = append(res.Payload, map[string]any{
				"source": "page", "data": map[string]any{"text/plain": arg}, "start": 0})
		default:
			return nil, fmt.Errorf("unknown command %q", cmd)
		}
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

// wordAt returns the rune offsets of the word ending at cursor.
func wordAt(code string, cursor int) (start int, word string) {
	runes := []rune(code)
	cursor = max(0, min(cursor, len(runes)))
	start = cursor
	for start > 0 && runes[start-1] != ' ' && runes[start-1] != '\n' {
		start--
	}
	return start, string(runes[start:cursor])
}

// Complete implements [kernel.Interpreter].
func (Interp) Complete(_ context.Context, code string, cursor int) (*kernel.Completion, error) {
	if code == "panic!" {
		panic("completion panicked")
	}
	start, word := wordAt(code, cursor)
	c := &kernel.Completion{CursorStart: start, CursorEnd: start + utf8.RuneCountInString(word)}
	for _, name := range Commands {
		if strings.HasPrefix(name, word) {
			c.Matches = append(c.Matches, name)
		}
	}
	return c, nil
}

// Inspect implements [kernel.Interpreter].
func (Interp) Inspect(_ context.Context, code string, cursor, _ int) (*kernel.Inspection, error) {
	_, word := wordAt(code, cursor)
	for _, name := range Commands {
		if name == word {
			return &kernel.Inspection{Found: true,
				Data: wire.MIMEBundle{Data: map[string]any{"text/plain": "command " + name}}}, nil
		}
	}
	return &kernel.Inspection{}, nil
}

// IsComplete implements [kernel.Interpreter].
func (Interp) IsComplete(code string) kernel.Completeness {
	switch {
	case strings.HasSuffix(strings.TrimSpace(code), ":"):
		return kernel.Completeness{Status: "incomplete", Indent: "  "}
	case strings.HasPrefix(code, "!!"):
		return kernel.Completeness{Status: "invalid"}
	}
	return kernel.Completeness{Status: "complete"}
}
