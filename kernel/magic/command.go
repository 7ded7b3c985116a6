package magic

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is the type of a flag's or argument's value.
type Kind int

// The kinds of values. The zero Kind is String.
const (
	String   Kind = iota // any text
	Int                  // a decimal integer, e.g. 8 or -3
	Float                // a finite number, e.g. 0.5, 1e-3
	Bool                 // a switch: --name, --no-name, --name=true|false
	Duration             // a Go duration (1m30s, 250ms) or a number of seconds
	Enum                 // one of Values
)

var kindNames = [...]string{"string", "int", "float", "bool", "duration", "enum"}

// String returns the kind's name as shown in help, e.g. "int".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// meta is the default placeholder for a value of kind k in help.
func (k Kind) meta() string {
	switch k {
	case Int:
		return "N"
	case Float:
		return "X"
	case Duration:
		return "D"
	}
	return "S"
}

// Command is one %command: its name, its help and its parameters, and the
// function that runs it. Commands are registered with [Mux.Handle] and must
// not be modified afterwards.
type Command struct {
	// Name is the command's name without the %, e.g. "pretrain": letters,
	// digits and underscores, not starting with a digit.
	Name string
	// Summary is a one-line description shown in the %help table.
	Summary string
	// Doc is the longer help shown by %name? and %help NAME: what the
	// command does and what it prints or returns. Paragraphs are separated
	// by blank lines.
	Doc string
	// Example holds one or more example lines, e.g. "%sleep 2".
	Example string
	// Args are the positional arguments, in order.
	Args []Arg
	// Flags are the named options.
	Flags []Flag
	// Run executes the command. The cell's flags and arguments have been
	// checked against the specification before Run is called. ctx is
	// cancelled when the user interrupts the kernel: long work must then
	// return promptly with an error wrapping context.Cause(ctx).
	Run func(ctx context.Context, call *Call) error
}

// Arg is a positional argument.
type Arg struct {
	// Name is the argument's key for the Call accessors, lower case (e.g.
	// "seconds"); help shows it in upper case (SECONDS).
	Name string
	// Help is a short description.
	Help string
	// Kind is the type of the value; the zero value is String.
	Kind Kind
	// Values are the allowed values of an Enum argument.
	Values []string
	// Optional arguments may be left out; they must follow the required
	// ones. Default is then used.
	Optional bool
	// Default is the value of an optional argument left out, written as a
	// user would type it; "" means the kind's zero value.
	Default string
	// Variadic marks the last argument as taking all remaining words (at
	// least one unless Optional). Read them with [Call.Strings].
	Variadic bool
	// Complete, if set, proposes values starting with prefix for
	// completion (file names, names of loaded data sets). Enum values are
	// proposed without it.
	Complete func(prefix string) []string
}

// Flag is a named option: --name value, --name=value or, for Bool flags,
// the switches --name and --no-name.
type Flag struct {
	// Name is the flag's name without dashes, lower case, e.g. "epochs";
	// it is also its key for the Call accessors.
	Name string
	// Short is an optional one-letter alias used with one dash, e.g. "n"
	// for -n 10.
	Short string
	// Kind is the type of the value; the zero value is String.
	Kind Kind
	// Default is the value when the flag is not given, written as a user
	// would type it ("8", "1e-3", "30s"); "" means the kind's zero value.
	Default string
	// Help is a short description.
	Help string
	// Values are the allowed values of an Enum flag.
	Values []string
	// Meta is the placeholder for the value in help, e.g. "FILE"; ""
	// chooses one from Kind (N, X, D, S, or the enum values).
	Meta string
	// Complete, if set, proposes values starting with prefix for
	// completion; Enum values are proposed without it.
	Complete func(prefix string) []string
}

// placeholder returns the flag's value placeholder for help.
func (f *Flag) placeholder() string {
	switch {
	case f.Meta != "":
		return f.Meta
	case f.Kind == Enum:
		return "{" + strings.Join(f.Values, "|") + "}"
	}
	return f.Kind.meta()
}

var (
	commandName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	paramName   = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
)

// param is what a flag and an argument have in common: a typed value.
type param struct {
	kind   Kind
	values []string
	def    string
	flag   *Flag // nil for an argument
	arg    *Arg  // nil for a flag
}

// spec is a registered command with its parameters indexed.
type spec struct {
	cmd    *Command
	params map[string]*param // by flag or argument name
	short  map[string]*Flag
}

