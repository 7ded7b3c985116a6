// Command arch2vec is the arch2vec Jupyter kernel and its tools: it serves
// the kernel, installs its kernelspec, runs notebooks headless and gives
// command-line access to the cell spaces.
//
// Usage:
//
//	arch2vec <command> [flags] [args]
//
// Run "arch2vec help" for the list of commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// subcommand is one "arch2vec NAME ..." command. Each lives in its own file
// and registers itself in an init function.
type subcommand struct {
	name    string
	summary string
	// run executes the command with the arguments after its name. It
	// returns errUsage (possibly wrapped) for bad arguments.
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var subcommands = map[string]subcommand{}

func register(s subcommand) {
	if _, dup := subcommands[s.name]; dup {
		panic("arch2vec: duplicate subcommand " + s.name)
	}
	subcommands[s.name] = s
}

// errUsage marks an error caused by bad command-line arguments; main exits
// with status 2 for it.
var errUsage = errors.New("usage")

func main() {
	os.Exit(mainCode(os.Args[1:], os.Stdout, os.Stderr))
}

func mainCode(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := subcommands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "arch2vec: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, args[1:], stdout, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "arch2vec %s: %v\n", cmd.name, err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: arch2vec <command> [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	names := make([]string, 0, len(subcommands))
	for n := range subcommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, subcommands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "arch2vec <command> -h" for the flags of a command.`)
}
