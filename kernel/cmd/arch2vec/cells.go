package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/arch2vec/arch2vec/arch2vec/atomicfile"
	"io"
	"os"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

func init() {
	register(subcommand{
		name:    "cells",
		summary: "enumerate a cell space as data.json, or hash NAS-Bench-101 cells",
		run:     runCells,
	})
}

const cellsUsage = `usage:
  arch2vec cells enumerate --space nasbench101|nasbench201 [--dataset D] [-o FILE]
  arch2vec cells hash [FILE...]

enumerate writes every cell of a space in arch2vec's data.json layout (see
package arch2vec/bench): nasbench101 as its 423,624 pruned cells in nasbench
order with their hash, validation_accuracy and training_time where the
embedded 20k subset knows them (test_accuracy unknown, so omitted);
nasbench201 as its 15,625 cells in NB201 index order with the embedded
accuracies (percent) of --dataset (cifar10, cifar100 or imagenet16-120).
Output goes to FILE (written atomically) or stdout; progress goes to stderr
when it is a terminal.

hash reads JSON lines {"matrix": [[...]], "ops": ["input", ..., "output"]}
from the files (or stdin) and prints one line per input line: the hash of
the pruned cell, or "invalid: REASON" when nasbench would reject the cell.
A line that is not such an object prints "error: line N: REASON" (on stdout,
keeping output and input lines aligned); processing continues and the exit
status is 1. Blank lines are skipped.
`

// runCells dispatches "arch2vec cells enumerate|hash".
func runCells(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, cellsUsage)
		return fmt.Errorf("%w: missing enumerate or hash", errUsage)
	}
	switch args[0] {
	case "enumerate":
		return cellsEnumerate(ctx, args[1:], stdout, stderr)
	case "hash":
		return cellsHash(ctx, args[1:], cellsStdin, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stderr, cellsUsage)
		return flag.ErrHelp
	}
	fmt.Fprint(stderr, cellsUsage)
	return fmt.Errorf("%w: unknown cells command %q", errUsage, args[0])
}

// cellsStdin is the input of "cells hash" without file arguments (a variable
// for tests).
var cellsStdin io.Reader = os.Stdin

func cellsEnumerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cells enumerate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spaceName := fs.String("space", "", "cell space: nasbench101 or nasbench201 (required)")
	dsName := fs.String("dataset", "cifar10", "nasbench201 accuracies: cifar10, cifar100 or imagenet16-120")
	out := fs.String("o", "", "output file (default or \"-\": stdout)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	space, err := bench.ParseSpace(*spaceName)
	if err != nil {
		return fmt.Errorf("%w: --space: %v", errUsage, err)
	}
	ds, err := bench.ParseDataset(*dsName)
	if err != nil {
		return fmt.Errorf("%w: --dataset: %v", errUsage, err)
	}
	write := func(w io.Writer) (n, known int, err error) {
		if space == bench.Space101 {
			return writeNB101(ctx, w, terminalProgress(stderr))
		}
		return writeNB201(ctx, w, ds)
	}
	if *out == "" || *out == "-" {
		_, _, err := write(stdout)
		return err
	}
	var n, known int
	if err := atomicfile.Write(*out, 0o644, func(w io.Writer) (err error) {
		n, known, err = write(w)
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %d %s cells (%d with accuracies) to %s\n", n, space, known, *out)
	return nil
}

// checkEvery is how many cells the writers write between context checks.
const checkEvery = 8192

// terminalProgress returns a progress callback that redraws one line on
// stderr when stderr is a terminal, and nil otherwise.
func terminalProgress(stderr io.Writer) func(done, total int) {
	if !isTerminal(stderr) {
		return nil
	}
	return func(done, total int) {
		fmt.Fprintf(stderr, "\renumerating nasbench101: %d/%d shards", done, total)
		if done == total {
			fmt.Fprintln(stderr)
		}
	}
}

func writeNB101(ctx context.Context, w io.Writer, progress func(done, total int)) (n, known int, err error) {
	sub, err := bench.NB101Subset()
	if err != nil {
		return 0, 0, err
	}
	cells, hashes, err := cell.Enumerate101Hashed(ctx, progress)
	if err != nil {
		return 0, 0, err
	}
	dw := bench.NewDataWriter(w, bench.Space101)
	for i, c := range cells {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return 0, 0, context.Cause(ctx)
		}
		e := bench.Entry101(c, hashes[i], sub)
		if e.Valid == e.Valid { // not NaN
			known++
		}
		if err := dw.Write(&e); err != nil {
			return 0, 0, err
		}
	}
	return len(cells), known, dw.Close()
}

func writeNB201(ctx context.Context, w io.Writer, ds bench.Dataset) (n, known int, err error) {
	tab, err := bench.NB201()
	if err != nil {
		return 0, 0, err
	}
	dw := bench.NewDataWriter(w, bench.Space201)
	for i := range tab.Len() {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return 0, 0, context.Cause(ctx)
		}
		e := bench.Entry201(tab, i, ds)
		if err := dw.Write(&e); err != nil {
			return 0, 0, err
		}
	}
	return tab.Len(), tab.Len(), dw.Close()
}
