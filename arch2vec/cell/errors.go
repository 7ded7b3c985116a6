package cell

import (
	"errors"
	"fmt"
)

// ValidationError reports a cell, matrix, string or encoding that is not
// acceptable. Reason names what was wrong ("entry (3,1) below the
// diagonal", "unknown op \"conv5x5\"").
type ValidationError struct {
	Reason string
	// Err is an optional sentinel such as [ErrDisconnected], for errors.Is.
	Err error
}

// Error returns "cell: " followed by the reason.
func (e *ValidationError) Error() string { return "cell: " + e.Reason }

// Unwrap returns the sentinel behind e, if any.
func (e *ValidationError) Unwrap() error { return e.Err }

// ErrDisconnected is wrapped by the error of a NAS-Bench-101 cell whose
// output cannot be reached from its input (nasbench's valid_spec = False).
var ErrDisconnected = errors.New("input and output are disconnected")

func invalidf(format string, args ...any) error {
	return &ValidationError{Reason: fmt.Sprintf(format, args...)}
}
