package display

import (
	"crypto/rand"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// DefaultInterval is the minimum time between two publications of a
// [Progress] when [ProgressConfig.Interval] is zero: at most four updates a
// second, well under the rates at which clients drop IOPub traffic.
const DefaultInterval = 250 * time.Millisecond

// barWidth is the number of cells of the text bar.
const barWidth = 24

// ProgressConfig describes the work a [Progress] follows.
type ProgressConfig struct {
	// Label names the work, e.g. "pretrain"; it precedes the bar.
	Label string
	// Total is the number of items to do; zero or less means unknown, and
	// the display then shows a count and a rate but no bar or ETA.
	Total int64
	// Unit names one item in counts and rates, e.g. "epoch"; "" means "it".
	Unit string
	// Interval is the minimum time between two publications; zero means
	// DefaultInterval. Start and Finish publish regardless.
	Interval time.Duration
	// Delay, if positive, holds back the first publication until Delay has
	// passed since NewProgress (like tqdm's delay): work that finishes
	// sooner shows no bar at all, and its cell output holds only results.
	Delay time.Duration
}

// Progress is a live progress display: a bar with done/total, rate, ETA and
// a status message, published through a [kernel.Output] under a display id
// of its own. The first publication is a display_data; later ones are
// update_display_data, rate-limited to one per Interval except for the
// final state published by Finish. A change that falls inside the interval
// is not lost: the next publication shows it.
//
// Its methods are safe for concurrent use. Each returns the Output's error
// if a publication failed; the progress state is updated regardless, so a
// command may ignore these errors. A Progress must not be used after the
// command that owns its Output has returned; call Finish before returning.
type Progress struct {
	out kernel.Output
	id  string
	cfg ProgressConfig
	now func() time.Time // the clock; tests replace it

	mu       sync.Mutex
	start    time.Time
	done     int64
	total    int64
	status   string
	shown    bool      // the first display_data was sent
	last     time.Time // time of the last publication
	finished bool
}

// NewProgress returns a progress display for out. Nothing is published until
// the first call to Start, Set, Add, SetTotal, SetStatus or Finish. The rate
// is measured from the time NewProgress is called.
func NewProgress(out kernel.Output, cfg ProgressConfig) *Progress {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Unit == "" {
		cfg.Unit = "it"
	}
	p := &Progress{out: out, id: "progress-" + rand.Text(), cfg: cfg, now: time.Now, total: cfg.Total}
	p.start = p.now()
	return p
}

// ID returns the display id under which the progress is published.
func (p *Progress) ID() string { return p.id }

// Start publishes the current state at once, so the user sees the bar
// before the first item is done.
func (p *Progress) Start() error { return p.change(true, func() {}) }

// Set records that done items are finished.
func (p *Progress) Set(done int64) error { return p.change(false, func() { p.done = done }) }

// Add records that n more items are finished.
func (p *Progress) Add(n int64) error { return p.change(false, func() { p.done += n }) }

// SetTotal changes the number of items; zero or less means unknown.
func (p *Progress) SetTotal(total int64) error { return p.change(false, func() { p.total = total }) }

// SetStatus sets the message shown after the counts, e.g. "loss 0.124".
func (p *Progress) SetStatus(msg string) error { return p.change(false, func() { p.status = msg }) }

// Finish publishes the final state with the given status message (for
// instance "done" or "interrupted"; "" keeps the current one). Later calls to
// any method change nothing and publish nothing.
func (p *Progress) Finish(status string) error {
	return p.change(true, func() {
		if status != "" {
			p.status = status
		}
		p.finished = true
	})
}

// change applies f to the state and publishes it if the display is due, or
// if force is set.
func (p *Progress) change(force bool, f func()) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return nil
	}
	f()
	now := p.now()
	if !p.shown && now.Sub(p.start) < p.cfg.Delay {
		return nil
	}
	if !force && p.shown && now.Sub(p.last) < p.cfg.Interval {
		return nil
	}
	p.last = now
	b := p.bundle(now)
	if !p.shown {
		p.shown = true
		return p.out.Display(b, p.id)
	}
	return p.out.UpdateDisplay(b, p.id)
}

// progressView is the state rendered by both forms.
type progressView struct {
	Label, Status   string
	Known           bool // total is known
	Done, Total     int64
	Percent         int
	Counts, Details string
}

var progressTemplate = template.Must(template.New("progress").Parse(
	`<div class="arch2vec-progress" style="font-family:monospace">
{{- if .Label}}<span>{{.Label}}</span> {{end -}}
<progress {{if .Known}}value="{{.Done}}" max="{{.Total}}" {{end}}style="width:16em;vertical-align:middle"></progress>
{{- " "}}<span>{{.Counts}}</span>
{{- if .Details}} <span>· {{.Details}}</span>{{end}}
{{- if .Status}} <span>· {{.Status}}</span>{{end -}}
</div>`))

// bundle renders the state at time now. The caller holds p.mu.
func (p *Progress) bundle(now time.Time) wire.MIMEBundle {
	v := progressView{Label: p.cfg.Label, Status: p.status, Done: p.done, Total: p.total, Known: p.total > 0}
	elapsed := now.Sub(p.start)
	var details []string
	if v.Known {
		frac := min(max(float64(p.done)/float64(p.total), 0), 1)
		v.Percent = int(frac * 100)
		v.Counts = fmt.Sprintf("%d/%d %s (%d%%)", p.done, p.total, p.cfg.Unit, v.Percent)
	} else {
		v.Counts = fmt.Sprintf("%d %s", p.done, p.cfg.Unit)
	}
	if rate := float64(p.done) / elapsed.Seconds(); p.done > 0 && elapsed > 0 {
		details = append(details, fmt.Sprintf("%s %s/s", formatRate(rate), p.cfg.Unit))
		if v.Known && !p.finished && p.done < p.total {
			eta := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
			details = append(details, "ETA "+formatDuration(eta))
		}
	}
	details = append(details, "elapsed "+formatDuration(elapsed))
	v.Details = strings.Join(details, " · ")

	var html strings.Builder
	if err := progressTemplate.Execute(&html, v); err != nil {
		panic("display: progress template: " + err.Error()) // fixed template and data
	}
	return HTML(html.String(), progressText(v))
}

// progressText renders the plain form, e.g.
// "pretrain [██████░░░░] 3/8 epoch (37%) · 1.2 epoch/s · ETA 4s · loss 0.12".
func progressText(v progressView) string {
	var b strings.Builder
	if v.Label != "" {
		b.WriteString(v.Label + " ")
	}
	if v.Known {
		full := v.Percent * barWidth / 100
		b.WriteString("[" + strings.Repeat("█", full) + strings.Repeat("░", barWidth-full) + "] ")
	}
	b.WriteString(v.Counts)
	for _, s := range []string{v.Details, v.Status} {
		if s != "" {
			b.WriteString(" · " + s)
		}
	}
	return b.String()
}

// formatRate prints a rate with three significant digits.
func formatRate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 10:
		return fmt.Sprintf("%.1f", r)
	default:
		return fmt.Sprintf("%.2f", r)
	}
}

// formatDuration rounds d for display: tenths of a second below ten seconds,
// whole seconds above.
func formatDuration(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
