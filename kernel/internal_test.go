package kernel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel/wire"
)

func TestCursorConversion(t *testing.T) {
	const code = "a😀b𝔸\nc" // runes: a 😀 b 𝔸 \n c; UTF-16: 1 2 1 2 1 1
	tests := []struct {
		name  string
		unit  CursorUnit
		pos   int
		runes int
	}{
		{"utf16 start", CursorUTF16, 0, 0},
		{"utf16 after a", CursorUTF16, 1, 1},
		{"utf16 inside surrogate pair", CursorUTF16, 2, 1},
		{"utf16 after emoji", CursorUTF16, 3, 2},
		{"utf16 after b", CursorUTF16, 4, 3},
		{"utf16 after math A", CursorUTF16, 6, 4},
		{"utf16 end", CursorUTF16, 8, 6},
		{"utf16 past end", CursorUTF16, 99, 6},
		{"negative", CursorUTF16, -3, 0},
		{"runes", CursorRunes, 2, 2},
		{"runes past end", CursorRunes, 99, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pos := tc.pos
			if got := toRunes(code, &pos, tc.unit); got != tc.runes {
				t.Errorf("toRunes(%d) = %d, want %d", tc.pos, got, tc.runes)
			}
		})
	}
	if got := toRunes(code, nil, CursorUTF16); got != 6 {
		t.Errorf("missing cursor = %d, want end (6)", got)
	}
	// Rune offsets map back to the UTF-16 offsets of character starts.
	for runes, want := range []int{0, 1, 3, 4, 6, 7, 8} {
		if got := fromRunes(code, runes, CursorUTF16); got != want {
			t.Errorf("fromRunes(%d) = %d, want %d", runes, got, want)
		}
		if got := fromRunes(code, runes, CursorRunes); got != runes {
			t.Errorf("fromRunes(%d, runes) = %d", runes, got)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"echo*", "echo a", true},
		{"echo*", "Echo a", false},
		{"?cho", "echo", true},
		{"?cho", "ech", false},
		{"*a*b", "xxaxxb", true},
		{"*a*b", "xxaxxbx", false},
		{"[a-c]x", "bx", true},
		{"[^a-c]x", "bx", false},
		{"[^a-c]x", "dx", true},
		{"[]]", "]", true},
		{"[abc", "[abc", true},
		{"😀?", "😀é", true},
	}
	for _, tc := range tests {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

type namedErr struct{ error }

func (namedErr) ErrorName() string   { return "UsageError" }
func (namedErr) Traceback() []string { return nil }

func TestErrorContentOf(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		ename string
	}{
		{"plain", errors.New("x"), "Error"},
		{"named", namedErr{errors.New("bad flag")}, "UsageError"},
		{"wrapped named", fmt.Errorf("cmd: %w", namedErr{errors.New("bad")}), "UsageError"},
		{"interrupted", fmt.Errorf("pretrain: stopped: %w", ErrInterrupted), "KeyboardInterrupt"},
		{"cancelled", fmt.Errorf("x: %w", context.Canceled), "KeyboardInterrupt"},
		{"panic", newPanicError("boom"), "InternalError"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := errorContentOf(tc.err)
			if e.EName != tc.ename || e.EValue != tc.err.Error() || len(e.Traceback) == 0 || e.Status != "error" {
				t.Errorf("got %+v, want ename %s", e, tc.ename)
			}
		})
	}
}

func TestHistoryQueryEdges(t *testing.T) {
	var h history
	for i, in := range []string{"a", "b", "a", "c"} {
		h.add(i+1, in, nil)
	}
	n0, n9 := 0, 9
	stop := 3
	tests := []struct {
		name string
		c    historyContent
		want []int // line numbers
	}{
		{"tail all", historyContent{HistAccessType: "tail"}, []int{1, 2, 3, 4}},
		{"tail 0", historyContent{HistAccessType: "tail", N: &n0}, []int{}},
		{"tail more than stored", historyContent{HistAccessType: "tail", N: &n9}, []int{1, 2, 3, 4}},
		{"range other session", historyContent{HistAccessType: "range", Session: 7, Start: 1}, []int{}},
		{"range to end", historyContent{HistAccessType: "range", Start: 2}, []int{2, 3, 4}},
		{"range bounded", historyContent{HistAccessType: "range", Session: 1, Start: 1, Stop: &stop}, []int{1, 2}},
		{"search unique keeps newest", historyContent{HistAccessType: "search", Pattern: "a", Unique: true}, []int{3}},
		{"unknown access type", historyContent{HistAccessType: "bogus"}, []int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := []int{}
			for _, e := range h.query(tc.c) {
				got = append(got, e[1].(int))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("lines %v, want %v", got, tc.want)
			}
		})
	}
}

// recorder is a minimal Transport that records published messages.
type recorder struct {
	mu        sync.Mutex
	published []*wire.Message
}

func (r *recorder) Recv(ctx context.Context) (Channel, *wire.Message, error) {
	<-ctx.Done()
	return 0, nil, ctx.Err()
}
func (r *recorder) Send(Channel, *wire.Message) error { return nil }
func (r *recorder) Publish(m *wire.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.published = append(r.published, m)
	return nil
}

func TestOutputLifetime(t *testing.T) {
	rec := &recorder{}
	k := New(nil, rec, Options{Logger: slog.New(slog.DiscardHandler), StreamFlush: time.Hour})
	req := &request{ch: Shell, msg: &wire.Message{Header: wire.NewHeader(wire.ExecuteRequest, "s", "u")}}
	out := newOutput(k, req, false, false)
	if err := out.Stream("stdout", "a"); err != nil {
		t.Fatal(err)
	}
	if err := out.Stream("stdout", "b"); err != nil {
		t.Fatal(err)
	}
	if err := out.Stream("stdlog", "x"); err == nil {
		t.Error("Stream accepted an unknown stream name")
	}
	if _, err := out.Input(context.Background(), "?", false); !errors.Is(err, ErrStdinNotAllowed) {
		t.Errorf("Input without allow_stdin: %v", err)
	}
	out.close() // flushes "ab"
	for name, f := range map[string]func() error{
		"Stream":  func() error { return out.Stream("stdout", "late") },
		"Display": func() error { return out.Display(wire.MIMEBundle{}, "") },
		"Clear":   func() error { return out.Clear(false) },
	} {
		if err := f(); !errors.Is(err, errOutputClosed) {
			t.Errorf("%s after close: %v, want errOutputClosed", name, err)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.published) != 1 || !strings.Contains(string(rec.published[0].Content), `"text":"ab"`) {
		t.Errorf("published %d messages; want one stream \"ab\"", len(rec.published))
	}
}
