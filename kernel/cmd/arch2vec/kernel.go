package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
	"github.com/arch2vec/arch2vec/kernel/zmqtransport"
)

func init() {
	register(subcommand{
		name:    "kernel",
		summary: "serve the Jupyter kernel (Jupyter starts it: kernel --connection-file FILE)",
		run:     runKernel,
	})
}

// runKernel is "arch2vec kernel --connection-file FILE": it binds the
// sockets named in the connection file and serves the interpreter until a
// shutdown_request, SIGTERM (main's ctx) or a transport failure. SIGINT
// interrupts the running cell and never kills the kernel: jupyter_client
// sends it to the whole process group, even before a shutdown_request.
// Logs go to stderr, which Jupyter shows in its server log.
func runKernel(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	connFile := fs.String("connection-file", "", "the Jupyter connection `FILE` ({connection_file} in kernel.json)")
	verbose := fs.Bool("debug", false, "log protocol details")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *connFile == "" {
		return fmt.Errorf("%w: --connection-file is required", errUsage)
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})).With("pid", os.Getpid())

	info, err := wire.ReadConnectionFile(*connFile)
	if err != nil {
		return err
	}
	// The sockets outlive ctx (cancelled by SIGTERM) so that Close can
	// flush the last IOPub messages.
	interp, err := newInterpreter()
	if err != nil {
		return err
	}
	tr, err := zmqtransport.Listen(context.WithoutCancel(ctx), info, zmqtransport.Options{Logger: logger})
	if err != nil {
		return err
	}
	k := kernel.New(interp, tr, kernel.Options{Logger: logger})
	bound := tr.ConnectionInfo()
	logger.Info("arch2vec kernel: serving", "version", buildVersion(), "session", k.Session(),
		"transport", bound.Transport, "ip", bound.IP, "shell", bound.ShellPort, "iopub", bound.IOPubPort)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	go func() {
		for range sigs {
			logger.Info("arch2vec kernel: SIGINT, interrupting the running cell")
			k.Interrupt()
		}
	}()

	ctx, stopOrphan := context.WithCancelCause(ctx)
	defer stopOrphan(nil)
	go watchParent(ctx, stopOrphan, logger)

	serveErr := k.Serve(ctx)
	closeErr := tr.Close()
	switch {
	case serveErr == nil:
		logger.Info("arch2vec kernel: shut down")
	case ctx.Err() != nil && errors.Is(serveErr, ctx.Err()):
		logger.Info("arch2vec kernel: terminated", "cause", context.Cause(ctx))
		serveErr = nil
	}
	if serveErr != nil {
		return fmt.Errorf("serve: %w", serveErr)
	}
	if closeErr != nil {
		logger.Warn("arch2vec kernel: close transport", "err", closeErr)
	}
	return nil
}

// errOrphaned is the cause of a shutdown because the process that started
// the kernel is gone.
var errOrphaned = errors.New("the Jupyter client that started the kernel exited")

// watchParent shuts the kernel down when the client that launched it dies
// without sending shutdown_request (a crashed notebook server or console),
// as ipykernel's parent poller does: otherwise the kernel would live on as
// an orphan holding its ports. It only acts when Jupyter started the
// kernel, which jupyter_client marks with JPY_PARENT_PID.
func watchParent(ctx context.Context, stop context.CancelCauseFunc, logger *slog.Logger) {
	want, err := strconv.Atoi(os.Getenv("JPY_PARENT_PID"))
	if err != nil || want <= 1 {
		return
	}
	parent := os.Getppid()
	if parent != want {
		// Started through a wrapper (e.g. a shell); watch whoever is our
		// parent now.
		want = parent
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if os.Getppid() != want {
				logger.Warn("arch2vec kernel: parent process exited, shutting down", "parent", want)
				stop(errOrphaned)
				return
			}
		}
	}
}
