package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/arch2vec/arch2vec/kernel/wire"
)

// errOutputClosed is returned by Output methods called after Execute
// returned.
var errOutputClosed = errors.New("kernel: output used after Execute returned")

// streamLimit is the size at which buffered stream text is published
// without waiting for the flush timer.
const streamLimit = 64 << 10

// output is the Output of one execute_request. Stream text is buffered
// and published when the flush timer fires, when the stream name changes,
// before any other output, and when Execute returns, so stream messages
// stay in order with the rest of the cell's output. The mutex is held
// while publishing, which is what keeps that order across goroutines.
type output struct {
	k          *Kernel
	r          *request
	parent     []byte
	silent     bool
	allowStdin bool

	mu     sync.Mutex
	closed bool
	name   string // stream of buf
	buf    strings.Builder
	timer  *time.Timer
}

var _ Output = (*output)(nil)

func newOutput(k *Kernel, r *request, silent, allowStdin bool) *output {
	return &output{k: k, r: r, parent: r.msg.RawHeader(), silent: silent, allowStdin: allowStdin}
}

func (o *output) Stream(name, text string) error {
	if name != "stdout" && name != "stderr" {
		return fmt.Errorf("kernel: stream %q: want stdout or stderr", name)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return errOutputClosed
	}
	if o.silent || text == "" {
		return nil
	}
	if o.buf.Len() > 0 && o.name != name {
		o.flushLocked()
	}
	o.name = name
	o.buf.WriteString(text)
	if o.buf.Len() >= streamLimit {
		o.flushLocked()
	} else if o.timer == nil {
		o.timer = time.AfterFunc(o.k.opts.StreamFlush, o.flush)
	}
	return nil
}

func (o *output) flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.closed {
		o.flushLocked()
	}
}

func (o *output) flushLocked() {
	if o.timer != nil {
		o.timer.Stop()
		o.timer = nil
	}
	if o.buf.Len() == 0 {
		return
	}
	o.k.publish(o.parent, wire.Stream, streamContent{Name: o.name, Text: o.buf.String()})
	o.buf.Reset()
}

// send flushes pending stream text and publishes one message, unless the
// request is silent.
func (o *output) send(t wire.MsgType, content any) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return errOutputClosed
	}
	if o.silent {
		return nil
	}
	o.flushLocked()
	o.k.publish(o.parent, t, content)
	return nil
}

func (o *output) Display(b wire.MIMEBundle, id string) error {
	data, md := bundleMaps(b)
	transient := map[string]any{}
	if id != "" {
		transient["display_id"] = id
	}
	return o.send(wire.DisplayData, displayContent{Data: data, Metadata: md, Transient: transient})
}

func (o *output) UpdateDisplay(b wire.MIMEBundle, id string) error {
	if id == "" {
		return errors.New("kernel: update display: empty display id")
	}
	data, md := bundleMaps(b)
	return o.send(wire.UpdateDisplayData, displayContent{
		Data: data, Metadata: md, Transient: map[string]any{"display_id": id},
	})
}

func (o *output) Clear(wait bool) error {
	return o.send(wire.ClearOutput, map[string]any{"wait": wait})
}

// Input sends input_request on stdin to the peer that sent the execute
// request and waits for its input_reply.
func (o *output) Input(ctx context.Context, prompt string, password bool) (string, error) {
	if !o.allowStdin {
		return "", ErrStdinNotAllowed
	}
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return "", errOutputClosed
	}
	o.flushLocked()
	o.mu.Unlock()

	k := o.k
	m, err := k.message(o.parent, wire.InputRequest, inputRequest{Prompt: prompt, Password: password})
	if err != nil {
		return "", err
	}
	m.Identities = o.r.msg.Identities
	ch := make(chan string, 1)
	k.mu.Lock()
	if k.inputWait != nil {
		k.mu.Unlock()
		return "", errors.New("kernel: input: another input is pending")
	}
	k.inputWait = &pendingInput{id: m.Header.MsgID, ch: ch}
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.inputWait = nil
		k.mu.Unlock()
	}()
	if err := k.tr.Send(Stdin, m); err != nil {
		return "", fmt.Errorf("kernel: input: %w", err)
	}
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return "", fmt.Errorf("kernel: input: %w", context.Cause(ctx))
	}
}

// deliverInput hands an input_reply to the pending Input call.
func (k *Kernel) deliverInput(msg *wire.Message) {
	if msg.Header.MsgType != wire.InputReply {
		k.log.Warn("kernel: unexpected message on stdin dropped", "type", msg.Header.MsgType)
		return
	}
	var c inputReply
	if err := msg.DecodeContent(&c); err != nil {
		k.log.Warn("kernel: bad input_reply dropped", "err", err)
		return
	}
	var parent struct {
		MsgID string `json:"msg_id"`
	}
	_ = json.Unmarshal(msg.ParentHeader, &parent)
	k.mu.Lock()
	p := k.inputWait
	k.mu.Unlock()
	switch {
	case p == nil:
		k.log.Warn("kernel: input_reply without a pending input dropped")
		return
	case parent.MsgID != "" && parent.MsgID != p.id:
		k.log.Warn("kernel: input_reply for another input_request dropped", "parent", parent.MsgID)
		return
	}
	select {
	case p.ch <- c.Value:
	default:
		k.log.Warn("kernel: second input_reply for one input dropped")
	}
}

// pendingInput is an Input call waiting for the input_reply to request id.
type pendingInput struct {
	id string
	ch chan string
}

// close flushes buffered stream text and ends the output's life.
func (o *output) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked()
	o.closed = true
}
