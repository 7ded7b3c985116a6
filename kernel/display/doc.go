// Package display builds the rich outputs a cell shows: MIME bundles and
// live progress displays.
//
// # Bundles
//
// Every constructor returns a [wire.MIMEBundle] that holds "text/plain", so
// every client (the console, nbconvert to text, Notebook 6 without a JSON
// renderer) can show something. The richer representations follow the
// Jupyter conventions:
//
//   - text/html and text/markdown and image/svg+xml are strings;
//   - image/png is base64 text, with metadata {"image/png": {"width", "height"}}
//     read from the PNG header;
//   - application/json is a JSON object, never a string, with metadata
//     {"application/json": {"expanded": false}}.
//
// [Merge] combines alternatives, for instance a PNG and an SVG of one plot;
// the client picks the richest type it can render. [Table] renders a header
// and rows as an escaped HTML table with an aligned plain-text fallback.
//
// The package draws nothing itself: plots arrive as PNG or SVG bytes from the
// code that rendered them (arch2vec/plot), so display depends on no plotting
// library.
//
// # Progress
//
// [Progress] is a progress bar bound to a [kernel.Output]. It shows the bar
// (HTML and text), done/total, the rate, the remaining time and a status
// message. Its first publication is a display_data with a unique display id;
// later states replace it with update_display_data, at most a few times per
// second, and [Progress.Finish] always publishes the final state. It is safe
// for use by several goroutines.
//
// # Concurrency
//
// Bundle constructors are pure functions. A Progress may be shared by the
// goroutines of one command; it must not be used after the command returns,
// because its Output must not.
package display
