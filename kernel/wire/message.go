package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gofrs/uuid/v5"
)

// Version is the protocol version this package speaks; it goes into the
// version field of every header and into kernel_info_reply.
const Version = "5.3"

// DateFormat is the layout of header dates: microseconds and a zone, the
// most jupyter_client parses into a timezone-aware datetime.
const DateFormat = "2006-01-02T15:04:05.000000Z07:00"

// Header is a message header. Date is kept as the string that was sent so
// that odd client formats survive a decode.
type Header struct {
	MsgID    string  `json:"msg_id"`
	Session  string  `json:"session"`
	Username string  `json:"username"`
	Date     string  `json:"date"`
	MsgType  MsgType `json:"msg_type"`
	Version  string  `json:"version"`
	// SubshellID is the protocol 5.5 subshell; empty means the main shell.
	SubshellID string `json:"subshell_id,omitempty"`
}

// NewHeader returns a header for a new message of type t in session: a
// fresh UUID message id, the current time and protocol [Version].
func NewHeader(t MsgType, session, username string) Header {
	return Header{
		MsgID:    NewID(),
		Session:  session,
		Username: username,
		Date:     time.Now().UTC().Format(DateFormat),
		MsgType:  t,
		Version:  Version,
	}
}

// NewID returns a new random (version 4) UUID string for msg_id and
// session fields.
func NewID() string {
	return uuid.Must(uuid.NewV4()).String()
}

// Message is one Jupyter message as it travels on a socket.
//
// ParentHeader, Metadata and Content are raw JSON objects so that a request
// header is copied into a reply's parent_header byte for byte (unknown
// fields survive) and content is decoded only by the code that knows its
// type. Nil raw fields are encoded as {}.
type Message struct {
	// Identities are the ZeroMQ routing frames before the delimiter. On a
	// ROUTER socket they address the peer; on IOPub the first is the topic.
	Identities   [][]byte
	Header       Header
	ParentHeader json.RawMessage
	Metadata     json.RawMessage
	Content      json.RawMessage
	// Buffers are the optional binary frames after content.
	Buffers [][]byte

	rawHeader json.RawMessage // the header as received, if decoded
}

// RawHeader returns the header as JSON: the bytes received for a decoded
// message, otherwise Header marshalled. Use it as the parent_header of a
// reply.
func (m *Message) RawHeader() json.RawMessage {
	if m.rawHeader != nil {
		return m.rawHeader
	}
	b, err := Marshal(m.Header)
	if err != nil { // a Header of strings always marshals
		panic(fmt.Sprintf("wire: marshal header: %v", err))
	}
	return b
}

// DecodeContent unmarshals the content into v (a pointer).
func (m *Message) DecodeContent(v any) error {
	if len(m.Content) == 0 {
		return nil
	}
	if err := json.Unmarshal(m.Content, v); err != nil {
		return fmt.Errorf("wire: %s content: %w", m.Header.MsgType, err)
	}
	return nil
}

// Marshal is json.Marshal without HTML escaping (HTML and SVG outputs stay
// readable and small) and without the trailing newline.
func Marshal(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// emptyObject is the encoding of nil raw fields.
var emptyObject = json.RawMessage("{}")

func orEmpty(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || string(b) == "null" {
		return emptyObject
	}
	return b
}
