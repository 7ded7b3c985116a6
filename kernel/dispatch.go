package kernel

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/arch2vec/arch2vec/kernel/wire"
)

// handlerFunc serves one request. It runs between busy and idle and sends
// its own reply (or none).
type handlerFunc func(k *Kernel, ctx context.Context, r *request)

// handlers is the dispatch table. Types missing here get busy/idle, a log
// line and no reply, as the spec allows.
var handlers = map[wire.MsgType]handlerFunc{
	wire.ExecuteRequest:    (*Kernel).execute,
	wire.KernelInfoRequest: (*Kernel).kernelInfo,
	wire.CompleteRequest:   (*Kernel).complete,
	wire.InspectRequest:    (*Kernel).inspect,
	wire.IsCompleteRequest: (*Kernel).isComplete,
	wire.HistoryRequest:    (*Kernel).historyRequest,
	wire.CommInfoRequest:   (*Kernel).commInfo,
	wire.CommOpen:          (*Kernel).commOpen,
	wire.CommMsg:           (*Kernel).commIgnore,
	wire.CommClose:         (*Kernel).commIgnore,
	wire.ShutdownRequest:   (*Kernel).shutdown,
	wire.InterruptRequest:  (*Kernel).interrupt,
}

// handle looks r up in the dispatch table and serves it.
func (k *Kernel) handle(ctx context.Context, r *request) {
	t := r.msg.Header.MsgType
	h := handlers[t]
	switch {
	case h == nil:
		k.log.Warn("kernel: unhandled message type; no reply", "type", t, "channel", r.ch)
	case t == wire.ExecuteRequest && r.ch != Shell:
		k.log.Warn("kernel: execute_request is served on shell only; no reply", "channel", r.ch)
		h = nil
	}
	k.handleWith(ctx, r, h)
}

// handleWith publishes busy, runs h (nil: nothing), and publishes idle,
// recovering a panic in h as an error reply. A shutdown request stops
// serving after its idle.
func (k *Kernel) handleWith(ctx context.Context, r *request, h handlerFunc) {
	parent := r.msg.RawHeader()
	k.publish(parent, wire.Status, statusContent{"busy"})
	if h != nil {
		func() {
			defer func() {
				if v := recover(); v != nil {
					p := newPanicError(v)
					k.log.Error("kernel: panic serving request", "type", r.msg.Header.MsgType, "panic", v, "stack", p.stack)
					if strings.HasSuffix(string(r.msg.Header.MsgType), "_request") {
						k.reply(r, r.msg.Header.MsgType.ReplyType(), errorContentOf(p))
					}
				}
			}()
			h(k, ctx, r)
		}()
	}
	k.publish(parent, wire.Status, statusContent{"idle"})
	if r.shutdown {
		k.mu.Lock()
		stop := k.stop
		k.mu.Unlock()
		stop(errShutdown)
	}
}

// decode unmarshals r's content into v; on failure it sends an error reply
// naming the problem and returns false.
func (k *Kernel) decode(r *request, v any) bool {
	if err := r.msg.DecodeContent(v); err != nil {
		k.log.Warn("kernel: bad request content", "type", r.msg.Header.MsgType, "err", err)
		k.reply(r, r.msg.Header.MsgType.ReplyType(), errorContentOf(&protocolError{err}))
		return false
	}
	return true
}

// protocolError is a request whose content could not be decoded.
type protocolError struct{ err error }

func (e *protocolError) Error() string       { return e.err.Error() }
func (e *protocolError) Unwrap() error       { return e.err }
func (e *protocolError) ErrorName() string   { return "ProtocolError" }
func (e *protocolError) Traceback() []string { return nil }

// panicError is a panic recovered from the interpreter or a handler.
type panicError struct {
	value any
	stack string
}

func newPanicError(v any) *panicError { return &panicError{value: v, stack: string(debug.Stack())} }

func (e *panicError) Error() string     { return fmt.Sprintf("panic: %v", e.value) }
func (e *panicError) ErrorName() string { return "InternalError" }
func (e *panicError) Traceback() []string {
	tb := []string{"InternalError: " + e.Error()}
	return append(tb, strings.Split(strings.TrimRight(e.stack, "\n"), "\n")...)
}

