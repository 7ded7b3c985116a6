package zmqtransport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Options configures a Transport. The zero value is usable.
type Options struct {
	// Logger receives dropped messages and socket errors. Nil means
	// slog.Default().
	Logger *slog.Logger
	// Linger is how long Close waits, after the IOPub queue has been handed
	// to the PUB socket, for the socket's own queue to reach subscribers
	// (zmq4 sends asynchronously and has no flush); default 100ms.
	Linger time.Duration
	// SendTimeout bounds a reply Send; default 10s.
	SendTimeout time.Duration
}

// Transport is the ZeroMQ [kernel.Transport]: ROUTER sockets for shell,
// control and stdin, PUB for IOPub, and a ROUTER that echoes heartbeats.
type Transport struct {
	info wire.ConnectionInfo // with the ports actually bound
	key  []byte
	log  *slog.Logger
	opts Options

	shell, control, stdin, iopub, hb zmq4.Socket
	sendMu                           [3]sync.Mutex // shell, control, stdin

	in   chan incoming
	pub  chan [][]byte
	done chan struct{} // closed when Close starts tearing down

	pubMu     sync.RWMutex // guards pubClosed against Publish
	pubClosed bool
	writer    sync.WaitGroup // the IOPub writer
	loops     sync.WaitGroup // readers and heartbeat
	closeOnce sync.Once
}

type incoming struct {
	ch  kernel.Channel
	msg *wire.Message
}

var _ kernel.Transport = (*Transport)(nil)

