// Package zmqtransport carries the Jupyter protocol over ZeroMQ
// (github.com/go-zeromq/zmq4, pure Go): it is the [kernel.Transport] of the
// real kernel and the only package that imports zmq4.
//
// # Sockets and goroutines
//
// [Listen] binds the five sockets of a connection file: ROUTER for shell,
// control and stdin, PUB for IOPub, and a ROUTER for the heartbeat that
// echoes every message with its identity frames (a REQ client sees plain
// request/reply). It starts:
//
//   - one reader per ROUTER (shell, control, stdin), which verifies and
//     decodes frames with wire.Decode and drops bad messages with a log
//     line, so they never reach the kernel;
//   - one IOPub writer, the only goroutine that writes the PUB socket;
//     Publish signs the message at once and queues it, so publishing never
//     waits for a subscriber and keeps call order;
//   - the heartbeat echo, which never waits for kernel work.
//
// Replies (Send) are written by the calling goroutine, one at a time per
// socket.
//
// # Shutdown
//
// [Transport.Close] stops Publish, drains the IOPub queue into the PUB
// socket, waits Options.Linger for zmq4 to deliver it (zmq4 sends
// asynchronously and has no flush), closes the sockets and waits for its
// goroutines. zmq4 itself keeps one idle goroutine per closed PUB socket
// (its writer is never stopped in v0.17.0).
//
// # zmq4 quirks handled here
//
//   - PUB drops messages published before a subscriber's subscription
//     arrives (slow joiner): clients resend kernel_info_request until an
//     IOPub message comes back ([Client.Dial] users call
//     kerneltest.Client.WaitReady).
//   - ROUTER Send blocks until some peer has connected and silently drops
//     messages for unknown identities; replies always echo the request's
//     identities, and Options.SendTimeout bounds a send.
//   - Dial does not wait for the peer to bind; [Dial] retries.
//   - A frame's length comes from the network and zmq4 allocates it before
//     reading; a hostile peer can make the process allocate a lot. Bind
//     to loopback, as Jupyter does by default.
//
// [Dial] returns a [Client], the client end built as jupyter_client builds
// it (DEALERs sharing one identity, SUB, REQ), for tests and benchmarks.
package zmqtransport
