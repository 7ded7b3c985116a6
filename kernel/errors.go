package kernel

import "errors"

// ErrStdinNotAllowed is returned by Output.Input when the client sent the
// request with allow_stdin false (nbconvert, for instance).
var ErrStdinNotAllowed = errors.New("kernel: stdin is not allowed by this client")

// ErrInterrupted is the cause given to a cell's context when the user
// interrupts the kernel (interrupt_request or SIGINT).
var ErrInterrupted = errors.New("interrupted")

// Error lets an error choose how it appears in an error reply. Errors that
// do not implement it are shown with ename "Error" (or "KeyboardInterrupt"
// when they wrap context cancellation) and evalue err.Error().
type Error interface {
	error
	// ErrorName is the ename field, e.g. "UsageError" or "ValueError".
	ErrorName() string
	// Traceback is the traceback field: human-readable lines, ANSI colour
	// allowed. An empty slice means the core builds one from ename and
	// evalue.
	Traceback() []string
}
