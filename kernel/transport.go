package kernel

import (
	"context"
	"errors"

	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Channel names one of the kernel's sockets.
type Channel uint8

// The channels a Transport carries. The heartbeat is the transport's own
// business and never reaches the core.
const (
	Shell Channel = iota + 1
	Control
	Stdin
	IOPub
)

// String returns the channel's protocol name, e.g. "shell".
func (c Channel) String() string {
	switch c {
	case Shell:
		return "shell"
	case Control:
		return "control"
	case Stdin:
		return "stdin"
	case IOPub:
		return "iopub"
	}
	return "channel(?)"
}

// Transport moves decoded messages between the core and the clients, the
// second seam of the kernel (after xeus's xserver). The core never touches
// a socket; zmqtransport implements Transport with ZeroMQ and kerneltest
// in memory.
//
// A Transport verifies signatures and decodes frames itself: a malformed or
// badly signed message is logged and dropped and never reaches Recv.
// Methods may be called from several goroutines at once.
type Transport interface {
	// Recv returns the next message that arrived on Shell, Control or
	// Stdin. It blocks until one arrives, ctx is done (it then returns
	// ctx's error) or the transport is closed ([ErrTransportClosed]).
	Recv(ctx context.Context) (Channel, *wire.Message, error)

	// Send sends msg on Shell, Control or Stdin to the peer named by
	// msg.Identities.
	Send(ch Channel, msg *wire.Message) error

	// Publish broadcasts msg on IOPub. It must not block on slow
	// subscribers, and messages must leave in the order of the calls.
	Publish(msg *wire.Message) error
}

// ErrTransportClosed is returned by Transport methods after Close.
var ErrTransportClosed = errors.New("kernel: transport closed")
