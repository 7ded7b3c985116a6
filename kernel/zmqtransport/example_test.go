package zmqtransport_test

import (
	"context"
	"log"
	"log/slog"
	"os"
	"os/signal"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/kerneltest"
	"github.com/arch2vec/arch2vec/kernel/wire"
	"github.com/arch2vec/arch2vec/kernel/zmqtransport"
)

// This is what "arch2vec kernel --connection-file F" does: bind the
// sockets, serve an interpreter, interrupt on SIGINT, and return after
// shutdown_request.
func ExampleListen() {
	serve := func(ctx context.Context, connectionFile string, interp kernel.Interpreter) error {
		info, err := wire.ReadConnectionFile(connectionFile)
		if err != nil {
			return err
		}
		logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
		tr, err := zmqtransport.Listen(ctx, info, zmqtransport.Options{Logger: logger})
		if err != nil {
			return err
		}
		defer tr.Close()
		k := kernel.New(interp, tr, kernel.Options{Logger: logger})

		sigint := make(chan os.Signal, 1)
		signal.Notify(sigint, os.Interrupt)
		defer signal.Stop(sigint)
		done := make(chan struct{})
		defer close(done)
		go func() {
			for {
				select {
				case <-sigint:
					k.Interrupt()
				case <-done:
					return
				}
			}
		}()
		return k.Serve(ctx) // nil after shutdown_request
	}
	if len(os.Args) > 2 && os.Args[1] == "--connection-file" {
		if err := serve(context.Background(), os.Args[2], kerneltest.Interp{}); err != nil {
			log.Fatal(err)
		}
	}
}
