package nbrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arch2vec/arch2vec/kernel"
)

// ErrCellTimeout is the cause of a cell's cancellation when it runs longer
// than Options.Timeout.
var ErrCellTimeout = errors.New("cell timed out")

// Options control a notebook run.
type Options struct {
	// Timeout bounds each cell's run time; 0 means no limit.
	Timeout time.Duration
	// AllowErrors keeps running after a failing cell (the run still
	// reports the failures). Without it the run stops at the first failing
	// cell not tagged "raises-exception", like nbconvert.
	AllowErrors bool
	// Stdout receives the cells' text output and one progress line per
	// cell; Stderr receives stderr streams. nil discards.
	Stdout, Stderr io.Writer
	// Color keeps ANSI colour sequences (of tracebacks, say) in what is
	// echoed; set it when Stdout is a terminal.
	Color bool
	// Grace is how long a cancelled cell may take to return before the
	// runner abandons it and its later output; 0 means 10 s.
	Grace time.Duration
}

// CellError describes a cell that failed.
type CellError struct {
	// Index is the cell's position among all cells of the notebook;
	// Number is its position (1-based) among the code cells that ran.
	Index, Number int
	EName, EValue string
	Traceback     []string
}

// Error implements error.
func (e *CellError) Error() string {
	return fmt.Sprintf("nbrun: cell %d (cells[%d]) failed: %s: %s", e.Number, e.Index, e.EName, e.EValue)
}

// Summary is the outcome of a run.
type Summary struct {
	// Executed counts the code cells that ran; Total the non-empty code
	// cells of the notebook.
	Executed, Total int
	// Errors lists every failing cell, in order (more than one only with
	// AllowErrors or "raises-exception" tags).
	Errors []*CellError
	// Elapsed is the wall time of the whole run.
	Elapsed time.Duration
}

// Run executes the code cells of nb in order through interp, replacing
// their outputs and execution counts, and stores the interpreter's
// language_info in the notebook metadata. Empty code cells are skipped, as
// nbclient does. It returns the first *CellError that stops the run, or the
// context's cause when ctx is cancelled between cells; nb always holds the
// outputs recorded so far.
func Run(ctx context.Context, nb *Notebook, interp kernel.Interpreter, o Options) (Summary, error) {
	start := time.Now()
	var sum Summary
	e := &echo{stdout: orDiscard(o.Stdout), stderr: orDiscard(o.Stderr), color: o.Color}
	if err := nb.setLanguageInfo(interp.Info().Language); err != nil {
		return sum, err
	}
	var cells []int
	for i, c := range nb.Cells {
		if c.Type == "code" && strings.TrimSpace(c.Source) != "" {
			cells = append(cells, i)
		}
	}
	sum.Total = len(cells)
	ids := displays{}
	for n, i := range cells {
		if ctx.Err() != nil {
			sum.Elapsed = time.Since(start)
			return sum, fmt.Errorf("nbrun: stopped before cell %d: %w", n+1, context.Cause(ctx))
		}
		c := nb.Cells[i]
		t0 := time.Now()
		count := n + 1
		cerr := runCell(ctx, c, interp, count, ids, e, o)
		sum.Executed++
		status := "ok"
		if cerr != nil {
			cerr.Index, cerr.Number = i, count
			sum.Errors = append(sum.Errors, cerr)
			status = "failed (" + cerr.EName + ")"
		}
		e.line(fmt.Sprintf("[%d/%d] %s … %s %.1f s", count, len(cells), headline(c.Source), status, time.Since(t0).Seconds()))
		if cerr != nil && ctx.Err() != nil {
			sum.Elapsed = time.Since(start)
			return sum, cerr
		}
		if cerr != nil && !o.AllowErrors && !c.hasTag("raises-exception") {
			sum.Elapsed = time.Since(start)
			return sum, cerr
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// runCell executes one cell and records its outputs; it returns the
// cell's error, if any.
func runCell(ctx context.Context, c *Cell, interp kernel.Interpreter, count int, ids displays, e *echo, o Options) *CellError {
	c.ExecutionCount = &count
	rec := newRecorder(c, ids, e)
	cctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if o.Timeout > 0 {
		var stop context.CancelFunc
		cctx, stop = context.WithTimeoutCause(cctx, o.Timeout, fmt.Errorf("%w after %v", ErrCellTimeout, o.Timeout))
		defer stop()
	}
	type outcome struct {
		res *kernel.ExecuteResult
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		var out outcome
		defer func() {
			if p := recover(); p != nil {
				out = outcome{err: panicError{p, string(debug.Stack())}}
			}
			done <- out
		}()
		req := &kernel.ExecuteRequest{Code: c.Source, StoreHistory: true, ExecutionCount: count}
		out.res, out.err = interp.Execute(cctx, req, rec)
	}()
	var out outcome
	select {
	case out = <-done:
	case <-cctx.Done():
		grace := o.Grace
		if grace == 0 {
			grace = 10 * time.Second
		}
		select {
		case out = <-done:
		case <-time.After(grace):
			out.err = fmt.Errorf("nbrun: cell did not stop within %v of being cancelled: %w", grace, context.Cause(cctx))
		}
	}
	rec.close()
	if cause := context.Cause(cctx); errors.Is(cause, ErrCellTimeout) && !errors.Is(out.err, ErrCellTimeout) {
		// Whatever the cell returned, it ran out of time (an interpreter
		// may return ctx.Err() rather than the cause).
		out.err = cause
	}
	if out.err == nil {
		if out.res != nil && out.res.Value != nil {
			if err := rec.result(*out.res.Value, count); err != nil {
				out.err = err
			}
		}
		if out.err == nil {
			if out.res != nil {
				e.pages(out.res.Payload)
			}
			return nil
		}
	}
	ename, evalue, tb := errorFields(out.err)
	rec.fail(ename, evalue, tb)
	return &CellError{EName: ename, EValue: evalue, Traceback: tb}
}

// panicError is a recovered panic of an interpreter.
type panicError struct {
	value any
	stack string
}

func (p panicError) Error() string     { return fmt.Sprintf("interpreter panic: %v", p.value) }
func (p panicError) ErrorName() string { return "Panic" }
func (p panicError) Traceback() []string {
	return append([]string{p.Error()}, strings.Split(strings.TrimSpace(p.stack), "\n")...)
}

// errorFields gives an error's ename, evalue and traceback by the kernel's
// rule ([kernel.ErrorContent]), with one addition of the runner's own: a
// cell that ran out of time is "CellTimeoutError", as in nbclient.
func errorFields(err error) (ename, evalue string, tb []string) {
	if errors.Is(err, ErrCellTimeout) {
		evalue = err.Error()
		return "CellTimeoutError", evalue, []string{"CellTimeoutError: " + evalue}
	}
	return kernel.ErrorContent(err)
}

// headline is the first line of a cell, shortened for a progress line.
func headline(src string) string {
	s := strings.TrimSpace(src)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	const max = 48
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max-1]) + "…"
	}
	return s
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