// compile checks a command's definition and indexes it. It panics on an
// invalid definition: these are programmer errors found at start-up.
func compile(c *Command) *spec {
	if c == nil {
		panic("magic: Handle of nil command")
	}
	fail := func(format string, args ...any) {
		panic(fmt.Sprintf("magic: command %%%s: %s", c.Name, fmt.Sprintf(format, args...)))
	}
	if !commandName.MatchString(c.Name) {
		fail("invalid name (want letters, digits, underscores)")
	}
	if c.Run == nil {
		fail("nil Run")
	}
	if c.Summary == "" || strings.ContainsAny(c.Summary, "\n\r") {
		fail("Summary must be one non-empty line")
	}
	s := &spec{cmd: c, params: map[string]*param{}, short: map[string]*Flag{}}
	check := func(what, name string, kind Kind, values []string, def string) *param {
		if !paramName.MatchString(name) {
			fail("%s %q: invalid name (want lower-case letters, digits, - and _)", what, name)
		}
		if _, dup := s.params[name]; dup {
			fail("%s %q: name used twice", what, name)
		}
		if kind < String || kind > Enum {
			fail("%s %q: invalid kind %d", what, name, kind)
		}
		if (kind == Enum) != (len(values) > 0) {
			fail("%s %q: Values must be set for Enum and only for Enum", what, name)
		}
		p := &param{kind: kind, values: values, def: def}
		if def != "" {
			if _, msg := p.parse(def); msg != "" {
				fail("%s %q: default: %s", what, name, msg)
			}
		}
		s.params[name] = p
		return p
	}
	for i := range c.Flags {
		f := &c.Flags[i]
		check("flag", f.Name, f.Kind, f.Values, f.Default).flag = f
		if f.Short != "" {
			if len(f.Short) != 1 || !paramName.MatchString(f.Short) {
				fail("flag %q: Short %q is not one lower-case letter", f.Name, f.Short)
			}
			if _, dup := s.short[f.Short]; dup {
				fail("flag %q: short name -%s used twice", f.Name, f.Short)
			}
			s.short[f.Short] = f
		}
	}
	for i := range c.Flags {
		if f := &c.Flags[i]; f.Kind == Bool {
			if p, ok := s.params["no-"+f.Name]; ok && p.flag != nil {
				fail("flag %q clashes with the negation of bool flag %q", "no-"+f.Name, f.Name)
			}
		}
	}
	optional := false
	for i := range c.Args {
		a := &c.Args[i]
		check("argument", a.Name, a.Kind, a.Values, a.Default).arg = a
		if a.Variadic && i != len(c.Args)-1 {
			fail("argument %q: only the last argument may be variadic", a.Name)
		}
		if optional && !a.Optional {
			fail("argument %q: a required argument follows an optional one", a.Name)
		}
		if a.Default != "" && !a.Optional {
			fail("argument %q: a required argument has a default", a.Name)
		}
		optional = optional || a.Optional
	}
	return s
}

// parse converts text to the param's kind. On failure it returns a message
// such as `invalid int "x"`.
func (p *param) parse(text string) (any, string) {
	switch p.kind {
	case Int:
		v, err := strconv.Atoi(text)
		if err != nil {
			return nil, fmt.Sprintf("invalid int %q (want a whole number such as 8)", text)
		}
		return v, ""
	case Float:
		v, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Sprintf("invalid number %q (want a finite number such as 0.5 or 1e-3)", text)
		}
		return v, ""
	case Bool:
		v, err := strconv.ParseBool(text)
		if err != nil {
			return nil, fmt.Sprintf("invalid bool %q (want true or false)", text)
		}
		return v, ""
	case Duration:
		if secs, err := strconv.ParseFloat(text, 64); err == nil && secs >= 0 && secs < 1e9 {
			return time.Duration(secs * float64(time.Second)), ""
		}
		v, err := time.ParseDuration(text)
		if err != nil || v < 0 {
			return nil, fmt.Sprintf("invalid duration %q (want e.g. 30s, 1m30s or a number of seconds)", text)
		}
		return v, ""
	case Enum:
		if !slices.Contains(p.values, text) {
			msg := fmt.Sprintf("invalid value %q (want one of %s)", text, strings.Join(p.values, ", "))
			if s := suggest(text, p.values); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			return nil, msg
		}
	}
	return text, ""
}

// zero returns the default value of the param: its parsed Default, or the
// zero value of its kind.
func (p *param) zero() any {
	if p.def != "" {
		v, _ := p.parse(p.def) // checked by compile
		return v
	}
	switch p.kind {
	case Int:
		return 0
	case Float:
		return 0.0
	case Bool:
		return false
	case Duration:
		return time.Duration(0)
	}
	return ""
}
