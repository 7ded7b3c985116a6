package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/nbrun"
)

func init() {
	register(subcommand{
		name:    "run",
		summary: "execute a notebook headless: arch2vec run FILE.ipynb [-o OUT.ipynb]",
		run:     runNotebook,
	})
}

// runNotebook is "arch2vec run FILE.ipynb [-o OUT.ipynb] [--timeout D]
// [--allow-errors]". Flags may come before or after the file name. The
// first SIGINT interrupts the running cell (the run then stops); a second
// one kills the process.
func runNotebook(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the executed notebook to `OUT.ipynb` (also when a cell fails)")
	timeout := fs.Duration("timeout", 0, "per-cell time limit, e.g. 10m (0: none)")
	allow := fs.Bool("allow-errors", false, "run every cell even when some fail (exit status 0)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: arch2vec run FILE.ipynb [-o OUT.ipynb] [--timeout D] [--allow-errors]")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: want exactly one notebook, got %d arguments", errUsage, len(pos))
	}
	if *timeout < 0 {
		return fmt.Errorf("%w: --timeout must be ≥ 0, got %v", errUsage, *timeout)
	}
	// Check the output's place before running, so a typo in -o does not
	// cost the whole run.
	if *out != "" {
		if st, err := os.Stat(*out); err == nil && st.IsDir() {
			return fmt.Errorf("%w: -o %s is a directory", errUsage, *out)
		}
		if _, err := os.Stat(filepath.Dir(*out)); err != nil {
			return fmt.Errorf("-o %s: %w", *out, err)
		}
	}
	nb, err := nbrun.ReadFile(pos[0])
	if err != nil {
		return err
	}
	if name, lang := nb.KernelSpec(); lang != "" && lang != "arch2vec" {
		fmt.Fprintf(stderr, "arch2vec run: warning: %s is a %s notebook (kernel %q); running its cells as arch2vec commands\n",
			pos[0], lang, name)
	}
	outPath := *out
	if outPath != "" {
		if outPath, err = filepath.Abs(outPath); err != nil {
			return err
		}
	}
	// Cells run in the notebook's directory, as under Jupyter and
	// nbconvert, so relative paths in a notebook mean the same everywhere.
	restore, err := chdir(filepath.Dir(pos[0]))
	if err != nil {
		return err
	}
	defer restore()

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	go func() {
		select {
		case <-sigs:
			fmt.Fprintln(stderr, "arch2vec run: interrupted; stopping the running cell (Ctrl-C again to kill)")
			signal.Stop(sigs) // a second SIGINT gets the default action
			cancel(kernel.ErrInterrupted)
		case <-ctx.Done():
		}
	}()

	interp, err := newInterpreter()
	if err != nil {
		return err
	}
	if c, ok := interp.(io.Closer); ok {
		defer c.Close()
	}
	sum, runErr := nbrun.Run(ctx, nb, interp, nbrun.Options{
		Timeout: *timeout, AllowErrors: *allow, Stdout: stdout, Stderr: stderr, Color: isTerminal(stdout),
	})
	msg := fmt.Sprintf("ran %d of %d cells in %.1f s", sum.Executed, sum.Total, sum.Elapsed.Seconds())
	if n := len(sum.Errors); n > 0 {
		msg += fmt.Sprintf(", %d failed", n)
	}
	if outPath != "" {
		if err := nbrun.WriteFile(outPath, nb); err != nil {
			return errors.Join(runErr, err)
		}
		msg += "; wrote " + *out
	}
	fmt.Fprintln(stdout, msg)
	return runErr
}

// parseInterspersed parses flags that may appear before, between or after
// positional arguments ("run FILE -o OUT"), returning the positional ones.
// "--" ends flag parsing.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// isTerminal reports whether w is a character device (a terminal), where
// ANSI colours are wanted.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// chdir changes the working directory to dir and returns a function that
// changes it back.
func chdir(dir string) (restore func(), err error) {
	old, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if err := os.Chdir(dir); err != nil {
		return nil, err
	}
	return func() { os.Chdir(old) }, nil
}
