package kerneltest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

func start(t *testing.T, c *Client, code string, opts map[string]any) *wire.Message {
	t.Helper()
	req, err := c.Start(kernel.Shell, wire.ExecuteRequest, ExecuteContent(code, opts))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func wait(ctx context.Context, t *testing.T, c *Client, req *wire.Message) *Exchange {
	t.Helper()
	ex, err := c.Wait(ctx, req, true)
	if err != nil {
		t.Fatal(err)
	}
	checkExchange(t, ex, kernel.Shell)
	return ex
}

func testInterrupt(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	req := start(t, c, "echo start\nsleep 30s", nil)
	time.Sleep(100 * time.Millisecond)
	// Control is served while the cell runs (the notebook's nudge).
	if got := mustDo(ctx, t, c, kernel.Control, wire.KernelInfoRequest, map[string]any{}).Content(); got["status"] != "ok" {
		t.Errorf("kernel_info on control while busy: %v", got)
	}
	t0 := time.Now()
	ex := mustDo(ctx, t, c, kernel.Control, wire.InterruptRequest, map[string]any{})
	if ex.Content()["status"] != "ok" {
		t.Errorf("interrupt_reply = %v", ex.Content())
	}
	run := wait(ctx, t, c, req)
	if got := run.Content(); got["status"] != "error" || got["ename"] != "KeyboardInterrupt" {
		t.Errorf("interrupted execute reply = %v", got)
	}
	next := mustExecute(ctx, t, c, "echo next", nil)
	if d := time.Since(t0); d > time.Second {
		t.Errorf("kernel answered %v after the interrupt, want < 1s", d)
	}
	if next.Content()["status"] != "ok" || next.Content()["execution_count"] != 2.0 {
		t.Errorf("after interrupt: %v", next.Content())
	}
}

func testInterruptInput(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	req := start(t, c, "input never answered", nil)
	for {
		e, err := c.Next(ctx) // wait for the input_request
		if err != nil {
			t.Fatal(err)
		}
		c.backlog = append(c.backlog, e)
		if e.Msg.Header.MsgType == wire.InputRequest {
			break
		}
	}
	mustDo(ctx, t, c, kernel.Control, wire.InterruptRequest, map[string]any{})
	if got := wait(ctx, t, c, req).Content(); got["ename"] != "KeyboardInterrupt" {
		t.Errorf("interrupted input: %v", got)
	}
	// A late input_reply is dropped, and the kernel goes on.
	late := &wire.Message{Header: wire.NewHeader(wire.InputReply, "s", "test")}
	late.Content, _ = wire.Marshal(map[string]any{"value": "late"})
	if err := c.Send(kernel.Stdin, late); err != nil {
		t.Fatal(err)
	}
	mustExecute(ctx, t, c, "echo next", nil)
}

func testStopOnError(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	first := start(t, c, "sleep 200ms\nerror first", nil)
	queued := []*wire.Message{start(t, c, "echo 2", nil), start(t, c, "echo 3", nil)}
	if got := wait(ctx, t, c, first).Content(); got["status"] != "error" {
		t.Fatalf("first = %v", got)
	}
	for i, q := range queued {
		ex := wait(ctx, t, c, q)
		if got := ex.Content(); got["status"] != "aborted" {
			t.Errorf("queued %d: reply %v, want aborted", i, got)
		}
		if !slices.Equal(ex.IOPubTypes(), types(wire.Status, wire.Status)) {
			t.Errorf("queued %d: IOPub %v, want busy idle", i, ex.IOPubTypes())
		}
	}
	if got := mustExecute(ctx, t, c, "echo 4", nil).Content(); got["status"] != "ok" || got["execution_count"] != 2.0 {
		t.Errorf("after the queue drained: %v", got)
	}
	// Without stop_on_error the queue runs.
	first = start(t, c, "sleep 100ms\nerror again", map[string]any{"stop_on_error": false})
	next := start(t, c, "echo 5", nil)
	wait(ctx, t, c, first)
	if got := wait(ctx, t, c, next).Content(); got["status"] != "ok" {
		t.Errorf("stop_on_error=false: queued reply %v", got)
	}
}

func testStdin(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	c.Input = func(prompt string, password bool) string { return "typed:" + prompt }
	defer func() { c.Input = nil }()
	ex := mustExecute(ctx, t, c, "input Name?", nil)
	if len(ex.Stdin) != 1 || ex.Stdin[0].Header.MsgType != wire.InputRequest {
		t.Fatalf("stdin messages %v", ex.Stdin)
	}
	if got := content(ex.Stdin[0]); got["prompt"] != "Name?" || got["password"] != false {
		t.Errorf("input_request = %v", got)
	}
	var text string
	for _, m := range ex.IOPub {
		if m.Header.MsgType == wire.Stream {
			text += content(m)["text"].(string)
		}
	}
	if text != "got: typed:Name?" {
		t.Errorf("output %q", text)
	}
	ex = mustExecute(ctx, t, c, "input no", map[string]any{"allow_stdin": false})
	if got := ex.Content(); got["status"] != "error" || !strings.Contains(got["evalue"].(string), "stdin is not allowed") {
		t.Errorf("allow_stdin=false: %v", got)
	}
	if len(ex.Stdin) != 0 {
		t.Errorf("input_request sent although stdin is not allowed")
	}
}

func testDisplay(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	ex := mustExecute(ctx, t, c, "display d1 first\nupdate d1 second\nclear wait\ndisplay - plain", nil)
	want := types(wire.Status, wire.ExecuteInput, wire.DisplayData, wire.UpdateDisplayData,
		wire.ClearOutput, wire.DisplayData, wire.Status)
	if !slices.Equal(ex.IOPubTypes(), want) {
		t.Fatalf("IOPub %v, want %v", ex.IOPubTypes(), want)
	}
	for i, wantID := range map[int]any{2: "d1", 3: "d1", 5: nil} {
		got := content(ex.IOPub[i])
		tr, ok := got["transient"].(map[string]any)
		if !ok || tr["display_id"] != wantID {
			t.Errorf("message %d transient = %v, want display_id %v", i, got["transient"], wantID)
		}
		if _, ok := got["metadata"].(map[string]any); !ok {
			t.Errorf("message %d metadata = %v", i, got["metadata"])
		}
	}
	if got := content(ex.IOPub[3])["data"].(map[string]any)["text/plain"]; got != "second" {
		t.Errorf("update data %v", got)
	}
	if got := content(ex.IOPub[4]); got["wait"] != true {
		t.Errorf("clear_output = %v", got)
	}
	ex = mustExecute(ctx, t, c, "update - x", nil)
	if ex.Content()["status"] != "error" {
		t.Errorf("update without id: %v", ex.Content())
	}
}

func testStreamCoalescing(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	ex := mustExecute(ctx, t, c, "spam 1000\nstderr e\necho tail", nil)
	var got []string
	for _, m := range ex.IOPub {
		if m.Header.MsgType == wire.Stream {
			s := content(m)
			got = append(got, s["name"].(string)+":"+s["text"].(string))
		}
	}
	want := []string{"stdout:" + strings.Repeat("x", 1000), "stderr:e", "stdout:tail"}
	if !slices.Equal(got, want) {
		t.Errorf("%d stream messages %.60q, want %d coalesced", len(got), got, len(want))
	}
}

func testUnknownType(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	for _, ch := range []kernel.Channel{kernel.Shell, kernel.Control} {
		req, err := c.Start(ch, "frobnicate_request", map[string]any{})
		if err != nil {
			t.Fatal(err)
		}
		ex, err := c.Wait(ctx, req, false)
		if err != nil {
			t.Fatal(err)
		}
		checkExchange(t, ex, ch)
		if ex.Reply != nil || !slices.Equal(ex.IOPubTypes(), types(wire.Status, wire.Status)) {
			t.Errorf("%s: reply %v, IOPub %v; want no reply, busy idle", ch, ex.Reply, ex.IOPubTypes())
		}
		mustDo(ctx, t, c, ch, wire.KernelInfoRequest, map[string]any{})
		for _, e := range c.backlog {
			if ParentID(e.Msg) == req.Header.MsgID {
				t.Errorf("late %s for the unknown request", e.Msg.Header.MsgType)
			}
		}
	}
}

func testIntrospection(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	for _, tc := range []struct {
		code               string
		cursor             int // UTF-16 units, the default unit
		match              string
		wantStart, wantEnd float64
	}{
		{"ec", 2, "echo", 0, 2},
		{"echo 😀 sl", 10, "sleep", 8, 10},
		{"𝔸𝔹 di\nx", 7, "display", 5, 7},
	} {
		ex := mustDo(ctx, t, c, kernel.Shell, wire.CompleteRequest, map[string]any{"code": tc.code, "cursor_pos": tc.cursor})
		got := ex.Content()
		if m, _ := got["matches"].([]any); len(m) != 1 || m[0] != tc.match ||
			got["cursor_start"] != tc.wantStart || got["cursor_end"] != tc.wantEnd {
			t.Errorf("complete %q at %d = %v", tc.code, tc.cursor, got)
		}
		if _, ok := got["metadata"].(map[string]any); !ok || got["status"] != "ok" {
			t.Errorf("complete reply = %v", got)
		}
	}
	if m, _ := mustDo(ctx, t, c, kernel.Shell, wire.CompleteRequest, map[string]any{"code": "zz", "cursor_pos": 2}).Content()["matches"].([]any); m == nil || len(m) != 0 {
		t.Errorf("no-match completion: matches %v, want []", m)
	}
	got := mustDo(ctx, t, c, kernel.Shell, wire.InspectRequest, map[string]any{"code": "😀 echo", "cursor_pos": 7, "detail_level": 0}).Content()
	if got["found"] != true || got["data"].(map[string]any)["text/plain"] != "command echo" {
		t.Errorf("inspect = %v", got)
	}
	got = mustDo(ctx, t, c, kernel.Shell, wire.InspectRequest, map[string]any{"code": "zz", "cursor_pos": 2}).Content()
	if got["found"] != false || got["data"] == nil || got["metadata"] == nil {
		t.Errorf("inspect not found = %v", got)
	}
	for code, want := range map[string]string{"echo x": "complete", "loop:": "incomplete", "!!x": "invalid"} {
		got := mustDo(ctx, t, c, kernel.Shell, wire.IsCompleteRequest, map[string]any{"code": code}).Content()
		if got["status"] != want || (want == "incomplete") != (got["indent"] == "  ") {
			t.Errorf("is_complete %q = %v, want %s", code, got, want)
		}
	}
}

func testHistory(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	for _, code := range []string{"echo a", "result 1", "echo a", "sleep 1ms"} {
		mustExecute(ctx, t, c, code, nil)
	}
	mustExecute(ctx, t, c, "echo silent", map[string]any{"silent": true})
	for _, tc := range []struct {
		name string
		req  map[string]any
		want string
	}{
		{"tail", map[string]any{"hist_access_type": "tail", "n": 2}, `[[1,3,"echo a"],[1,4,"sleep 1ms"]]`},
		{"tail output", map[string]any{"hist_access_type": "tail", "n": 3, "output": true},
			`[[1,2,["result 1","1"]],[1,3,["echo a",""]],[1,4,["sleep 1ms",""]]]`},
		{"range", map[string]any{"hist_access_type": "range", "session": 0, "start": 2, "stop": 4},
			`[[1,2,"result 1"],[1,3,"echo a"]]`},
		{"search", map[string]any{"hist_access_type": "search", "pattern": "echo*"}, `[[1,1,"echo a"],[1,3,"echo a"]]`},
		{"search unique", map[string]any{"hist_access_type": "search", "pattern": "?cho*", "unique": true}, `[[1,3,"echo a"]]`},
		{"search class", map[string]any{"hist_access_type": "search", "pattern": "[r-s]*", "n": 1}, `[[1,4,"sleep 1ms"]]`},
	} {
		ex := mustDo(ctx, t, c, kernel.Shell, wire.HistoryRequest, tc.req)
		var got struct {
			Status  string `json:"status"`
			History any    `json:"history"`
		}
		got.Status, got.History = ex.Content()["status"].(string), ex.Content()["history"]
		b, _ := wire.Marshal(got.History)
		if got.Status != "ok" || string(b) != tc.want {
			t.Errorf("%s: history = %s, want %s", tc.name, b, tc.want)
		}
	}
}

func testComms(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	got := mustDo(ctx, t, c, kernel.Shell, wire.CommInfoRequest, map[string]any{}).Content()
	if comms, ok := got["comms"].(map[string]any); !ok || len(comms) != 0 {
		t.Errorf("comm_info_reply = %v", got)
	}
	req, err := c.Start(kernel.Shell, wire.CommOpen, map[string]any{"comm_id": "c1", "target_name": "jupyter.widget", "data": map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := c.Wait(ctx, req, false)
	if err != nil {
		t.Fatal(err)
	}
	if ex.Reply != nil || !slices.Equal(ex.IOPubTypes(), types(wire.Status, wire.CommClose, wire.Status)) {
		t.Errorf("comm_open: reply %v, IOPub %v", ex.Reply, ex.IOPubTypes())
	} else if content(ex.IOPub[1])["comm_id"] != "c1" {
		t.Errorf("comm_close = %v", content(ex.IOPub[1]))
	}
	for _, typ := range []wire.MsgType{wire.CommMsg, wire.CommClose} {
		req, _ := c.Start(kernel.Shell, typ, map[string]any{"comm_id": "c1", "data": map[string]any{}})
		if ex, err := c.Wait(ctx, req, false); err != nil || ex.Reply != nil {
			t.Errorf("%s: %v %v", typ, ex, err)
		}
	}
}

func testBackToBack(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	const n = 200
	reqs := make([]*wire.Message, n)
	for i := range reqs {
		reqs[i] = start(t, c, fmt.Sprintf("echo %d", i), nil)
	}
	for i, req := range reqs {
		ex := wait(ctx, t, c, req)
		if got := ex.Content(); got["status"] != "ok" || got["execution_count"] != float64(i+1) {
			t.Fatalf("execute %d: %v", i, got)
		}
		if s := content(ex.IOPub[2]); s["text"] != fmt.Sprint(i) {
			t.Fatalf("execute %d printed %v", i, s)
		}
	}
}

func testShutdownOn(ch kernel.Channel) func(context.Context, *testing.T, *Client, <-chan error) {
	return func(ctx context.Context, t *testing.T, c *Client, served <-chan error) {
		ex := mustDo(ctx, t, c, ch, wire.ShutdownRequest, map[string]any{"restart": true})
		if got := ex.Content(); got["status"] != "ok" || got["restart"] != true {
			t.Errorf("shutdown_reply = %v", got)
		}
		if !slices.Contains(ex.IOPubTypes(), wire.ShutdownReply) {
			t.Errorf("IOPub %v: want the shutdown_reply announced", ex.IOPubTypes())
		}
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("Serve after shutdown = %v, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("kernel still serving 5s after shutdown_reply")
		}
	}
}
