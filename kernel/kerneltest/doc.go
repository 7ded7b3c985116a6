// Package kerneltest tests kernels without sockets, the way
// net/http/httptest tests handlers: an in-memory [Transport], a scripted
// [Client], a toy [Interp] and a conformance table ([RunConformance]) that
// every transport must pass.
//
// # Message flow
//
// The in-memory Transport encodes and signs every message in both
// directions with wire.Encode and decodes it with wire.Decode, so tests see
// exactly the frames a socket would carry; bad frames sent by a test are
// logged and dropped as zmqtransport drops them.
//
// A Client sends requests (Start, Do, Execute) and collects an [Exchange]
// per request: the reply, the channel it came on, the IOPub messages from
// busy to idle and any input_request, matched by parent msg_id. Messages
// that belong to other requests wait in a backlog, so tests can send many
// requests before collecting any. Client.Input answers input requests.
//
// # Conformance
//
// RunConformance runs one table of protocol cases (ordering, routing,
// execution count, errors, panics, interrupt, stop_on_error, stdin,
// displays, coalescing, unknown types, introspection, history, comms, bad
// input, 200 back-to-back executes, shutdown), each against a fresh kernel
// from a [Starter]. StartMemory is the in-memory Starter; zmqtransport's
// tests run the same table over tcp loopback.
//
// # Concurrency and lifetimes
//
// Transport is safe for concurrent use by the kernel. A Client is not: one
// test goroutine drives it. Starters register their cleanup with the test.
package kerneltest