func (k *Kernel) kernelInfo(_ context.Context, r *request) {
	info := k.interp.Info()
	links := info.HelpLinks
	if links == nil {
		links = []HelpLink{}
	}
	k.reply(r, wire.KernelInfoReply, kernelInfoReply{
		Status:                "ok",
		ProtocolVersion:       wire.Version,
		Implementation:        info.Implementation,
		ImplementationVersion: info.ImplementationVersion,
		LanguageInfo:          info.Language,
		Banner:                info.Banner,
		HelpLinks:             links,
	})
}

func (k *Kernel) complete(ctx context.Context, r *request) {
	var c codeCursor
	if !k.decode(r, &c) {
		return
	}
	pos := toRunes(c.Code, c.CursorPos, k.opts.Cursor)
	comp, err := k.interp.Complete(ctx, c.Code, pos)
	if err != nil {
		k.reply(r, wire.CompleteReply, errorContentOf(err))
		return
	}
	if comp == nil {
		comp = &Completion{CursorStart: pos, CursorEnd: pos}
	}
	matches := comp.Matches
	if matches == nil {
		matches = []string{}
	}
	k.reply(r, wire.CompleteReply, completeReply{
		Status:      "ok",
		Matches:     matches,
		CursorStart: fromRunes(c.Code, comp.CursorStart, k.opts.Cursor),
		CursorEnd:   fromRunes(c.Code, comp.CursorEnd, k.opts.Cursor),
		Metadata:    orEmptyMap(comp.Metadata),
	})
}

func (k *Kernel) inspect(ctx context.Context, r *request) {
	var c codeCursor
	if !k.decode(r, &c) {
		return
	}
	in, err := k.interp.Inspect(ctx, c.Code, toRunes(c.Code, c.CursorPos, k.opts.Cursor), c.Detail)
	if err != nil {
		k.reply(r, wire.InspectReply, errorContentOf(err))
		return
	}
	if in == nil {
		in = &Inspection{}
	}
	data, md := bundleMaps(in.Data)
	k.reply(r, wire.InspectReply, inspectReply{Status: "ok", Found: in.Found, Data: data, Metadata: md})
}

func (k *Kernel) isComplete(_ context.Context, r *request) {
	var c codeCursor
	if !k.decode(r, &c) {
		return
	}
	res := k.interp.IsComplete(c.Code)
	switch res.Status {
	case "complete", "invalid", "unknown":
		res.Indent = ""
	case "incomplete":
	default:
		res = Completeness{Status: "unknown"}
	}
	k.reply(r, wire.IsCompleteReply, isCompleteReply{Status: res.Status, Indent: res.Indent})
}

func (k *Kernel) commInfo(_ context.Context, r *request) {
	k.reply(r, wire.CommInfoReply, map[string]any{"status": "ok", "comms": map[string]any{}})
}

// commOpen closes every comm a frontend opens: the kernel has no comm
// targets, and ipykernel answers an unknown target with comm_close.
func (k *Kernel) commOpen(_ context.Context, r *request) {
	var c commContent
	if err := r.msg.DecodeContent(&c); err != nil || c.CommID == "" {
		k.log.Warn("kernel: bad comm_open ignored", "err", err)
		return
	}
	k.log.Info("kernel: comm target not supported; closing comm", "target", c.TargetName)
	k.publish(r.msg.RawHeader(), wire.CommClose, commClose{CommID: c.CommID, Data: map[string]any{}})
}

func (k *Kernel) commIgnore(_ context.Context, r *request) {
	k.log.Debug("kernel: comm message ignored", "type", r.msg.Header.MsgType)
}

// shutdown answers on the request's channel, announces the reply on IOPub
// as ipykernel does, and stops serving after idle.
func (k *Kernel) shutdown(_ context.Context, r *request) {
	var c shutdownContent
	if err := r.msg.DecodeContent(&c); err != nil {
		k.log.Warn("kernel: bad shutdown_request content; shutting down anyway", "err", err)
	}
	reply := shutdownReply{Status: "ok", Restart: c.Restart}
	k.reply(r, wire.ShutdownReply, reply)
	k.publish(r.msg.RawHeader(), wire.ShutdownReply, reply)
	r.shutdown = true
}

func (k *Kernel) interrupt(_ context.Context, r *request) {
	k.Interrupt()
	k.reply(r, wire.InterruptReply, map[string]any{"status": "ok"})
}
