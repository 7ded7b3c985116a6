package kerneltest

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// Starter starts a kernel serving [Interp] with opts over some transport
// and returns the client end and a channel that receives Serve's result.
// It registers its own cleanup with t.
type Starter func(t testing.TB, opts kernel.Options) (conn Conn, served <-chan error)

// StartMemory is the Starter for the in-memory [Transport].
func StartMemory(t testing.TB, opts kernel.Options) (Conn, <-chan error) {
	tr := NewTransport([]byte("kerneltest-key"), opts.Logger)
	k := kernel.New(Interp{}, tr, opts)
	ctx, cancel := context.WithCancel(context.Background())
	served, done := make(chan error, 1), make(chan struct{})
	go func() { served <- k.Serve(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		tr.Close()
	})
	return tr.Conn(), served
}

// RunConformance runs the protocol conformance table against the
// transport start provides: every case gets a fresh kernel. The same table
// runs in memory and over ZeroMQ, so both transports are held to one
// behaviour.
func RunConformance(t *testing.T, start Starter) {
	for _, tc := range conformanceCases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			conn, served := start(t, kernel.Options{Logger: slog.New(slog.DiscardHandler)})
			c := NewClient(conn)
			if err := c.WaitReady(ctx); err != nil {
				t.Fatal(err)
			}
			tc.run(ctx, t, c, served)
		})
	}
}

type conformanceCase struct {
	name string
	run  func(ctx context.Context, t *testing.T, c *Client, served <-chan error)
}

var conformanceCases = []conformanceCase{
	{"kernel_info on shell and control", testKernelInfo},
	{"execute ordering", testExecuteOrdering},
	{"execution count", testExecutionCount},
	{"error reply", testErrorReply},
	{"panic recovery", testPanicRecovery},
	{"interrupt", testInterrupt},
	{"interrupt during input", testInterruptInput},
	{"stop_on_error aborts queued", testStopOnError},
	{"stdin", testStdin},
	{"display and update", testDisplay},
	{"stream coalescing", testStreamCoalescing},
	{"unknown type", testUnknownType},
	{"complete, inspect, is_complete", testIntrospection},
	{"history", testHistory},
	{"comms", testComms},
	{"bad input dropped", testBadInput},
	{"back to back", testBackToBack},
	{"shutdown on control", testShutdownOn(kernel.Control)},
	{"shutdown on shell", testShutdownOn(kernel.Shell)},
}

// mustDo runs a request and fails the test on error.
func mustDo(ctx context.Context, t *testing.T, c *Client, ch kernel.Channel, typ wire.MsgType, content any) *Exchange {
	t.Helper()
	ex, err := c.Do(ctx, ch, typ, content)
	if err != nil {
		t.Fatal(err)
	}
	checkExchange(t, ex, ch)
	return ex
}

func mustExecute(ctx context.Context, t *testing.T, c *Client, code string, opts map[string]any) *Exchange {
	t.Helper()
	return mustDo(ctx, t, c, kernel.Shell, wire.ExecuteRequest, ExecuteContent(code, opts))
}

// checkExchange checks the invariants of every request: busy first and
// idle last on IOPub, parents right, the reply on the request's channel
// with the request as parent, and no null where {} or [] belongs.
func checkExchange(t *testing.T, ex *Exchange, ch kernel.Channel) {
	t.Helper()
	n := len(ex.IOPub)
	if n < 2 || executionState(ex.IOPub[0]) != "busy" || executionState(ex.IOPub[n-1]) != "idle" {
		t.Errorf("%s: IOPub %v: want busy first and idle last", ex.Request.Header.MsgType, ex.IOPubTypes())
	}
	for _, m := range ex.IOPub {
		if ParentID(m) != ex.Request.Header.MsgID {
			t.Errorf("IOPub %s has parent %q", m.Header.MsgType, ParentID(m))
		}
	}
	if ex.Reply != nil {
		if ex.ReplyChannel != ch {
			t.Errorf("%s answered on %s, want %s", ex.Reply.Header.MsgType, ex.ReplyChannel, ch)
		}
		if want := ex.Request.Header.MsgType.ReplyType(); ex.Reply.Header.MsgType != want {
			t.Errorf("reply type %s, want %s", ex.Reply.Header.MsgType, want)
		}
		if string(ex.Reply.ParentHeader) != string(ex.Request.RawHeader()) {
			t.Errorf("reply parent_header %s is not the request header", ex.Reply.ParentHeader)
		}
	}
	for _, e := range ex.Transcript {
		h := e.Msg.Header
		if h.Version != wire.Version || h.Session == "" || h.MsgID == "" || h.Username == "" {
			t.Errorf("%s header %+v", h.MsgType, h)
		}
		if _, err := time.Parse(wire.DateFormat, h.Date); err != nil {
			t.Errorf("%s date: %v", h.MsgType, err)
		}
		if string(e.Msg.Metadata) != "{}" {
			t.Errorf("%s metadata = %s, want {}", h.MsgType, e.Msg.Metadata)
		}
		if bad := nullField(e.Msg.Content); bad != "" {
			t.Errorf("%s content has %s: null: %s", h.MsgType, bad, e.Msg.Content)
		}
	}
}

// nullField returns the first top-level key of content whose value is
// null.
func nullField(content []byte) string {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(content, &m)
	for k, v := range m {
		if string(v) == "null" {
			return k
		}
	}
	return ""
}

func content(m *wire.Message) map[string]any {
	c := map[string]any{}
	_ = json.Unmarshal(m.Content, &c)
	return c
}

func types(ts ...wire.MsgType) []wire.MsgType { return ts }

