// Package kernel is the protocol core of the arch2vec Jupyter kernel: it
// turns Jupyter requests into calls on an [Interpreter] and owns every
// protocol invariant around them, so no command can get them wrong. It
// never touches a socket; a [Transport] does (zmqtransport in production,
// kerneltest in tests).
//
// # Entry point
//
//	info, err := wire.ReadConnectionFile(path)
//	tr, err := zmqtransport.Listen(ctx, info, zmqtransport.Options{Logger: log})
//	defer tr.Close()
//	k := kernel.New(interp, tr, kernel.Options{Logger: log})
//	// on SIGINT: k.Interrupt()
//	err = k.Serve(ctx) // nil after shutdown_request
//
// # Message flow
//
// Every shell and control request is wrapped in IOPub status busy … idle,
// with the request as parent_header, unknown message types included (they
// get a log line and no reply). Replies go back on the channel the request
// came in on, to the identities it came from. For execute_request:
//
//	busy → execute_input → stream/display_data/… → execute_result | error → execute_reply → idle
//
// execute_input, outputs and execute_result are skipped for silent
// requests. The execution count grows by one for each non-silent request
// with store_history, before the cell runs; every execute_reply carries it.
// A failed cell gives one IOPub error and an error reply whose ename,
// evalue and traceback come from [Error] (via errors.As); an interrupted
// one is "KeyboardInterrupt"; a panic in the interpreter is recovered and
// becomes "InternalError" with the stack in the traceback and the log. With
// stop_on_error (the default) the execute requests already queued behind a
// failure are answered with status "aborted" without running.
//
// Stream text is coalesced per cell (Options.StreamFlush) and always
// flushed before any other output and before the reply. Input sends
// input_request on stdin to the identities of the execute request and
// waits for input_reply; it fails at once with [ErrStdinNotAllowed] when
// the request had allow_stdin false.
//
// complete_request and inspect_request cursors are converted from the
// client's unit (Options.Cursor: UTF-16 code units as JupyterLab sends, or
// code points as the 5.2 spec says) to rune offsets for the interpreter,
// and back. history_request is served from memory (tail, range, search
// with a glob pattern and unique). comm_info answers {"comms": {}}; a
// comm_open is answered with comm_close; other comm messages are ignored.
//
// # Goroutines
//
// Serve runs three loops: a receive loop that routes messages (shell to a
// FIFO queue, control to the control loop, stdin input_reply to the
// waiting Input), one executor that serves the shell queue in order, and
// a control loop that is never blocked by a running cell. So
// interrupt_request, shutdown_request and kernel_info_request on control
// are answered while a cell runs. Interrupt cancels the running cell's
// context with cause [ErrInterrupted]; the library installs no signal
// handler, main calls [Kernel.Interrupt] from signal.Notify.
//
// # Lifetimes
//
// An Output is valid only during its Execute call; later use returns an
// error. After shutdown_request the reply is sent, busy/idle completes, the
// running cell is cancelled, and Serve returns nil once the loops have
// ended (waiting at most Options.ShutdownTimeout for a cell that ignores
// cancellation). An Interpreter that implements io.Closer is closed then.
// The caller closes the transport after Serve returns.
package kernel
