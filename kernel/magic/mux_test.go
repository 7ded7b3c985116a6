package magic

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/display/displaytest"
)

func TestExecuteOrderAndResult(t *testing.T) {
	var got *Call
	m := testMux(&got)
	res, rec, err := run(t, m, "# two commands\n%echo one\n%pretrain --epochs 1 nasbench101  # trailing\n")
	if err != nil {
		t.Fatal(err)
	}
	if out := rec.StreamText("stdout"); out != "one\n" {
		t.Errorf("stdout = %q, want %q", out, "one\n")
	}
	if res.Value == nil || res.Value.Data["text/plain"] != "trained nasbench101" {
		t.Errorf("result = %v, want the last command's value", res.Value)
	}
	if got.Line != "%pretrain --epochs 1 nasbench101" || got.LineNo != 3 || got.Request.ExecutionCount != 1 {
		t.Errorf("Line, LineNo = %q, %d", got.Line, got.LineNo)
	}
	if res.Payload == nil {
		t.Error("Payload is nil, want []")
	}

	// A result that is not last is displayed, not returned.
	res, rec, err = run(t, m, "%pretrain nasbench101\n%echo done")
	if err != nil {
		t.Fatal(err)
	}
	ev := rec.Events()
	if res.Value != nil || len(ev) != 2 || ev[0].Kind != displaytest.KindDisplay || ev[0].Bundle.Data["text/plain"] != "trained nasbench101" {
		t.Errorf("value = %v, events = %+v; want the first result displayed and no value", res.Value, ev)
	}
}

func TestExecuteStopsAtFirstError(t *testing.T) {
	boom := errors.New("pretrain: no cells loaded")
	m := NewMux(kernel.Info{})
	ran := 0
	m.Handle(&Command{Name: "fail", Summary: "fails", Run: func(ctx context.Context, call *Call) error { return boom }})
	m.Handle(&Command{Name: "count", Summary: "counts", Run: func(ctx context.Context, call *Call) error { ran++; return nil }})
	_, _, err := run(t, m, "%count\n%fail\n%count")
	if !errors.Is(err, boom) || ran != 1 {
		t.Errorf("err = %v, ran = %d; want %v and 1", err, ran, boom)
	}
}

func TestHelpPayload(t *testing.T) {
	m := testMux(new(*Call))
	for _, code := range []string{"%sleep?", "?%sleep", "%sleep??", "??%sleep", "  %sleep?  # help"} {
		res, rec, err := run(t, m, code)
		if err != nil {
			t.Fatalf("%q: %v", code, err)
		}
		if len(res.Payload) != 1 || len(rec.Events()) != 0 {
			t.Fatalf("%q: payload %v, events %v; want one page payload and no output", code, res.Payload, rec.Events())
		}
		p := res.Payload[0]
		data, _ := p["data"].(map[string]any)
		if p["source"] != "page" || p["start"] != 0 || !strings.HasPrefix(plain(data), "%sleep SECONDS") || data["text/html"] == nil {
			t.Errorf("%q: payload = %v", code, p)
		}
	}
}

func TestBuiltins(t *testing.T) {
	m := testMux(new(*Call))
	tests := []struct {
		code, stdout, stderr, value string
	}{
		{code: "%echo hello, world", stdout: "hello, world\n"},
		{code: "%echo", stdout: "\n"},
		{code: "%echo --to stderr oops", stderr: "oops\n"},
		{code: `%echo --to=result "a  b" c`, value: "a  b c"},
		{code: "%lsmagic", value: "Available commands: %clear %demo %echo %help %history %lsmagic %pretrain %sleep"},
		{code: "%help", value: "%pretrain  Train the GIN-VAE on a cell set"},
		{code: "%help %sleep", value: "Wait for some seconds"},
		{code: "%help sleep", value: "%sleep SECONDS\n\nWait for some seconds"},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			res, rec, err := run(t, m, tc.code)
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.StreamText("stdout"); got != tc.stdout {
				t.Errorf("stdout = %q, want %q", got, tc.stdout)
			}
			if got := rec.StreamText("stderr"); got != tc.stderr {
				t.Errorf("stderr = %q, want %q", got, tc.stderr)
			}
			var value string
			if res.Value != nil {
				value = res.Value.Data["text/plain"].(string)
			}
			// %help displays rather than returns.
			for _, e := range rec.Events() {
				if e.Kind == displaytest.KindDisplay && strings.HasPrefix(tc.code, "%help") {
					value = e.Bundle.Data["text/plain"].(string)
				}
			}
			if (tc.value == "") != (value == "") || !strings.Contains(value, tc.value) {
				t.Errorf("value = %q, want it to contain %q", value, tc.value)
			}
		})
	}
	_, rec, err := run(t, m, "%echo --to display x\n%clear --wait")
	ev := rec.Events()
	if err != nil || len(ev) != 2 || ev[0].Kind != displaytest.KindDisplay || ev[1].Kind != displaytest.KindClear || !ev[1].Wait {
		t.Errorf("display and clear: events %+v, err %v", ev, err)
	}
}

