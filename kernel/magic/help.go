package magic

import (
	"fmt"
	"html/template"
	"strings"
	"unicode/utf8"

	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// maxInlineFlags is the number of flags a synopsis lists; commands with
// more show "[flags]".
const maxInlineFlags = 2

// Synopsis returns the command's one-line usage, e.g.
// "%history [-n N]" or "%pretrain [flags] CELLS [FILE...]".
func Synopsis(c *Command) string {
	parts := []string{"%" + c.Name}
	if len(c.Flags) > maxInlineFlags {
		parts = append(parts, "[flags]")
	} else {
		for i := range c.Flags {
			parts = append(parts, "["+flagUsage(&c.Flags[i], false)+"]")
		}
	}
	for _, a := range c.Args {
		s := strings.ToUpper(a.Name)
		if a.Variadic {
			s += "..."
		}
		if a.Optional {
			s = "[" + s + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// flagUsage writes a flag as used: "--epochs N", "--verbose", "-n N"; with
// both, the long help form: "--[no-]verbose", "-n, --lines N".
func flagUsage(f *Flag, both bool) string {
	name := "--" + f.Name
	if f.Kind == Bool && both {
		name = "--[no-]" + f.Name
	}
	if f.Short != "" {
		if both {
			name = "-" + f.Short + ", " + name
		} else {
			name = "-" + f.Short
		}
	}
	if f.Kind == Bool {
		return name
	}
	return name + " " + f.placeholder()
}

// helpRow is one line of the arguments or flags table of a help text.
type helpRow struct{ Left, Right string }

// helpView is a command's help, ready to render as text or HTML.
type helpView struct {
	Synopsis, Summary string
	Doc               []string // paragraphs
	Args, Flags       []helpRow
	Example           string
}

func newHelpView(c *Command) helpView {
	v := helpView{Synopsis: Synopsis(c), Summary: c.Summary, Example: strings.TrimSpace(c.Example)}
	for _, p := range strings.Split(strings.TrimSpace(c.Doc), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			v.Doc = append(v.Doc, p)
		}
	}
	for _, a := range c.Args {
		var notes []string
		if a.Kind != String && a.Kind != Enum {
			notes = append(notes, a.Kind.String())
		}
		if a.Kind == Enum {
			notes = append(notes, "one of "+strings.Join(a.Values, ", "))
		}
		if a.Optional {
			notes = append(notes, "optional")
		}
		if a.Default != "" {
			notes = append(notes, "default "+a.Default)
		}
		v.Args = append(v.Args, helpRow{strings.ToUpper(a.Name), withNotes(a.Help, notes)})
	}
	for i := range c.Flags {
		f := &c.Flags[i]
		var notes []string
		if f.Kind != String && f.Kind != Enum && f.Kind != Bool {
			notes = append(notes, f.Kind.String())
		}
		if f.Default != "" {
			notes = append(notes, "default "+f.Default)
		}
		v.Flags = append(v.Flags, helpRow{flagUsage(f, true), withNotes(f.Help, notes)})
	}
	return v
}

func withNotes(help string, notes []string) string {
	if len(notes) == 0 {
		return help
	}
	return strings.TrimSpace(help + " (" + strings.Join(notes, ", ") + ")")
}

// textWidth is the width to which help paragraphs are wrapped.
const textWidth = 80

// wrap fills the paragraph p to lines of at most width runes (longer words
// stay whole). A paragraph with indented lines is preformatted and kept.
func wrap(p string, width int) string {
	for _, l := range strings.Split(p, "\n") {
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			return p
		}
	}
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(p) {
		wn := utf8.RuneCountInString(w)
		switch {
		case n == 0:
		case n+1+wn > width:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += wn
	}
	return b.String()
}

// text renders the help as plain text.
func (v helpView) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s\n", v.Synopsis, v.Summary)
	for _, p := range v.Doc {
		fmt.Fprintf(&b, "\n%s\n", wrap(p, textWidth))
	}
	table := func(title string, rows []helpRow) {
		if len(rows) == 0 {
			return
		}
		w := 0
		for _, r := range rows {
			w = max(w, utf8.RuneCountInString(r.Left))
		}
		fmt.Fprintf(&b, "\n%s:\n", title)
		for _, r := range rows {
			pad := strings.Repeat(" ", w-utf8.RuneCountInString(r.Left))
			fmt.Fprintf(&b, "  %s%s  %s\n", r.Left, pad, r.Right)
		}
	}
	table("Arguments", v.Args)
	table("Flags", v.Flags)
	if v.Example != "" {
		fmt.Fprintf(&b, "\nExample:\n  %s\n", strings.ReplaceAll(v.Example, "\n", "\n  "))
	}
	return b.String()
}

var helpTemplate = template.Must(template.New("help").Parse(`{{define "rows" -}}
<h4>{{.Title}}</h4>
<table>
{{- range .Rows}}
<tr><td style="text-align:left"><code>{{.Left}}</code></td><td style="text-align:left">{{.Right}}</td></tr>
{{- end}}
</table>
{{- end -}}
<div class="arch2vec-help">
<p><code>{{.Synopsis}}</code></p>
<p>{{.Summary}}</p>
{{- range .Doc}}
<p>{{.}}</p>
{{- end}}
{{- range .Tables}}{{if .Rows}}
{{template "rows" .}}
{{- end}}{{end}}
{{- if .Example}}
<h4>Example</h4>
<pre>{{.Example}}</pre>
{{- end}}
</div>
`))

// html renders the help as escaped HTML.
func (v helpView) html() string {
	var b strings.Builder
	type table struct {
		Title string
		Rows  []helpRow
	}
	data := struct {
		helpView
		Tables []table
	}{v, []table{{"Arguments", v.Args}, {"Flags", v.Flags}}}
	if err := helpTemplate.Execute(&b, data); err != nil {
		panic("magic: help template: " + err.Error()) // fixed template and data
	}
	return b.String()
}

// Help returns a command's full help as a bundle (text/plain and text/html):
// synopsis, summary, doc, arguments, flags with defaults, and example.
func Help(c *Command) wire.MIMEBundle {
	v := newHelpView(c)
	return display.HTML(v.html(), v.text())
}

// helpPage returns the page payload that shows a command's help in the
// pager, as IPython does for %magic?.
func helpPage(c *Command) map[string]any {
	b := Help(c)
	return map[string]any{"source": "page", "data": b.Data, "start": 0}
}

// commandTable returns the %help overview of all commands.
func commandTable(cmds []*Command) wire.MIMEBundle {
	rows := make([][]string, len(cmds))
	for i, c := range cmds {
		rows[i] = []string{"%" + c.Name, c.Summary}
	}
	t := display.Table([]string{"command", "summary"}, rows)
	const footer = "Type %name? or %help NAME for help on one command."
	html := t.Data[display.MIMEHTML].(string) + "\n<p>" + template.HTMLEscapeString(footer) + "</p>"
	return display.HTML(html, t.Data[display.MIMEText].(string)+"\n\n"+footer)
}
