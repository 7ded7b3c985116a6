package kernel

import (
	"context"

	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Interpreter is the language side of the kernel: the one seam between the
// Jupyter protocol and whatever runs the cells (after xeus's xinterpreter).
//
// The core owns everything the protocol requires around these calls:
// execution counts, busy/idle status, execute_input, history, reply routing,
// interrupts (as context cancellation) and panic recovery. An Interpreter
// therefore never sees a message, a socket or a header.
//
// The core calls Execute from one goroutine, one request at a time, in the
// order requests arrived. Complete, Inspect and IsComplete may be called
// concurrently with a running Execute (clients ask for completions while a
// long command runs), so implementations must guard shared state.
//
// An Interpreter that also implements io.Closer is closed on shutdown.
type Interpreter interface {
	// Info describes the language for kernel_info_reply.
	Info() Info

	// Execute runs one cell. Output written through out appears in the
	// client as it is produced; out must not be used after Execute returns.
	// ctx is cancelled when the user interrupts the kernel; Execute should
	// then return promptly with an error wrapping context.Cause(ctx).
	//
	// A returned error becomes an error reply; see [Error] for how its
	// name, value and traceback are chosen.
	Execute(ctx context.Context, req *ExecuteRequest, out Output) (*ExecuteResult, error)

	// Complete returns completions for code at cursor, a position counted
	// in Unicode code points (runes), already converted by the core from
	// whatever unit the client used.
	Complete(ctx context.Context, code string, cursor int) (*Completion, error)

	// Inspect returns help for the object at cursor (Shift-Tab in
	// JupyterLab). detail is 0 or 1 as sent by the client.
	Inspect(ctx context.Context, code string, cursor, detail int) (*Inspection, error)

	// IsComplete tells a console whether code is ready to run or needs
	// more lines.
	IsComplete(code string) Completeness
}

// Info is the language description sent in kernel_info_reply.
type Info struct {
	Implementation        string // e.g. "arch2vec"
	ImplementationVersion string
	Banner                string
	Language              LanguageInfo
	HelpLinks             []HelpLink
}

// LanguageInfo is the language_info object of kernel_info_reply.
type LanguageInfo struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	MIMEType       string `json:"mimetype"`
	FileExtension  string `json:"file_extension"`
	PygmentsLexer  string `json:"pygments_lexer,omitempty"`
	CodeMirrorMode string `json:"codemirror_mode,omitempty"`
}

// HelpLink is one entry of the kernel's help menu.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// ExecuteRequest is what an Interpreter needs to know about one cell.
type ExecuteRequest struct {
	Code string
	// Silent is true when the client asked for no output and no history;
	// the core already suppresses broadcast output, so most interpreters
	// can ignore it.
	Silent bool
	// StoreHistory is true when the cell is recorded in history.
	StoreHistory bool
	// AllowStdin tells whether Output.Input may be used.
	AllowStdin bool
	// ExecutionCount is the number the core assigned to this cell
	// (unchanged for silent requests).
	ExecutionCount int
}

// ExecuteResult is the successful outcome of a cell.
type ExecuteResult struct {
	// Value, if not nil, is published as execute_result (Out[n]).
	Value *wire.MIMEBundle
	// Payload is attached to execute_reply, e.g. a page payload
	// {"source": "page", "data": {...}, "start": 0} for help text.
	Payload []map[string]any
}

// Output is the request-scoped sink for everything a cell shows, the other
// half of the seam (like net/http's ResponseWriter). Methods are safe for use
// by several goroutines of one Execute call. An Output must not be used after
// Execute returns.
type Output interface {
	// Stream writes text to "stdout" or "stderr". Consecutive writes may be
	// coalesced into one stream message.
	Stream(name, text string) error
	// Display publishes a display_data message. A non-empty id makes the
	// output updatable with UpdateDisplay.
	Display(b wire.MIMEBundle, id string) error
	// UpdateDisplay replaces every output shown earlier with display id id.
	UpdateDisplay(b wire.MIMEBundle, id string) error
	// Clear clears the cell's output; with wait it clears only when the
	// next output arrives (for flicker-free animation).
	Clear(wait bool) error
	// Input asks the user for a line of text through the stdin channel.
	// It returns ErrStdinNotAllowed when the client does not allow stdin,
	// and an error wrapping context.Cause(ctx) when interrupted.
	Input(ctx context.Context, prompt string, password bool) (string, error)
}

// Completion is the answer to complete_request. Cursor positions are rune
// offsets into the code; the core converts them back for the client.
type Completion struct {
	Matches     []string
	CursorStart int
	CursorEnd   int
	// Metadata is sent as the reply's metadata, e.g. the
	// "_jupyter_types_experimental" list.
	Metadata map[string]any
}

// Inspection is the answer to inspect_request.
type Inspection struct {
	Found bool
	Data  wire.MIMEBundle
}

// Completeness is the answer to is_complete_request.
type Completeness struct {
	// Status is "complete", "incomplete", "invalid" or "unknown".
	Status string
	// Indent is a hint for the next line when Status is "incomplete".
	Indent string
}
