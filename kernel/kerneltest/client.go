package kerneltest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Conn is the client end of a kernel connection, carrying raw frames so
// tests can also send malformed ones. [Transport.Conn] and
// zmqtransport.Dial provide one.
type Conn interface {
	// Key is the HMAC key of the connection (nil: unsigned).
	Key() []byte
	// SendFrames sends a multipart message on Shell, Control or Stdin.
	SendFrames(ch kernel.Channel, frames [][]byte) error
	// Recv returns the next message from the kernel on any channel, in
	// arrival order (IOPub topic frames included).
	Recv(ctx context.Context) (kernel.Channel, [][]byte, error)
	Close() error
}

// Client is a scripted Jupyter client for tests: it sends requests and
// collects, per request, the reply and the IOPub messages whose parent is
// that request. Messages for other requests are kept until asked for.
// A Client is not safe for concurrent use.
type Client struct {
	conn    Conn
	session string
	backlog []Envelope
	// Input answers input_request messages while waiting; nil means
	// input requests are recorded but never answered.
	Input func(prompt string, password bool) string
}

// NewClient returns a client over conn with a fresh session id.
func NewClient(conn Conn) *Client {
	return &Client{conn: conn, session: wire.NewID()}
}

// Conn returns the client's connection.
func (c *Client) Conn() Conn { return c.conn }

// NewRequest builds a signed-ready request message.
func (c *Client) NewRequest(t wire.MsgType, content any) (*wire.Message, error) {
	b, err := wire.Marshal(content)
	if err != nil {
		return nil, err
	}
	return &wire.Message{Header: wire.NewHeader(t, c.session, "test"), Content: b}, nil
}

// Send encodes and sends msg on ch.
func (c *Client) Send(ch kernel.Channel, msg *wire.Message) error {
	frames, err := wire.Encode(msg, c.conn.Key())
	if err != nil {
		return err
	}
	return c.conn.SendFrames(ch, frames)
}

// Start sends a request of type t with content on ch and returns it.
func (c *Client) Start(ch kernel.Channel, t wire.MsgType, content any) (*wire.Message, error) {
	m, err := c.NewRequest(t, content)
	if err != nil {
		return nil, err
	}
	return m, c.Send(ch, m)
}

// Exchange is everything a kernel sent for one request.
type Exchange struct {
	Request      *wire.Message
	Reply        *wire.Message // nil if the kernel did not reply
	ReplyChannel kernel.Channel
	IOPub        []*wire.Message // from busy to idle, in order
	Stdin        []*wire.Message // input requests
	Transcript   []Envelope      // all of the above in arrival order
}

// IOPubTypes lists the msg_types of e.IOPub.
func (e *Exchange) IOPubTypes() []wire.MsgType {
	ts := make([]wire.MsgType, len(e.IOPub))
	for i, m := range e.IOPub {
		ts[i] = m.Header.MsgType
	}
	return ts
}

// Content decodes the reply's content into a map (empty if no reply).
func (e *Exchange) Content() map[string]any {
	m := map[string]any{}
	if e.Reply != nil {
		_ = json.Unmarshal(e.Reply.Content, &m)
	}
	return m
}

// Do sends a request and waits for its reply and its idle status.
func (c *Client) Do(ctx context.Context, ch kernel.Channel, t wire.MsgType, content any) (*Exchange, error) {
	req, err := c.Start(ch, t, content)
	if err != nil {
		return nil, err
	}
	return c.Wait(ctx, req, true)
}

// Execute runs code with default execute_request flags and extra fields
// from opts (e.g. "silent": true) overriding them.
func (c *Client) Execute(ctx context.Context, code string, opts map[string]any) (*Exchange, error) {
	return c.Do(ctx, kernel.Shell, wire.ExecuteRequest, ExecuteContent(code, opts))
}