func testKernelInfo(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	for _, ch := range []kernel.Channel{kernel.Shell, kernel.Control} {
		ex := mustDo(ctx, t, c, ch, wire.KernelInfoRequest, map[string]any{})
		got := ex.Content()
		if got["protocol_version"] != "5.3" || got["implementation"] != "kerneltest" || got["status"] != "ok" {
			t.Errorf("%s kernel_info_reply = %v", ch, got)
		}
		li, _ := got["language_info"].(map[string]any)
		if li["name"] != "kerneltest" || li["file_extension"] != ".txt" {
			t.Errorf("language_info = %v", li)
		}
		if hl, ok := got["help_links"].([]any); !ok || hl == nil {
			t.Errorf("help_links = %v, want []", got["help_links"])
		}
	}
}

func testExecuteOrdering(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	ex := mustExecute(ctx, t, c, "echo hello, world\nresult 42", nil)
	want := types(wire.Status, wire.ExecuteInput, wire.Stream, wire.ExecuteResult, wire.Status)
	if !slices.Equal(ex.IOPubTypes(), want) {
		t.Fatalf("IOPub = %v, want %v", ex.IOPubTypes(), want)
	}
	if in := content(ex.IOPub[1]); in["code"] != "echo hello, world\nresult 42" || in["execution_count"] != 1.0 {
		t.Errorf("execute_input = %v", in)
	}
	if s := content(ex.IOPub[2]); s["name"] != "stdout" || s["text"] != "hello, world" {
		t.Errorf("stream = %v", s)
	}
	r := content(ex.IOPub[3])
	if r["execution_count"] != 1.0 || r["data"].(map[string]any)["text/plain"] != "42" {
		t.Errorf("execute_result = %v", r)
	}
	got := ex.Content()
	if got["status"] != "ok" || got["execution_count"] != 1.0 {
		t.Errorf("execute_reply = %v", got)
	}
	if ue, ok := got["user_expressions"].(map[string]any); !ok || len(ue) != 0 {
		t.Errorf("user_expressions = %v, want {}", got["user_expressions"])
	}
	if p, ok := got["payload"].([]any); !ok || len(p) != 0 {
		t.Errorf("payload = %v, want []", got["payload"])
	}
}

func testExecutionCount(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	steps := []struct {
		opts      map[string]any
		wantCount float64
		wantInput bool
	}{
		{nil, 1, true},
		{map[string]any{"silent": true}, 1, false},
		{map[string]any{"store_history": false}, 1, true},
		{nil, 2, true},
	}
	for i, s := range steps {
		ex := mustExecute(ctx, t, c, "echo x", s.opts)
		if got := ex.Content()["execution_count"]; got != s.wantCount {
			t.Errorf("step %d: execution_count = %v, want %v", i, got, s.wantCount)
		}
		hasInput := slices.Contains(ex.IOPubTypes(), wire.ExecuteInput)
		hasStream := slices.Contains(ex.IOPubTypes(), wire.Stream)
		if hasInput != s.wantInput || hasStream != s.wantInput {
			t.Errorf("step %d: IOPub %v", i, ex.IOPubTypes())
		}
	}
	// Tolerate a request with no flags at all.
	ex := mustDo(ctx, t, c, kernel.Shell, wire.ExecuteRequest, map[string]any{"code": "echo y"})
	if ex.Content()["status"] != "ok" || ex.Content()["execution_count"] != 3.0 {
		t.Errorf("bare execute_request reply = %v", ex.Content())
	}
}

func testErrorReply(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	for _, tc := range []struct{ code, ename, evalue string }{
		{"error boom", "TestError", "boom"},
		{"fail plain", "Error", "plain"},
		{"bogus", "Error", `unknown command "bogus"`},
	} {
		ex := mustExecute(ctx, t, c, tc.code, map[string]any{"stop_on_error": false})
		got := ex.Content()
		if got["status"] != "error" || got["ename"] != tc.ename || got["evalue"] != tc.evalue {
			t.Errorf("%q: reply = %v", tc.code, got)
		}
		if tb, ok := got["traceback"].([]any); !ok || len(tb) == 0 {
			t.Errorf("%q: traceback = %v", tc.code, got["traceback"])
		}
		if _, ok := got["execution_count"]; !ok {
			t.Errorf("%q: error reply without execution_count", tc.code)
		}
		// jupyter_kernel_test test_error: exactly one output, the error.
		want := types(wire.Status, wire.ExecuteInput, wire.Error, wire.Status)
		if !slices.Equal(ex.IOPubTypes(), want) {
			t.Errorf("%q: IOPub = %v, want %v", tc.code, ex.IOPubTypes(), want)
		} else if e := content(ex.IOPub[2]); e["ename"] != tc.ename {
			t.Errorf("%q: error message = %v", tc.code, e)
		}
	}
}

func testPanicRecovery(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	ex := mustExecute(ctx, t, c, "echo before\npanic kaboom", nil)
	got := ex.Content()
	if got["status"] != "error" || got["ename"] != "InternalError" || !strings.Contains(got["evalue"].(string), "kaboom") {
		t.Errorf("reply = %v", got)
	}
	if tb, _ := got["traceback"].([]any); len(tb) < 2 {
		t.Errorf("traceback %v: want the stack", tb)
	}
	ex = mustDo(ctx, t, c, kernel.Shell, wire.CompleteRequest, map[string]any{"code": "panic!", "cursor_pos": 6})
	if got := ex.Content(); got["status"] != "error" || got["ename"] != "InternalError" {
		t.Errorf("complete panic reply = %v", got)
	}
	ex = mustExecute(ctx, t, c, "echo after", nil)
	if ex.Content()["status"] != "ok" {
		t.Errorf("after panic: %v", ex.Content())
	}
}
