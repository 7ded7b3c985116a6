package magic

import (
	"fmt"
	"slices"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Call is one run of a command: its checked flags and arguments, the
// Output of the cell, and helpers to show things. A Call is valid only
// during the command's Run; its Output must not be used afterwards.
//
// The typed accessors (String, Int, Float, Bool, Duration, Strings) take the
// name of a flag or argument as declared and return its value, or its
// default when the user left it out. They panic if the command declares no
// such flag or argument, or declares it with another kind: that is a
// programmer error, found by the first test that runs the command.
type Call struct {
	// Command is the command being run.
	Command *Command
	// Out is the cell's output sink.
	Out kernel.Output
	// Request is the execute request of the cell.
	Request *kernel.ExecuteRequest
	// Line is the source text of this command, e.g. "%sleep 2".
	Line string
	// LineNo is the 1-based line of the cell where the command starts.
	LineNo int

	spec   *spec
	src    source
	head   token
	vals   map[string]any   // by flag or argument name
	given  map[string]token // where the user gave each flag or argument
	args   []string         // positional words as written
	rest   []string         // the words taken by the variadic argument
	result *wire.MIMEBundle
}

// get returns the value of the named parameter, checking its kind.
func (c *Call) get(name string, kinds ...Kind) any {
	p, ok := c.spec.params[name]
	if !ok {
		panic(fmt.Sprintf("magic: %%%s has no flag or argument %q", c.Command.Name, name))
	}
	if !slices.Contains(kinds, p.kind) || (p.arg != nil && p.arg.Variadic) {
		panic(fmt.Sprintf("magic: %%%s: %q is a %s parameter (variadic: %v), read with another accessor",
			c.Command.Name, name, p.kind, p.arg != nil && p.arg.Variadic))
	}
	return c.vals[name]
}

// String returns the value of a String or Enum flag or argument.
func (c *Call) String(name string) string { return c.get(name, String, Enum).(string) }

// Int returns the value of an Int flag or argument.
func (c *Call) Int(name string) int { return c.get(name, Int).(int) }

// Float returns the value of a Float flag or argument.
func (c *Call) Float(name string) float64 { return c.get(name, Float).(float64) }

// Bool returns the value of a Bool flag or argument.
func (c *Call) Bool(name string) bool { return c.get(name, Bool).(bool) }

// Duration returns the value of a Duration flag or argument.
func (c *Call) Duration(name string) time.Duration { return c.get(name, Duration).(time.Duration) }

// Strings returns the words taken by the variadic argument name, as
// written (each already checked against the argument's kind), or nil. It
// panics if name is not the command's variadic argument.
func (c *Call) Strings(name string) []string {
	p, ok := c.spec.params[name]
	if !ok || p.arg == nil || !p.arg.Variadic {
		panic(fmt.Sprintf("magic: %%%s has no variadic argument %q", c.Command.Name, name))
	}
	return slices.Clone(c.rest)
}

// IsSet reports whether the user gave the named flag or argument, as
// opposed to it taking its default.
func (c *Call) IsSet(name string) bool {
	_, ok := c.given[name]
	return ok
}

// Arg returns the i-th positional word as written (0-based), or "" if there
// are fewer.
func (c *Call) Arg(i int) string {
	if i < 0 || i >= len(c.args) {
		return ""
	}
	return c.args[i]
}

// NArg returns the number of positional words.
func (c *Call) NArg() int { return len(c.args) }

// Printf writes formatted text to the cell's standard output.
func (c *Call) Printf(format string, args ...any) error {
	return c.Out.Stream("stdout", fmt.Sprintf(format, args...))
}

// Println writes its operands and a newline to the cell's standard output.
func (c *Call) Println(args ...any) error { return c.Out.Stream("stdout", fmt.Sprintln(args...)) }

// Display shows a bundle now, as display_data.
func (c *Call) Display(b wire.MIMEBundle) error { return c.Out.Display(b, "") }

// Result sets the command's value. If the command is the last of its cell,
// the value becomes the cell's result (execute_result, Out[n]); otherwise it
// is displayed when the command returns. A later call replaces it.
func (c *Call) Result(b wire.MIMEBundle) { c.result = &b }

// Progress returns a progress display bound to the cell's output. Call
// its Finish before the command returns.
func (c *Call) Progress(cfg display.ProgressConfig) *display.Progress {
	return display.NewProgress(c.Out, cfg)
}

// Usagef returns a UsageError for a bad flag or argument value found by the
// command itself (a check the specification cannot express, such as a
// range). The error points at where the user gave name, or at the command
// name if the user left it out or name is "".
func (c *Call) Usagef(name, format string, args ...any) *UsageError {
	t, ok := c.given[name]
	if !ok {
		t = c.head
	}
	return withCommand(c.src.errAt(t, format, args...), c.Command)
}