// ExecuteContent is the content of an execute_request for code.
func ExecuteContent(code string, opts map[string]any) map[string]any {
	content := map[string]any{
		"code": code, "silent": false, "store_history": true,
		"user_expressions": map[string]any{}, "allow_stdin": true, "stop_on_error": true,
	}
	for k, v := range opts {
		content[k] = v
	}
	return content
}

// Wait collects the messages of req until its idle status has arrived and,
// if wantReply, its reply too.
func (c *Client) Wait(ctx context.Context, req *wire.Message, wantReply bool) (*Exchange, error) {
	ex := &Exchange{Request: req}
	idle := false
	take := func(e Envelope) {
		ex.Transcript = append(ex.Transcript, e)
		switch e.Channel {
		case kernel.IOPub:
			ex.IOPub = append(ex.IOPub, e.Msg)
			if e.Msg.Header.MsgType == wire.Status && executionState(e.Msg) == "idle" {
				idle = true
			}
		case kernel.Stdin:
			ex.Stdin = append(ex.Stdin, e.Msg)
			if c.Input != nil && e.Msg.Header.MsgType == wire.InputRequest {
				var ir struct {
					Prompt   string `json:"prompt"`
					Password bool   `json:"password"`
				}
				_ = json.Unmarshal(e.Msg.Content, &ir)
				reply := &wire.Message{Header: wire.NewHeader(wire.InputReply, c.session, "test"),
					ParentHeader: e.Msg.RawHeader()}
				reply.Content, _ = wire.Marshal(map[string]any{"value": c.Input(ir.Prompt, ir.Password)})
				_ = c.Send(kernel.Stdin, reply)
			}
		default:
			ex.Reply, ex.ReplyChannel = e.Msg, e.Channel
		}
	}
	kept := c.backlog[:0]
	for _, e := range c.backlog {
		if ParentID(e.Msg) == req.Header.MsgID {
			take(e)
		} else {
			kept = append(kept, e)
		}
	}
	c.backlog = kept
	for !idle || (wantReply && ex.Reply == nil) {
		e, err := c.Next(ctx)
		if err != nil {
			return ex, fmt.Errorf("waiting for %s %s (reply %v, idle %v): %w",
				req.Header.MsgType, req.Header.MsgID, ex.Reply != nil, idle, err)
		}
		if ParentID(e.Msg) == req.Header.MsgID {
			take(e)
		} else {
			c.backlog = append(c.backlog, e)
		}
	}
	return ex, nil
}

// Next returns the next message from the kernel, verified and decoded. A
// message the client cannot decode is an error: the kernel sent it.
func (c *Client) Next(ctx context.Context) (Envelope, error) {
	ch, frames, err := c.conn.Recv(ctx)
	if err != nil {
		return Envelope{}, err
	}
	m, err := wire.Decode(frames, c.conn.Key())
	if err != nil {
		return Envelope{}, fmt.Errorf("kernel sent an undecodable %s message: %w", ch, err)
	}
	return Envelope{ch, m}, nil
}

// WaitReady resends kernel_info_request on shell until an IOPub message
// comes back, as the notebook server's nudge does: a PUB socket drops
// messages sent before the subscription is live.
func (c *Client) WaitReady(ctx context.Context) error {
	for {
		req, err := c.Start(kernel.Shell, wire.KernelInfoRequest, map[string]any{})
		if err != nil {
			return err
		}
		wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		_, err = c.Wait(wctx, req, true)
		cancel()
		if err == nil {
			c.backlog = c.backlog[:0]
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("kernel not ready: %w", err)
		}
	}
}

// ParentID returns the msg_id of m's parent header ("" if none).
func ParentID(m *wire.Message) string {
	var h struct {
		MsgID string `json:"msg_id"`
	}
	_ = json.Unmarshal(m.ParentHeader, &h)
	return h.MsgID
}

func executionState(m *wire.Message) string {
	var s struct {
		State string `json:"execution_state"`
	}
	_ = json.Unmarshal(m.Content, &s)
	return s.State
}
