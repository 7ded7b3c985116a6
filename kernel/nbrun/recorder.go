package nbrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// errOutputClosed is returned to a cell that writes output after its
// Execute call has returned or was abandoned.
var errOutputClosed = errors.New("nbrun: output used after the cell finished")

// displays maps display ids to the outputs that carry them, across the
// whole notebook (nbclient updates outputs of earlier cells too). The ids
// live only here; they are never written to the notebook.
type displays map[string][]*displayRef

// displayRef is one output shown with a display id.
type displayRef struct {
	cell *Cell
	out  *Output
}

// forget removes the references into cell (its outputs were cleared).
func (d displays) forget(cell *Cell) {
	for id, refs := range d {
		kept := refs[:0]
		for _, r := range refs {
			if r.cell != cell {
				kept = append(kept, r)
			}
		}
		if len(kept) == 0 {
			delete(d, id)
		} else {
			d[id] = kept
		}
	}
}

// recorder is the kernel.Output of one cell: it records outputs into the
// cell as nbclient would and echoes text to the terminal.
type recorder struct {
	mu        sync.Mutex
	cell      *Cell
	ids       displays
	echo      *echo
	clearWait bool      // a clear_output(wait=true) is pending
	closed    bool      // Execute returned or was abandoned
	live      []*Output // displays with an id, echoed when the cell ends
}

var _ kernel.Output = (*recorder)(nil)

func newRecorder(cell *Cell, ids displays, e *echo) *recorder {
	cell.Outputs = []*Output{}
	ids.forget(cell)
	return &recorder{cell: cell, ids: ids, echo: e}
}

// close makes later calls fail and echoes the final state of the cell's
// updatable displays that were not cleared.
func (r *recorder) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for _, o := range r.live {
		for _, kept := range r.cell.Outputs {
			if kept == o {
				r.echo.bundle(o.Data)
				break
			}
		}
	}
	r.live = nil
}

// Stream implements kernel.Output. Consecutive writes to one stream are
// merged into one output.
func (r *recorder) Stream(name, text string) error {
	if name != "stdout" && name != "stderr" {
		return fmt.Errorf("nbrun: stream name %q (want stdout or stderr)", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.begin(); err != nil {
		return err
	}
	outs := r.cell.Outputs
	if n := len(outs); n > 0 && outs[n-1].Type == "stream" && outs[n-1].Name == name {
		outs[n-1].Text += text
	} else {
		r.cell.Outputs = append(outs, &Output{Type: "stream", Name: name, Text: text})
	}
	r.echo.stream(name, text)
	return nil
}

// Display implements kernel.Output. A display with an id that was shown
// before also updates the earlier outputs, as nbclient does.
func (r *recorder) Display(b wire.MIMEBundle, id string) error {
	o, err := bundleOutput("display_data", b)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.begin(); err != nil {
		return err
	}
	r.cell.Outputs = append(r.cell.Outputs, o)
	if id == "" {
		r.echo.bundle(o.Data)
		return nil
	}
	// An updatable display (a progress bar) is echoed once, in its final
	// state, when the cell ends.
	r.update(o, id)
	r.ids[id] = append(r.ids[id], &displayRef{r.cell, o})
	r.live = append(r.live, o)
	return nil
}

// UpdateDisplay implements kernel.Output. Updating an unknown id does
// nothing, like nbclient. It does not trigger a pending clear.
func (r *recorder) UpdateDisplay(b wire.MIMEBundle, id string) error {
	if id == "" {
		return errors.New("nbrun: update_display_data needs a display id")
	}
	o, err := bundleOutput("display_data", b)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errOutputClosed
	}
	r.update(o, id)
	return nil
}

// update copies o's bundle into every output shown with id.
func (r *recorder) update(o *Output, id string) {
	for _, ref := range r.ids[id] {
		ref.out.Data, ref.out.Metadata = o.Data, o.Metadata
	}
}

// Clear implements kernel.Output: at once, or before the next output when
// wait is true.
func (r *recorder) Clear(wait bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errOutputClosed
	}
	if wait {
		r.clearWait = true
		return nil
	}
	r.clearNow()
	return nil
}

// Input implements kernel.Output: a notebook run has no one to ask.
func (r *recorder) Input(ctx context.Context, prompt string, password bool) (string, error) {
	return "", kernel.ErrStdinNotAllowed
}

// result records the cell's execute_result.
func (r *recorder) result(b wire.MIMEBundle, count int) error {
	o, err := bundleOutput("execute_result", b)
	if err != nil {
		return err
	}
	o.ExecutionCount = &count
	r.add(o, func() { r.echo.bundle(o.Data) })
	return nil
}

// fail records the cell's error output.
func (r *recorder) fail(ename, evalue string, tb []string) {
	o := &Output{Type: "error", EName: ename, EValue: evalue, Traceback: tb}
	r.add(o, func() { r.echo.traceback(o) })
}

// add appends o even after close (the runner's own outputs), then echoes.
func (r *recorder) add(o *Output, echo func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.clearWait {
		r.clearNow()
	}
	r.cell.Outputs = append(r.cell.Outputs, o)
	echo()
}

// begin runs a pending clear before a new output; it must hold mu.
func (r *recorder) begin() error {
	if r.closed {
		return errOutputClosed
	}
	if r.clearWait {
		r.clearNow()
	}
	return nil
}

func (r *recorder) clearNow() {
	r.clearWait = false
	r.cell.Outputs = []*Output{}
	r.ids.forget(r.cell)
}

// bundleOutput converts a MIME bundle to an output of type typ,
// normalising it through JSON so that values are exactly what the written
// notebook will hold (and unencodable values are an error for the cell).
func bundleOutput(typ string, b wire.MIMEBundle) (*Output, error) {
	o := &Output{Type: typ, Data: map[string]any{}, Metadata: map[string]any{}}
	for _, part := range []struct {
		in  map[string]any
		out *map[string]any
	}{{b.Data, &o.Data}, {b.Metadata, &o.Metadata}} {
		if part.in == nil {
			continue
		}
		raw, err := json.Marshal(part.in)
		if err != nil {
			return nil, fmt.Errorf("nbrun: %s: %w", typ, err)
		}
		if err := json.Unmarshal(raw, part.out); err != nil {
			return nil, fmt.Errorf("nbrun: %s: %w", typ, err)
		}
	}
	for mime, v := range o.Data {
		if _, ok := v.(string); !ok && !isJSONMIME(mime) {
			return nil, fmt.Errorf("nbrun: %s: %s value is %T, want a string", typ, mime, v)
		}
	}
	return o, nil
}
