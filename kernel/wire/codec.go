package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// Delimiter separates the routing identities from the message proper.
const Delimiter = "<IDS|MSG>"

// ErrBadSignature is returned by [Decode] when a message's HMAC signature is
// missing, not hex, or does not match. Such a message must be dropped
// unread.
var ErrBadSignature = errors.New("wire: bad message signature")

// DecodeError describes a malformed message. Frame is the index, in the
// frame list given to [Decode], of the frame at fault, or -1 when the
// problem is the list as a whole.
type DecodeError struct {
	Frame  int
	Reason string
}

// Error describes the problem and the frame.
func (e *DecodeError) Error() string {
	if e.Frame < 0 {
		return "wire: malformed message: " + e.Reason
	}
	return fmt.Sprintf("wire: malformed message: frame %d: %s", e.Frame, e.Reason)
}

// Sign returns the lowercase hex HMAC-SHA256 of the four serialized dicts
// under key, as jupyter_client's Session.sign computes it. An empty key
// gives an empty signature (signing disabled).
func Sign(key []byte, header, parent, metadata, content []byte) string {
	if len(key) == 0 {
		return ""
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(header)
	mac.Write(parent)
	mac.Write(metadata)
	mac.Write(content)
	return hex.EncodeToString(mac.Sum(nil))
}

// verify checks sig against the four parts in constant time.
func verify(key, sig []byte, parts [][]byte) bool {
	if len(key) == 0 {
		return true
	}
	got := make([]byte, hex.DecodedLen(len(sig)))
	if _, err := hex.Decode(got, sig); err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, key)
	for _, p := range parts {
		mac.Write(p)
	}
	return hmac.Equal(got, mac.Sum(nil))
}

// Decode parses a multipart message:
//
//	[ident…] "<IDS|MSG>" signature header parent_header metadata content [buffer…]
//
// With a non-empty key the signature is checked before any JSON is parsed;
// a missing or wrong signature gives [ErrBadSignature]. Structural problems
// give a *[DecodeError]. Decode never panics, whatever the bytes, and the
// returned message does not alias frames' outer slice (frame contents are
// shared).
func Decode(frames [][]byte, key []byte) (*Message, error) {
	d := -1
	for i, f := range frames {
		if string(f) == Delimiter {
			d = i
			break
		}
	}
	if d < 0 {
		return nil, &DecodeError{Frame: -1, Reason: "no " + Delimiter + " delimiter"}
	}
	if n := len(frames) - d - 1; n < 5 {
		return nil, &DecodeError{Frame: -1, Reason: fmt.Sprintf("%d frames after the delimiter, want at least 5", n)}
	}
	sig, parts := frames[d+1], frames[d+2:d+6]
	if !verify(key, sig, parts) {
		return nil, ErrBadSignature
	}
	m := &Message{}
	if d > 0 {
		m.Identities = append([][]byte(nil), frames[:d]...)
	}
	names := [4]string{"header", "parent_header", "metadata", "content"}
	for i, p := range parts {
		if !isObject(p) {
			return nil, &DecodeError{Frame: d + 2 + i, Reason: names[i] + " is not a JSON object"}
		}
	}
	if err := json.Unmarshal(parts[0], &m.Header); err != nil {
		return nil, &DecodeError{Frame: d + 2, Reason: "header: " + err.Error()}
	}
	m.rawHeader = json.RawMessage(parts[0])
	m.ParentHeader = json.RawMessage(parts[1])
	m.Metadata = json.RawMessage(parts[2])
	m.Content = json.RawMessage(parts[3])
	if len(frames) > d+6 {
		m.Buffers = append([][]byte(nil), frames[d+6:]...)
	}
	return m, nil
}

// isObject reports whether b is one valid JSON object.
func isObject(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && json.Valid(b)
}

// Encode serializes m into frames, signing with key (empty key: empty
// signature). The header is marshalled from m.Header; nil ParentHeader,
// Metadata and Content are sent as {}. Encode fails only if a raw field is
// not valid JSON.
func Encode(m *Message, key []byte) ([][]byte, error) {
	header, err := Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("wire: encode header: %w", err)
	}
	parent, metadata, content := orEmpty(m.ParentHeader), orEmpty(m.Metadata), orEmpty(m.Content)
	for _, f := range []struct {
		name string
		b    []byte
	}{{"parent_header", parent}, {"metadata", metadata}, {"content", content}} {
		if !isObject(f.b) {
			return nil, fmt.Errorf("wire: encode %s %s: not a JSON object", m.Header.MsgType, f.name)
		}
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames,
		[]byte(Delimiter),
		[]byte(Sign(key, header, parent, metadata, content)),
		header, parent, metadata, content)
	frames = append(frames, m.Buffers...)
	return frames, nil
}
