package kerneltest

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Envelope is a message and the channel it travelled on.
type Envelope struct {
	Channel kernel.Channel
	Msg     *wire.Message
}

type frameEnvelope struct {
	ch     kernel.Channel
	frames [][]byte
}

// Transport is an in-memory [kernel.Transport]. Every message in either
// direction is encoded to frames and decoded again with the key, so the
// core is tested against exactly what a socket would carry: bad frames
// sent by a test are logged and dropped as zmqtransport drops them.
//
// The client end is the Conn returned by [Transport.Conn].
type Transport struct {
	key     []byte
	log     *slog.Logger
	in      chan frameEnvelope // client → kernel
	out     chan frameEnvelope // kernel → client
	done    chan struct{}
	once    sync.Once
	dropped atomic.Int64
}

var _ kernel.Transport = (*Transport)(nil)

// NewTransport returns an in-memory transport signing with key (nil: no
// signing). A nil logger discards.
func NewTransport(key []byte, logger *slog.Logger) *Transport {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Transport{
		key:  key,
		log:  logger,
		in:   make(chan frameEnvelope, 1024),
		out:  make(chan frameEnvelope, 1<<16),
		done: make(chan struct{}),
	}
}

// Recv implements [kernel.Transport].
func (t *Transport) Recv(ctx context.Context) (kernel.Channel, *wire.Message, error) {
	for {
		select {
		case <-ctx.Done():
			return 0, nil, ctx.Err()
		case <-t.done:
			return 0, nil, kernel.ErrTransportClosed
		case fe := <-t.in:
			m, err := wire.Decode(fe.frames, t.key)
			if err != nil {
				t.dropped.Add(1)
				t.log.Warn("kerneltest: dropped bad message", "channel", fe.ch, "err", err)
				continue
			}
			return fe.ch, m, nil
		}
	}
}

// Send implements [kernel.Transport].
func (t *Transport) Send(ch kernel.Channel, msg *wire.Message) error { return t.emit(ch, msg) }

// Publish implements [kernel.Transport].
func (t *Transport) Publish(msg *wire.Message) error { return t.emit(kernel.IOPub, msg) }

func (t *Transport) emit(ch kernel.Channel, msg *wire.Message) error {
	frames, err := wire.Encode(msg, t.key)
	if err != nil {
		return err
	}
	select {
	case <-t.done:
		return kernel.ErrTransportClosed
	case t.out <- frameEnvelope{ch, frames}:
		return nil
	}
}

// Dropped returns how many bad incoming messages were dropped.
func (t *Transport) Dropped() int { return int(t.dropped.Load()) }

// Close ends the transport; Recv returns ErrTransportClosed.
func (t *Transport) Close() error {
	t.once.Do(func() { close(t.done) })
	return nil
}

// Conn returns the client end of the transport.
func (t *Transport) Conn() Conn { return memConn{t} }

type memConn struct{ t *Transport }

func (c memConn) Key() []byte { return c.t.key }

func (c memConn) SendFrames(ch kernel.Channel, frames [][]byte) error {
	select {
	case <-c.t.done:
		return kernel.ErrTransportClosed
	case c.t.in <- frameEnvelope{ch, frames}:
		return nil
	}
}

func (c memConn) Recv(ctx context.Context) (kernel.Channel, [][]byte, error) {
	select {
	case <-ctx.Done():
		return 0, nil, ctx.Err()
	case fe := <-c.t.out:
		return fe.ch, fe.frames, nil
	}
}

func (c memConn) Close() error { return nil }
