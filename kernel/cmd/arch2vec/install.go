package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/arch2vec/arch2vec/install"
)

func init() {
	register(subcommand{
		name:    "install",
		summary: "install the Jupyter kernelspec (a copy of this binary, kernel.json, logos)",
		run:     runInstall,
	})
	register(subcommand{
		name:    "uninstall",
		summary: "remove the Jupyter kernelspec",
		run:     runUninstall,
	})
}

// scopeFlags are the flags choosing where a kernelspec lives, shared by
// install and uninstall.
type scopeFlags struct {
	user, sysPrefix bool
	prefix, name    string
}

func (s *scopeFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&s.user, "user", false, "per-user data dir: $JUPYTER_DATA_DIR or ~/.local/share/jupyter (default)")
	fs.BoolVar(&s.sysPrefix, "sys-prefix", false, "the active environment: $CONDA_PREFIX or $VIRTUAL_ENV, else /usr/local")
	fs.StringVar(&s.prefix, "prefix", "", "install under `DIR`/share/jupyter")
	fs.StringVar(&s.name, "name", install.DefaultName, "kernelspec `NAME`")
}

// options checks that at most one scope was chosen and returns it.
func (s *scopeFlags) options() (install.Options, error) {
	o := install.Options{Scope: install.User, Name: s.name}
	n := 0
	if s.user {
		n++
	}
	if s.sysPrefix {
		o.Scope = install.SysPrefix
		n++
	}
	if s.prefix != "" {
		o.Scope, o.Prefix = install.Prefix, s.prefix
		n++
	}
	if n > 1 {
		return o, fmt.Errorf("%w: use only one of --user, --sys-prefix and --prefix", errUsage)
	}
	return o, nil
}

// parseFlags parses args with fs, rejecting positional arguments.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	// An explicitly empty value (--prefix "") would silently mean the
	// default, e.g. installing into the user's data dir.
	var empty string
	fs.Visit(func(f *flag.Flag) {
		if empty == "" && f.Value.String() == "" {
			empty = f.Name
		}
	})
	if empty != "" {
		return fmt.Errorf("%w: --%s needs a non-empty value", errUsage, empty)
	}
	return nil
}

func runInstall(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	var sf scopeFlags
	sf.register(fs)
	display := fs.String("display-name", "arch2vec", "`NAME` shown in Jupyter's launcher")
	specDir := fs.String("dir", "", "only write a kernelspec directory `DIR` whose argv[0] is this binary's path "+
		"(for \"jupyter kernelspec install DIR\" or packaging)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	o, err := sf.options()
	if err != nil {
		return err
	}
	o.DisplayName, o.Version = *display, buildVersion()
	if *specDir != "" {
		if sf.user || sf.sysPrefix || sf.prefix != "" {
			return fmt.Errorf("%w: --dir excludes --user, --sys-prefix and --prefix", errUsage)
		}
		o.InPlace = true
		if err := install.WriteSpec(*specDir, o); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Wrote kernelspec directory %s\n", *specDir)
		return nil
	}
	dir, err := install.Install(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Installed kernelspec %s in %s\n", o.Name, dir)
	return nil
}

func runUninstall(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("uninstall", flag.ContinueOnError)
	var sf scopeFlags
	sf.register(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	o, err := sf.options()
	if err != nil {
		return err
	}
	dir, err := install.Uninstall(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Removed kernelspec %s from %s\n", o.Name, dir)
	return nil
}

// buildVersion is the module version this binary was built from, or
// "(devel)".
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
