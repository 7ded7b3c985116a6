package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Options configures a Kernel. The zero value is usable.
type Options struct {
	// Session is the kernel's session id, sent in every header. Empty
	// means a new UUID.
	Session string
	// Username is the header username of kernel messages; default "kernel".
	Username string
	// Logger receives protocol problems (unknown message types, recovered
	// panics, send failures). Nil means slog.Default().
	Logger *slog.Logger
	// StreamFlush is how long stream text is coalesced before it is
	// published; default 50ms. Text is always flushed before any other
	// output of the cell and before execute_reply.
	StreamFlush time.Duration
	// Cursor is the unit of cursor_pos in complete and inspect requests;
	// default CursorUTF16 (what JupyterLab sends).
	Cursor CursorUnit
	// ShutdownTimeout bounds how long Serve waits for a running Execute
	// to return after shutdown; default 2s.
	ShutdownTimeout time.Duration
}

// Kernel is the protocol core: it receives requests from a Transport,
// publishes busy/idle around each, drives the Interpreter and replies on
// the channel each request came from. See the package documentation for
// the message flow and the goroutines involved.
type Kernel struct {
	interp  Interpreter
	tr      Transport
	opts    Options
	log     *slog.Logger
	session string

	queue   requestQueue
	control chan *request
	served  atomic.Bool

	stop context.CancelCauseFunc // cancels Serve's context; set by Serve

	mu        sync.Mutex
	count     int                     // execution count
	cancelRun context.CancelCauseFunc // of the running execute, or nil
	inputWait *pendingInput           // a pending Output.Input, or nil
	history   history
}

// errShutdown is the cause of Serve's context after shutdown_request.
var errShutdown = errors.New("kernel: shutting down")

// New returns a kernel serving interp over tr. Call Serve to run it.
func New(interp Interpreter, tr Transport, opts Options) *Kernel {
	if opts.Session == "" {
		opts.Session = wire.NewID()
	}
	if opts.Username == "" {
		opts.Username = "kernel"
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.StreamFlush <= 0 {
		opts.StreamFlush = 50 * time.Millisecond
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 2 * time.Second
	}
	k := &Kernel{
		interp:  interp,
		tr:      tr,
		opts:    opts,
		log:     opts.Logger,
		session: opts.Session,
		control: make(chan *request, 16),
	}
	k.queue.init()
	return k
}

// Session returns the kernel's session id.
func (k *Kernel) Session() string { return k.session }

// Serve receives and handles requests until a shutdown_request has been
// answered (it then returns nil), ctx is done (it returns ctx's error) or
// the transport fails. Serve does not close the transport; the caller does,
// after Serve returns. Serve may be called once.
//
// Serve waits up to Options.ShutdownTimeout for a running Execute to notice
// its cancelled context; an Execute that ignores it is left running.
func (k *Kernel) Serve(ctx context.Context) error {
	if !k.served.CompareAndSwap(false, true) {
		return errors.New("kernel: Serve called twice")
	}
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	k.mu.Lock()
	k.stop = stop
	k.mu.Unlock()

	k.publish(nil, wire.Status, statusContent{"starting"})
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); k.executeLoop(ctx) }()
	go func() { defer wg.Done(); k.controlLoop(ctx) }()
	go func() { wg.Wait(); close(done) }()

	err := k.receiveLoop(ctx)
	stop(err)
	k.Interrupt()
	select {
	case <-done:
	case <-time.After(k.opts.ShutdownTimeout):
		k.log.Warn("kernel: a running execute ignored cancellation; not waiting for it")
	}
	if c, ok := k.interp.(io.Closer); ok {
		if cerr := c.Close(); cerr != nil {
			k.log.Warn("kernel: close interpreter", "err", cerr)
		}
	}
	if errors.Is(context.Cause(ctx), errShutdown) {
		return nil
	}
	return err
}

// receiveLoop routes incoming messages until ctx is done or Recv fails.
func (k *Kernel) receiveLoop(ctx context.Context) error {
	for {
		ch, msg, err := k.tr.Recv(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("kernel: receive: %w", err)
		}
		switch ch {
		case Shell:
			k.queue.push(&request{ch: ch, msg: msg})
		case Control:
			select {
			case k.control <- &request{ch: ch, msg: msg}:
			case <-ctx.Done():
				return ctx.Err()
			}
		case Stdin:
			k.deliverInput(msg)
		default:
			k.log.Warn("kernel: message on unexpected channel", "channel", ch, "type", msg.Header.MsgType)
		}
	}
}

// executeLoop serves shell requests one at a time, in arrival order.
func (k *Kernel) executeLoop(ctx context.Context) {
	for {
		r, abort, ok := k.queue.pop(ctx)
		if !ok {
			return
		}
		if abort && r.msg.Header.MsgType == wire.ExecuteRequest {
			k.handleWith(ctx, r, (*Kernel).abortExecute)
			continue
		}
		k.handle(ctx, r)
	}
}

// controlLoop serves control requests; it never waits for an execute.
func (k *Kernel) controlLoop(ctx context.Context) {
	for {
		select {
		case r := <-k.control:
			k.handle(ctx, r)
		case <-ctx.Done():
			return
		}
	}
}

// Interrupt cancels the running execute, if any, with cause
// ErrInterrupted; a pending Output.Input returns. It is what
// interrupt_request does, and what main should call on SIGINT.
func (k *Kernel) Interrupt() {
	k.mu.Lock()
	cancel := k.cancelRun
	k.mu.Unlock()
	if cancel != nil {
		cancel(ErrInterrupted)
	}
}

// request is one received message and the channel it came on.
type request struct {
	ch  Channel
	msg *wire.Message
	// shutdown is set by the shutdown handler: stop serving after idle.
	shutdown bool
}

// reply sends a reply to r on r's channel, to r's peer.
func (k *Kernel) reply(r *request, t wire.MsgType, content any) {
	m, err := k.message(r.msg.RawHeader(), t, content)
	if err == nil {
		m.Identities = r.msg.Identities
		err = k.tr.Send(r.ch, m)
	}
	if err != nil {
		k.log.Error("kernel: send reply", "type", t, "channel", r.ch, "err", err)
	}
}

// publish broadcasts a message on IOPub with parent as parent_header.
func (k *Kernel) publish(parent []byte, t wire.MsgType, content any) {
	m, err := k.message(parent, t, content)
	if err == nil {
		m.Identities = [][]byte{[]byte("kernel." + k.session + "." + string(t))}
		err = k.tr.Publish(m)
	}
	if err != nil {
		k.log.Error("kernel: publish", "type", t, "err", err)
	}
}

func (k *Kernel) message(parent []byte, t wire.MsgType, content any) (*wire.Message, error) {
	c, err := wire.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("kernel: marshal %s: %w", t, err)
	}
	return &wire.Message{
		Header:       wire.NewHeader(t, k.session, k.opts.Username),
		ParentHeader: parent,
		Content:      c,
	}, nil
}
