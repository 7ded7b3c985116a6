// Package wire is the Jupyter messaging protocol (version 5.3) as data:
// messages, headers, message types, the connection file, HMAC signing and
// the multipart frame codec. It has no sockets and no goroutines, so every
// function here can be tested on bytes alone.
//
// # Frames
//
// A message travels as ZeroMQ frames:
//
//	[ident…] "<IDS|MSG>" signature header parent_header metadata content [buffer…]
//
// [Decode] turns frames into a [Message] and [Encode] does the reverse. The
// signature is the lowercase hex HMAC-SHA256 (key from the connection file)
// of the four JSON dicts in order; an empty key disables signing.
//
// # Untrusted input
//
// Frames come from the network. Decode bounds-checks every index, verifies
// the signature before it parses any JSON, and reports problems as
// [ErrBadSignature] or a *[DecodeError] naming the frame at fault. It never
// panics; FuzzDecode checks that, and that decode→encode→decode is stable.
//
// # JSON conventions
//
// Go marshals nil maps and slices as null, which Jupyter clients reject
// where the spec wants {} or []. Encode sends nil raw fields as {}, and
// [MIMEBundle] marshals nil Data and Metadata as {}. [Marshal] disables
// HTML escaping so HTML and SVG outputs are sent as written. A reply's
// parent_header is the request's header copied byte for byte
// ([Message.RawHeader]), so unknown header fields survive. Dates use
// [DateFormat]: microseconds and a zone.
//
// # Ownership
//
// Decode shares the frames' byte slices with the returned message; callers
// must not modify the frames afterwards. Encode shares Identities, Buffers
// and the raw JSON fields with the message.
package wire
