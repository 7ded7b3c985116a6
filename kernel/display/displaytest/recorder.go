// Package displaytest provides a recording [kernel.Output] for tests of
// commands and displays, in the way net/http/httptest provides a recording
// ResponseWriter.
package displaytest

import (
	"context"
	"strings"
	"sync"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Kinds of recorded events.
const (
	KindStream  = "stream"
	KindDisplay = "display"
	KindUpdate  = "update"
	KindClear   = "clear"
)

// Event is one recorded call on a [Recorder].
type Event struct {
	Kind   string          // KindStream, KindDisplay, KindUpdate or KindClear
	Name   string          // stream name ("stdout" or "stderr")
	Text   string          // stream text
	Bundle wire.MIMEBundle // displayed bundle
	ID     string          // display id
	Wait   bool            // the wait flag of a clear
}

// Recorder is a [kernel.Output] that records every call. It is safe for
// concurrent use. The zero value is ready to use and refuses stdin.
type Recorder struct {
	// Err, if set, is returned by every method after recording the call.
	Err error
	// Inputs are the answers given to successive Input calls; when they run
	// out, Input returns kernel.ErrStdinNotAllowed.
	Inputs []string

	mu     sync.Mutex
	events []Event
}

var _ kernel.Output = (*Recorder)(nil)

func (r *Recorder) record(e Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return r.Err
}

// Stream records a stream write.
func (r *Recorder) Stream(name, text string) error {
	return r.record(Event{Kind: KindStream, Name: name, Text: text})
}

// Display records a display_data.
func (r *Recorder) Display(b wire.MIMEBundle, id string) error {
	return r.record(Event{Kind: KindDisplay, Bundle: b, ID: id})
}

// UpdateDisplay records an update_display_data.
func (r *Recorder) UpdateDisplay(b wire.MIMEBundle, id string) error {
	return r.record(Event{Kind: KindUpdate, Bundle: b, ID: id})
}

// Clear records a clear_output.
func (r *Recorder) Clear(wait bool) error { return r.record(Event{Kind: KindClear, Wait: wait}) }

// Input returns the next queued answer, or kernel.ErrStdinNotAllowed.
func (r *Recorder) Input(ctx context.Context, prompt string, password bool) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", context.Cause(ctx)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.Inputs) == 0 {
		return "", kernel.ErrStdinNotAllowed
	}
	s := r.Inputs[0]
	r.Inputs = r.Inputs[1:]
	return s, nil
}

// Events returns a copy of the recorded events in call order.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// StreamText returns the concatenated text written to the named stream.
func (r *Recorder) StreamText(name string) string {
	var b strings.Builder
	for _, e := range r.Events() {
		if e.Kind == KindStream && e.Name == name {
			b.WriteString(e.Text)
		}
	}
	return b.String()
}
