package wire

// MIMEBundle is the data of one rich output: a map from MIME type to
// representation, plus per-type metadata. It is the payload of display_data,
// update_display_data, execute_result and inspect_reply.
//
// Data must always hold "text/plain" so every client can show something.
// Text types (text/plain, text/html, image/svg+xml) are strings, image/png is
// a base64 string, and application/json is a JSON value (an object), never a
// string. Metadata is marshalled as {} when nil, never null.
type MIMEBundle struct {
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}
