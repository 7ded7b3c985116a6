package magic

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/arch2vec/arch2vec/kernel/display"
)

// maxSleep bounds %sleep, so that a typo cannot block the kernel for days.
const maxSleep = 24 * time.Hour

// builtins returns the commands every Mux has.
func (m *Mux) builtins() []*Command {
	return []*Command{
		{
			Name:    "help",
			Summary: "List the commands, or show the full help of one",
			Doc: "Without NAME, shows a table of all commands with their synopsis. With NAME, shows " +
				"that command's help: what it does, its arguments and flags with their defaults, and an " +
				"example.\n\nAppending ? to a command (%sleep?) shows the same help in the pager, and " +
				"Shift-Tab on a command shows it as a tooltip.",
			Example: "%help sleep",
			Args: []Arg{{Name: "name", Help: "a command name, with or without %", Optional: true,
				Complete: m.completeNames}},
			Run: m.runHelp,
		},
		{
			Name:    "lsmagic",
			Summary: "List the names of all commands",
			Example: "%lsmagic",
			Run: func(ctx context.Context, call *Call) error {
				names := m.names()
				for i, n := range names {
					names[i] = "%" + n
				}
				call.Result(display.Text("Available commands: " + strings.Join(names, " ")))
				return nil
			},
		},
		{
			Name:    "history",
			Summary: "Print the cells run so far",
			Doc: "Prints the cells of this session that were recorded in history, each with its " +
				"execution count, oldest first. The current cell is included.",
			Example: "%history -n 5",
			Flags: []Flag{{Name: "lines", Short: "n", Kind: Int, Default: "0",
				Help: "print only the last N cells; 0 prints all"}},
			Run: m.runHistory,
		},
		{
			Name:    "sleep",
			Summary: "Wait for some seconds, showing a progress bar",
			Doc: "Waits for SECONDS seconds (at most one day) while a live progress bar shows the " +
				"time elapsed. It demonstrates progress displays and interrupts: interrupting the " +
				"kernel (Kernel > Interrupt, or i i in JupyterLab) stops it at once with a " +
				"KeyboardInterrupt error, and the next cell runs normally.",
			Example: "%sleep 2.5",
			Args:    []Arg{{Name: "seconds", Help: "how long to wait", Kind: Float}},
			Run:     runSleep,
		},
		{
			Name:    "echo",
			Summary: "Print text, to a stream, as a display or as the cell's result",
			Doc: "Joins its arguments with spaces and shows them. By default the text goes to " +
				"standard output with a final newline; --to chooses stderr, a display_data " +
				"output, or the cell's result (Out[n]).",
			Example: "%echo --to result \"hello, world\"",
			Args:    []Arg{{Name: "text", Help: "the words to print", Variadic: true, Optional: true}},
			Flags: []Flag{{Name: "to", Kind: Enum, Values: []string{"stdout", "stderr", "display", "result"},
				Default: "stdout", Help: "where the text goes"}},
			Run: runEcho,
		},
		{
			Name:    "clear",
			Summary: "Clear the cell's output",
			Doc:     "Clears what the cell has shown so far. With --wait, clears only when the next output arrives, which avoids flicker in animations.",
			Example: "%clear --wait",
			Flags:   []Flag{{Name: "wait", Kind: Bool, Help: "clear when the next output arrives"}},
			Run: func(ctx context.Context, call *Call) error {
				return call.Out.Clear(call.Bool("wait"))
			},
		},
		demoCommand(),
	}
}

func (m *Mux) completeNames(prefix string) []string {
	var out []string
	for _, n := range m.names() {
		if strings.HasPrefix(n, strings.TrimPrefix(prefix, "%")) {
			out = append(out, n)
		}
	}
	return out
}

func (m *Mux) runHelp(ctx context.Context, call *Call) error {
	name := strings.TrimPrefix(call.String("name"), "%")
	// Help is documentation, not a value: it is displayed (display_data),
	// like a pager, and leaves no Out[n].
	if !call.IsSet("name") {
		return call.Display(commandTable(m.Commands()))
	}
	c := m.Lookup(name)
	if c == nil {
		if s := suggest(name, m.names()); s != "" {
			return call.Usagef("name", "unknown command %%%s; did you mean %%%s?", name, s)
		}
		return call.Usagef("name", "unknown command %%%s (type %%help for the list)", name)
	}
	return call.Display(Help(c))
}

func (m *Mux) runHistory(ctx context.Context, call *Call) error {
	n := call.Int("lines")
	if n < 0 {
		return call.Usagef("lines", "-n must be 0 or more, got %d", n)
	}
	hist := m.History()
	if n > 0 && n < len(hist) {
		hist = hist[len(hist)-n:]
	}
	var b strings.Builder
	for _, h := range hist {
		label := fmt.Sprintf("[%d] ", h.Count)
		indent := strings.Repeat(" ", len(label))
		b.WriteString(label + strings.ReplaceAll(strings.TrimRight(h.Code, "\n"), "\n", "\n"+indent) + "\n")
	}
	return call.Printf("%s", b.String())
}

// runSleep waits, updating a progress bar every tick, until the time is up
// or ctx is cancelled.
func runSleep(ctx context.Context, call *Call) error {
	secs := call.Float("seconds")
	if secs < 0 || secs > maxSleep.Seconds() || math.IsNaN(secs) {
		return call.Usagef("seconds", "argument SECONDS must be between 0 and %g, got %g", maxSleep.Seconds(), secs)
	}
	d := time.Duration(secs * float64(time.Second))
	total := max(d.Milliseconds(), 1) // a known total, so that the bar shows
	p := call.Progress(display.ProgressConfig{Label: "sleep", Total: total, Unit: "ms"})
	_ = p.Start()
	start := time.Now()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			el := time.Since(start)
			_ = p.Set(el.Milliseconds())
			_ = p.Finish("interrupted")
			return fmt.Errorf("sleep: interrupted after %.1fs of %gs: %w", el.Seconds(), secs, context.Cause(ctx))
		case <-tick.C:
			_ = p.Set(time.Since(start).Milliseconds())
		case <-deadline.C:
			_ = p.Set(total)
			return p.Finish("done")
		}
	}
}

func runEcho(ctx context.Context, call *Call) error {
	text := strings.Join(call.Strings("text"), " ")
	switch call.String("to") {
	case "stderr":
		return call.Out.Stream("stderr", text+"\n")
	case "display":
		return call.Display(display.Text(text))
	case "result":
		call.Result(display.Text(text))
		return nil
	}
	return call.Println(text)
}
