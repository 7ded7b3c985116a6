package display

import (
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/arch2vec/arch2vec/kernel/wire"
)

// tableTemplate renders a table; html/template escapes every cell.
var tableTemplate = template.Must(template.New("table").Parse(
	`<table class="arch2vec-table">
{{- if .Header}}
<thead><tr>{{range $i, $h := .Header}}<th{{if index $.Right $i}} style="text-align:right"{{end}}>{{$h}}</th>{{end}}</tr></thead>
{{- end}}
<tbody>
{{- range .Rows}}
<tr>{{range $i, $c := .}}<td{{if index $.Right $i}} style="text-align:right"{{end}}>{{$c}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>`))

// Table returns a bundle showing header and rows as an HTML table and as a
// column-aligned plain-text table. Every cell is escaped in the HTML. Rows
// shorter than the widest row are padded with empty cells. Columns whose
// cells all parse as numbers (blank cells aside) are right-aligned in both
// forms. header may be nil for a table without a header.
func Table(header []string, rows [][]string) wire.MIMEBundle {
	width := len(header)
	for _, r := range rows {
		width = max(width, len(r))
	}
	pad := func(r []string) []string {
		out := make([]string, width)
		copy(out, r)
		return out
	}
	var h []string
	if header != nil {
		h = pad(header)
	}
	body := make([][]string, len(rows))
	for i, r := range rows {
		body[i] = pad(r)
	}
	right := numericColumns(width, body)

	var html strings.Builder
	data := struct {
		Header []string
		Rows   [][]string
		Right  []bool
	}{h, body, right}
	if err := tableTemplate.Execute(&html, data); err != nil {
		// The template and its data are fixed by this package.
		panic("display: table template: " + err.Error())
	}
	return HTML(html.String(), textTable(h, body, right))
}

// numericColumns reports which columns hold only numbers (and blanks, with
// at least one number).
func numericColumns(width int, rows [][]string) []bool {
	right := make([]bool, width)
	for j := range width {
		seen := false
		right[j] = true
		for _, r := range rows {
			c := strings.TrimSpace(r[j])
			if c == "" {
				continue
			}
			if _, err := strconv.ParseFloat(strings.TrimSuffix(c, "%"), 64); err != nil {
				right[j] = false
				break
			}
			seen = true
		}
		right[j] = right[j] && seen
	}
	return right
}

// textTable aligns the cells in columns two spaces apart, with a dashed rule
// under the header. Widths count runes.
func textTable(header []string, rows [][]string, right []bool) string {
	widths := make([]int, len(right))
	measure := func(r []string) {
		for j, c := range r {
			widths[j] = max(widths[j], utf8.RuneCountInString(oneLine(c)))
		}
	}
	if header != nil {
		measure(header)
	}
	for _, r := range rows {
		measure(r)
	}
	var b strings.Builder
	line := func(r []string) {
		var l strings.Builder
		for j, c := range r {
			if j > 0 {
				l.WriteString("  ")
			}
			c = oneLine(c)
			fill := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(c))
			if right[j] {
				l.WriteString(fill + c)
			} else {
				l.WriteString(c + fill)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	if header != nil {
		line(header)
		rule := make([]string, len(widths))
		for j, w := range widths {
			rule[j] = strings.Repeat("-", w)
		}
		line(rule)
	}
	for _, r := range rows {
		line(r)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// lineBreaks replaces what would break a text table's rows and columns.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ")

// oneLine replaces line breaks and tabs so that a cell keeps its row.
func oneLine(s string) string { return lineBreaks.Replace(s) }
