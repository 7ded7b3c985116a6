package zmqtransport

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Client is the client end of a kernel's sockets, as jupyter_client
// builds it: DEALERs for shell, control and stdin sharing one identity, a
// SUB subscribed to everything, and a REQ for heartbeats. It satisfies
// kerneltest.Conn, so kerneltest.Client can script a real kernel, in
// process or started as a separate binary.
type Client struct {
	key                   []byte
	shell, control, stdin zmq4.Socket
	iopub, hb             zmq4.Socket
	in                    chan received
	done                  chan struct{}
	wg                    sync.WaitGroup
	hbMu                  sync.Mutex
	closeOnce             sync.Once
}

type received struct {
	ch     kernel.Channel
	frames [][]byte
	err    error
}

// Dial connects a client to the kernel described by info, retrying while
// the kernel has not bound its sockets yet (zmq4's Dial does not wait as
// libzmq's does).
func Dial(ctx context.Context, info *wire.ConnectionInfo) (*Client, error) {
	id := zmq4.SocketIdentity(wire.NewID())
	opts := []zmq4.Option{zmq4.WithDialerRetry(50 * time.Millisecond), zmq4.WithDialerMaxRetries(100)}
	c := &Client{
		key:     info.KeyBytes(),
		shell:   zmq4.NewDealer(ctx, append(opts, zmq4.WithID(id))...),
		control: zmq4.NewDealer(ctx, append(opts, zmq4.WithID(id))...),
		stdin:   zmq4.NewDealer(ctx, append(opts, zmq4.WithID(id))...),
		iopub:   zmq4.NewSub(ctx, opts...),
		hb:      zmq4.NewReq(ctx, opts...),
		in:      make(chan received, 1024),
		done:    make(chan struct{}),
	}
	for _, s := range []struct {
		sock zmq4.Socket
		port int
	}{{c.shell, info.ShellPort}, {c.control, info.ControlPort}, {c.stdin, info.StdinPort},
		{c.iopub, info.IOPubPort}, {c.hb, info.HBPort}} {
		if err := s.sock.Dial(info.Endpoint(s.port)); err != nil {
			c.Close()
			return nil, fmt.Errorf("zmqtransport: dial: %w", err)
		}
	}
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		c.Close()
		return nil, fmt.Errorf("zmqtransport: subscribe: %w", err)
	}
	for ch, s := range map[kernel.Channel]zmq4.Socket{
		kernel.Shell: c.shell, kernel.Control: c.control, kernel.Stdin: c.stdin, kernel.IOPub: c.iopub,
	} {
		c.wg.Add(1)
		go c.read(ch, s)
	}
	return c, nil
}

func (c *Client) read(ch kernel.Channel, s zmq4.Socket) {
	defer c.wg.Done()
	for {
		m, err := s.Recv()
		select {
		case <-c.done:
			return
		default:
		}
		if err != nil {
			select {
			case c.in <- received{ch: ch, err: err}:
			case <-c.done:
			}
			return
		}
		select {
		case c.in <- received{ch, m.Frames, nil}:
		case <-c.done:
			return
		}
	}
}

// Key returns the HMAC key.
func (c *Client) Key() []byte { return c.key }

// SendFrames sends raw frames on shell, control or stdin.
func (c *Client) SendFrames(ch kernel.Channel, frames [][]byte) error {
	s, err := pick(ch, c.shell, c.control, c.stdin)
	if err != nil {
		return err
	}
	return s.SendMulti(zmq4.NewMsgFrom(frames...))
}

// Recv returns the next message from any channel.
func (c *Client) Recv(ctx context.Context) (kernel.Channel, [][]byte, error) {
	select {
	case r := <-c.in:
		return r.ch, r.frames, r.err
	case <-ctx.Done():
		return 0, nil, ctx.Err()
	case <-c.done:
		return 0, nil, kernel.ErrTransportClosed
	}
}

// Ping sends one heartbeat and waits for its echo.
func (c *Client) Ping(ctx context.Context) error {
	c.hbMu.Lock()
	defer c.hbMu.Unlock()
	payload := []byte("ping " + wire.NewID())
	if err := c.hb.Send(zmq4.NewMsg(payload)); err != nil {
		return err
	}
	got := make(chan error, 1)
	go func() {
		m, err := c.hb.Recv()
		if err == nil && (len(m.Frames) != 1 || string(m.Frames[0]) != string(payload)) {
			err = fmt.Errorf("zmqtransport: heartbeat echo %q", m.Frames)
		}
		got <- err
	}()
	select {
	case err := <-got:
		return err
	case <-ctx.Done():
		return errors.Join(ctx.Err(), c.hb.Close()) // a REQ cannot be reused
	}
}

// Close closes the client's sockets and waits for its readers.
func (c *Client) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.done)
		for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin, c.iopub, c.hb} {
			err = errors.Join(err, s.Close())
		}
		c.wg.Wait()
	})
	return err
}