// Listen binds the five sockets described by info and starts serving
// them: reader goroutines for shell, control and stdin, the IOPub writer and
// the heartbeat echo. A tcp port of 0 binds a free port; ConnectionInfo
// reports the ports in use. ctx bounds the sockets' lifetime; Close ends it
// cleanly.
func Listen(ctx context.Context, info *wire.ConnectionInfo, opts Options) (*Transport, error) {
	if err := info.Validate(); err != nil {
		return nil, fmt.Errorf("zmqtransport: connection info: %w", err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Linger <= 0 {
		opts.Linger = 100 * time.Millisecond
	}
	if opts.SendTimeout <= 0 {
		opts.SendTimeout = 10 * time.Second
	}
	t := &Transport{
		info: *info,
		key:  info.KeyBytes(),
		log:  opts.Logger,
		opts: opts,
		in:   make(chan incoming, 64),
		pub:  make(chan [][]byte, 4096),
		done: make(chan struct{}),
	}
	zlog := slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn)
	zlog.SetPrefix("zmq4: ")
	zopts := []zmq4.Option{zmq4.WithLogger(zlog), zmq4.WithTimeout(opts.SendTimeout)}
	binds := []struct {
		sock *zmq4.Socket
		make func(context.Context, ...zmq4.Option) zmq4.Socket
		port *int
	}{
		{&t.shell, zmq4.NewRouter, &t.info.ShellPort},
		{&t.control, zmq4.NewRouter, &t.info.ControlPort},
		{&t.stdin, zmq4.NewRouter, &t.info.StdinPort},
		{&t.iopub, zmq4.NewPub, &t.info.IOPubPort},
		{&t.hb, zmq4.NewRouter, &t.info.HBPort},
	}
	for _, b := range binds {
		s := b.make(ctx, zopts...)
		*b.sock = s
		if err := s.Listen(info.Endpoint(*b.port)); err != nil {
			t.closeSockets()
			return nil, fmt.Errorf("zmqtransport: %w", err)
		}
		if a, ok := s.Addr().(*net.TCPAddr); ok {
			*b.port = a.Port
		}
	}
	t.writer.Add(1)
	go t.writeIOPub()
	t.loops.Add(4)
	go t.read(kernel.Shell, t.shell)
	go t.read(kernel.Control, t.control)
	go t.read(kernel.Stdin, t.stdin)
	go t.heartbeat()
	return t, nil
}

// ConnectionInfo returns the connection info with the ports bound.
func (t *Transport) ConnectionInfo() wire.ConnectionInfo { return t.info }

func (t *Transport) closing() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

// read decodes messages from one ROUTER socket. Bad messages are logged
// and dropped: they never reach the kernel.
func (t *Transport) read(ch kernel.Channel, s zmq4.Socket) {
	defer t.loops.Done()
	for {
		zm, err := s.Recv()
		if err != nil {
			if t.closing() {
				return
			}
			t.log.Warn("zmqtransport: receive", "channel", ch, "err", err)
			select { // a broken socket must not spin
			case <-t.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		m, err := wire.Decode(zm.Frames, t.key)
		if err != nil {
			t.log.Warn("zmqtransport: dropped bad message", "channel", ch, "frames", len(zm.Frames), "err", err)
			continue
		}
		select {
		case t.in <- incoming{ch, m}:
		case <-t.done:
			return
		}
	}
}

// heartbeat echoes every heartbeat message, identity frames included, so
// a REQ client gets its ping back. It never waits for kernel work.
func (t *Transport) heartbeat() {
	defer t.loops.Done()
	for {
		m, err := t.hb.Recv()
		if err != nil {
			if t.closing() {
				return
			}
			select {
			case <-t.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		if len(m.Frames) == 0 {
			continue
		}
		if err := t.hb.Send(zmq4.NewMsgFrom(m.Frames...)); err != nil && !t.closing() {
			t.log.Warn("zmqtransport: heartbeat echo", "err", err)
		}
	}
}

// writeIOPub is the single goroutine that writes the PUB socket.
func (t *Transport) writeIOPub() {
	defer t.writer.Done()
	for frames := range t.pub {
		// SendMulti writes the whole message with one writev instead of
		// a system call or two per frame: a quarter of an execute's CPU.
		if err := t.iopub.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
			t.log.Warn("zmqtransport: publish", "err", err)
		}
	}
}

// Recv implements [kernel.Transport].
func (t *Transport) Recv(ctx context.Context) (kernel.Channel, *wire.Message, error) {
	select {
	case in := <-t.in:
		return in.ch, in.msg, nil
	case <-ctx.Done():
		return 0, nil, ctx.Err()
	case <-t.done:
		return 0, nil, kernel.ErrTransportClosed
	}
}

// Send implements [kernel.Transport].
func (t *Transport) Send(ch kernel.Channel, msg *wire.Message) error {
	s, err := pick(ch, t.shell, t.control, t.stdin)
	if err != nil {
		return err
	}
	if len(msg.Identities) == 0 {
		return fmt.Errorf("zmqtransport: %s %s without a routing identity", ch, msg.Header.MsgType)
	}
	if t.closing() {
		return kernel.ErrTransportClosed
	}
	frames, err := wire.Encode(msg, t.key)
	if err != nil {
		return err
	}
	mu := &t.sendMu[ch-kernel.Shell]
	mu.Lock()
	defer mu.Unlock()
	if err := s.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		return fmt.Errorf("zmqtransport: send %s on %s: %w", msg.Header.MsgType, ch, err)
	}
	return nil
}

// pick returns the socket of a request channel.
func pick(ch kernel.Channel, shell, control, stdin zmq4.Socket) (zmq4.Socket, error) {
	switch ch {
	case kernel.Shell:
		return shell, nil
	case kernel.Control:
		return control, nil
	case kernel.Stdin:
		return stdin, nil
	}
	return nil, fmt.Errorf("zmqtransport: cannot send on %s", ch)
}

// Publish implements [kernel.Transport]: it signs msg now and queues it for
// the IOPub writer, so it blocks only while the queue is full.
func (t *Transport) Publish(msg *wire.Message) error {
	frames, err := wire.Encode(msg, t.key)
	if err != nil {
		return err
	}
	t.pubMu.RLock()
	defer t.pubMu.RUnlock()
	if t.pubClosed {
		return kernel.ErrTransportClosed
	}
	t.pub <- frames
	return nil
}

// Close flushes the IOPub queue, waits Options.Linger for it to leave,
// closes the sockets and waits for every goroutine the transport started.
func (t *Transport) Close() error {
	var err error
	t.closeOnce.Do(func() {
		t.pubMu.Lock()
		t.pubClosed = true
		close(t.pub)
		t.pubMu.Unlock()
		t.writer.Wait()
		time.Sleep(t.opts.Linger)
		close(t.done)
		err = t.closeSockets()
		t.loops.Wait()
	})
	return err
}

func (t *Transport) closeSockets() error {
	var errs []error
	for _, s := range []zmq4.Socket{t.shell, t.control, t.stdin, t.iopub, t.hb} {
		if s != nil {
			if err := s.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
