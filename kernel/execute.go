package kernel

import (
	"context"
	"errors"

	"github.com/arch2vec/arch2vec/kernel/wire"
)

// execute serves execute_request: count, execute_input, the interpreter,
// execute_result or error, history, the reply, and with stop_on_error the
// abort of the requests queued behind a failure.
func (k *Kernel) execute(ctx context.Context, r *request) {
	var c executeContent
	if err := r.msg.DecodeContent(&c); err != nil {
		k.log.Warn("kernel: bad execute_request content", "err", err)
		k.replyExecuteError(r, k.executionCount(), &protocolError{err}, false)
		return
	}
	silent := c.Silent
	store := !silent && orTrue(c.StoreHistory)
	k.mu.Lock()
	if store {
		k.count++
	}
	n := k.count
	k.mu.Unlock()

	parent := r.msg.RawHeader()
	if !silent {
		k.publish(parent, wire.ExecuteInput, executeInput{Code: c.Code, ExecutionCount: n})
	}
	req := &ExecuteRequest{
		Code:           c.Code,
		Silent:         silent,
		StoreHistory:   store,
		AllowStdin:     orTrue(c.AllowStdin),
		ExecutionCount: n,
	}
	out := newOutput(k, r, silent, req.AllowStdin)
	res, err := k.run(ctx, req, out)
	out.close()

	if store {
		k.history.add(n, c.Code, res)
	}
	if err != nil {
		k.replyExecuteError(r, n, err, silent)
		if orTrue(c.StopOnError) {
			k.queue.abortQueued()
		}
		return
	}
	var payload []map[string]any
	if res != nil {
		payload = res.Payload
		if res.Value != nil && !silent {
			data, md := bundleMaps(*res.Value)
			k.publish(parent, wire.ExecuteResult, executeResult{ExecutionCount: n, Data: data, Metadata: md})
		}
	}
	if payload == nil {
		payload = []map[string]any{}
	}
	k.reply(r, wire.ExecuteReply, executeReply{
		Status:          "ok",
		ExecutionCount:  n,
		UserExpressions: map[string]any{},
		Payload:         payload,
	})
}

// run calls the interpreter under a cancellable context, recovering a
// panic as a *panicError.
func (k *Kernel) run(ctx context.Context, req *ExecuteRequest, out *output) (res *ExecuteResult, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	k.mu.Lock()
	k.cancelRun = cancel
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.cancelRun = nil
		k.mu.Unlock()
		cancel(nil)
	}()
	defer func() {
		if v := recover(); v != nil {
			p := newPanicError(v)
			k.log.Error("kernel: interpreter panicked", "panic", v, "stack", p.stack)
			res, err = nil, p
		}
	}()
	return k.interp.Execute(ctx, req, out)
}

// replyExecuteError publishes one IOPub error (unless silent) and sends
// the error execute_reply.
func (k *Kernel) replyExecuteError(r *request, n int, err error, silent bool) {
	e := errorContentOf(err)
	if !silent {
		k.publish(r.msg.RawHeader(), wire.Error, map[string]any{
			"ename": e.EName, "evalue": e.EValue, "traceback": e.Traceback,
		})
	}
	k.reply(r, wire.ExecuteReply, executeError{
		Status:         "error",
		ExecutionCount: n,
		EName:          e.EName,
		EValue:         e.EValue,
		Traceback:      e.Traceback,
	})
}

// abortExecute answers an execute_request queued behind a failed one
// without running it, as ipykernel does.
func (k *Kernel) abortExecute(_ context.Context, r *request) {
	k.reply(r, wire.ExecuteReply, executeReply{
		Status:          "aborted",
		ExecutionCount:  k.executionCount(),
		UserExpressions: map[string]any{},
		Payload:         []map[string]any{},
	})
}

func (k *Kernel) executionCount() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.count
}

// errorContentOf maps err to the content of an error reply; see
// [ErrorContent].
func errorContentOf(err error) errorReply {
	ename, evalue, tb := ErrorContent(err)
	return errorReply{Status: "error", EName: ename, EValue: evalue, Traceback: tb}
}

// ErrorContent gives the ename, evalue and traceback with which err is
// shown to the user: an [Error] names itself; an interrupt or cancellation
// is "KeyboardInterrupt"; anything else is "Error". The traceback is never
// empty. The kernel and the headless runner both use it, so a failing cell
// reads the same in JupyterLab and in "arch2vec run".
func ErrorContent(err error) (ename, evalue string, traceback []string) {
	ename, evalue = "Error", err.Error()
	var ke Error
	switch {
	case errors.As(err, &ke):
		ename = ke.ErrorName()
		traceback = append([]string(nil), ke.Traceback()...)
	case errors.Is(err, ErrInterrupted), errors.Is(err, context.Canceled):
		ename = "KeyboardInterrupt"
	}
	if len(traceback) == 0 {
		traceback = []string{ename + ": " + evalue}
	}
	return ename, evalue, traceback
}
