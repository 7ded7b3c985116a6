package nbrun

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// echo prints what cells show to a terminal: streams as they come, the
// text/plain form of displays and results, error tracebacks.
type echo struct {
	stdout, stderr io.Writer
	color          bool // keep ANSI escape sequences
	midLine        bool // the last stdout write did not end a line
}

// ansi matches ANSI escape sequences (SGR colours and the like).
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// write writes s to w, without escape sequences unless e.color.
func (e *echo) write(w io.Writer, s string) {
	if !e.color {
		s = ansi.ReplaceAllString(s, "")
	}
	io.WriteString(w, s)
}

func (e *echo) stream(name, text string) {
	w := e.stdout
	if name == "stderr" {
		w = e.stderr
	} else if text != "" {
		e.midLine = !strings.HasSuffix(text, "\n")
	}
	e.write(w, text)
}

func (e *echo) line(s string) {
	if e.midLine {
		io.WriteString(e.stdout, "\n")
		e.midLine = false
	}
	e.write(e.stdout, strings.TrimSuffix(s, "\n")+"\n")
}

func (e *echo) bundle(data map[string]any) {
	if s, ok := data["text/plain"].(string); ok {
		e.line(s)
		return
	}
	var mimes []string
	for m := range data {
		mimes = append(mimes, m)
	}
	e.line(fmt.Sprintf("<%s>", strings.Join(sortedStrings(mimes), ", ")))
}

func (e *echo) traceback(o *Output) {
	if len(o.Traceback) > 0 {
		e.line(strings.Join(o.Traceback, "\n"))
		return
	}
	e.line(o.EName + ": " + o.EValue)
}

// echoPages prints the text/plain of page payloads (help text), which
// nbclient drops from the notebook but a terminal user asked for.
func (e *echo) pages(payload []map[string]any) {
	for _, p := range payload {
		if p["source"] != "page" {
			continue
		}
		if data, ok := p["data"].(map[string]any); ok {
			if s, ok := data["text/plain"].(string); ok {
				e.line(s)
			}
		}
	}
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}