func TestHistory(t *testing.T) {
	m := NewMux(kernel.Info{})
	rec := &displaytest.Recorder{}
	cells := []struct {
		code  string
		store bool
	}{{"%echo a", true}, {"%echo silent", false}, {"%echo b\n%echo c", true}, {"%nosuch", true}}
	for i, c := range cells {
		m.Execute(context.Background(), &kernel.ExecuteRequest{Code: c.code, StoreHistory: c.store, ExecutionCount: i + 1}, rec)
	}
	res, rec, err := run(t, m, "%history -n 3")
	if err != nil || res.Value != nil {
		t.Fatal(err)
	}
	want := "[3] %echo b\n    %echo c\n[4] %nosuch\n[1] %history -n 3\n"
	if got := rec.StreamText("stdout"); got != want {
		t.Errorf("history output:\n%s\nwant:\n%s", got, want)
	}
	if h := m.History(); len(h) != 4 || h[0].Count != 1 || h[0].Code != "%echo a" {
		t.Errorf("History() = %v", h)
	}
	if _, _, err := run(t, m, "%history --lines=-1"); err == nil {
		t.Error("%history --lines=-1: no error")
	}
}

func TestSleep(t *testing.T) {
	m := NewMux(kernel.Info{})
	res, rec, err := run(t, m, "%sleep 0.15")
	if err != nil || res.Value != nil {
		t.Fatalf("%%sleep 0.15: %v", err)
	}
	ev := rec.Events()
	if len(ev) < 2 || ev[0].Kind != displaytest.KindDisplay || ev[len(ev)-1].Kind != displaytest.KindUpdate {
		t.Fatalf("events %+v, want a display then updates", ev)
	}
	if last := plain(ev[len(ev)-1].Bundle.Data); !contains(last, "150/150 ms (100%)", "done") {
		t.Errorf("final progress = %q", last)
	}
}

func TestSleepInterrupt(t *testing.T) {
	m := NewMux(kernel.Info{})
	ctx, cancel := context.WithCancelCause(context.Background())
	rec := &displaytest.Recorder{}
	time.AfterFunc(50*time.Millisecond, func() { cancel(kernel.ErrInterrupted) })
	start := time.Now()
	_, err := m.Execute(ctx, &kernel.ExecuteRequest{Code: "%sleep 30\n%echo never"}, rec)
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("interrupted %%sleep took %v to return", el)
	}
	if !errors.Is(err, kernel.ErrInterrupted) || !strings.HasPrefix(err.Error(), "sleep: interrupted after") {
		t.Errorf("err = %v, want an interruption wrapping kernel.ErrInterrupted", err)
	}
	ev := rec.Events()
	if last := plain(ev[len(ev)-1].Bundle.Data); !strings.Contains(last, "interrupted") || rec.StreamText("stdout") != "" {
		t.Errorf("final progress = %q, stdout %q", last, rec.StreamText("stdout"))
	}

	// A context cancelled before a command runs stops the cell there.
	_, err = m.Execute(ctx, &kernel.ExecuteRequest{Code: "%echo x"}, rec)
	if !errors.Is(err, kernel.ErrInterrupted) {
		t.Errorf("cancelled cell: err = %v", err)
	}
}

func TestDemo(t *testing.T) {
	m := NewMux(kernel.Info{})
	for _, kind := range demoKinds {
		t.Run(kind, func(t *testing.T) {
			res, rec, err := run(t, m, "%demo "+kind)
			if err != nil {
				t.Fatal(err)
			}
			ev := rec.Events()
			if res.Value != nil || len(ev) == 0 || ev[0].Kind != displaytest.KindDisplay {
				t.Fatalf("value %v, events %+v; want display_data only", res.Value, ev)
			}
			mime := map[string]string{"html": "text/html", "markdown": "text/markdown", "png": "image/png",
				"svg": "image/svg+xml", "json": "application/json", "table": "text/html", "progress": "text/html"}[kind]
			for _, e := range ev {
				if e.Bundle.Data[mime] == nil || plain(e.Bundle.Data) == "" {
					t.Errorf("event %v lacks %s or text/plain: %v", e.Kind, mime, e.Bundle.Data)
				}
			}
			if kind == "progress" && (len(ev) < 2 || ev[len(ev)-1].Kind != displaytest.KindUpdate || ev[len(ev)-1].ID != ev[0].ID) {
				t.Errorf("progress events %+v, want updates of the first display", ev)
			}
		})
	}
}
