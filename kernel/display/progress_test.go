package display

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel/display/displaytest"
)

// fakeClock is a settable clock for Progress.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestProgress(rec *displaytest.Recorder, cfg ProgressConfig) (*Progress, *fakeClock) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := NewProgress(rec, cfg)
	p.now = clock.now
	p.start = clock.now()
	return p, clock
}

func text(e displaytest.Event) string { return e.Bundle.Data[MIMEText].(string) }

func TestProgressRateLimitAndFinish(t *testing.T) {
	rec := &displaytest.Recorder{}
	p, clock := newTestProgress(rec, ProgressConfig{Label: "pretrain", Total: 8, Unit: "epoch"})
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 8; i++ {
		clock.advance(100 * time.Millisecond) // 10 epochs/s, faster than the 250 ms interval
		p.SetStatus("loss 0.5")
		p.Set(int64(i))
	}
	if err := p.Finish("done"); err != nil {
		t.Fatal(err)
	}
	p.Set(99) // ignored after Finish
	ev := rec.Events()
	if len(ev) < 3 || len(ev) > 6 {
		t.Fatalf("got %d events, want a display, a few rate-limited updates and the final one", len(ev))
	}
	if ev[0].Kind != displaytest.KindDisplay || ev[0].ID != p.ID() || !strings.HasPrefix(p.ID(), "progress-") {
		t.Errorf("first event = %v %q, want display with id %q", ev[0].Kind, ev[0].ID, p.ID())
	}
	for _, e := range ev[1:] {
		if e.Kind != displaytest.KindUpdate || e.ID != p.ID() {
			t.Errorf("later event = %v %q, want update of %q", e.Kind, e.ID, p.ID())
		}
	}
	if got := text(ev[0]); got != "pretrain [░░░░░░░░░░░░░░░░░░░░░░░░] 0/8 epoch (0%) · elapsed 0s" {
		t.Errorf("start text = %q", got)
	}
	want := "pretrain [████████████████████████] 8/8 epoch (100%) · 10.0 epoch/s · elapsed 800ms · done"
	if got := text(ev[len(ev)-1]); got != want {
		t.Errorf("final text = %q, want %q", got, want)
	}
	html := ev[len(ev)-1].Bundle.Data[MIMEHTML].(string)
	if !strings.Contains(html, `<progress value="8" max="8"`) || !strings.Contains(html, "done") {
		t.Errorf("final html = %s", html)
	}
}

func TestProgressETAAndUnknownTotal(t *testing.T) {
	rec := &displaytest.Recorder{}
	p, clock := newTestProgress(rec, ProgressConfig{Total: 100})
	clock.advance(2 * time.Second)
	p.Set(25)
	if got, want := text(rec.Events()[0]), "[██████░░░░░░░░░░░░░░░░░░] 25/100 it (25%) · 12.5 it/s · ETA 6s · elapsed 2s"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}

	rec = &displaytest.Recorder{}
	p, clock = newTestProgress(rec, ProgressConfig{Label: "<enum>", Unit: "cell"})
	clock.advance(time.Second)
	p.Add(300)
	p.Finish("")
	ev := rec.Events()
	if got, want := text(ev[len(ev)-1]), "<enum> 300 cell · 300 cell/s · elapsed 1s"; got != want {
		t.Errorf("unknown total text = %q, want %q", got, want)
	}
	html := ev[len(ev)-1].Bundle.Data[MIMEHTML].(string)
	if !strings.Contains(html, "&lt;enum&gt;") || !strings.Contains(html, "<progress style=") {
		t.Errorf("html not escaped or bar not indeterminate: %s", html)
	}
}

func TestProgressOutputError(t *testing.T) {
	boom := errors.New("closed")
	rec := &displaytest.Recorder{Err: boom}
	p, _ := newTestProgress(rec, ProgressConfig{Total: 1})
	if err := p.Start(); !errors.Is(err, boom) {
		t.Errorf("Start error = %v, want %v", err, boom)
	}
}

func TestProgressConcurrent(t *testing.T) {
	rec := &displaytest.Recorder{}
	p := NewProgress(rec, ProgressConfig{Total: 400})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				p.Add(1)
			}
		})
	}
	wg.Wait()
	p.Finish("")
	ev := rec.Events()
	if !strings.Contains(text(ev[len(ev)-1]), "400/400") {
		t.Errorf("final text = %q, want 400/400", text(ev[len(ev)-1]))
	}
	if _, err := rec.Input(context.Background(), "", false); err == nil {
		t.Error("Recorder.Input with no inputs: no error")
	}
}

func TestProgressDelay(t *testing.T) {
	tests := []struct {
		name    string
		elapsed time.Duration // before Finish
		events  int           // 0: none; otherwise at least this many
	}{
		{"quick work shows nothing", 100 * time.Millisecond, 0},
		{"slow work shows the bar once due, then its end", 900 * time.Millisecond, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &displaytest.Recorder{}
			p, clock := newTestProgress(rec, ProgressConfig{Label: "search", Total: 9, Delay: 500 * time.Millisecond})
			p.Start()
			for i := range 9 {
				clock.advance(tc.elapsed / 9)
				p.Set(int64(i + 1))
			}
			p.Finish("done")
			ev := rec.Events()
			if (tc.events == 0) != (len(ev) == 0) || len(ev) < tc.events {
				t.Fatalf("got %d events, want %d: %+v", len(ev), tc.events, ev)
			}
			if tc.events > 0 && (ev[0].Kind != displaytest.KindDisplay || ev[len(ev)-1].Kind != displaytest.KindUpdate) {
				t.Errorf("events = %+v, want a display then updates", ev)
			}
		})
	}
}
