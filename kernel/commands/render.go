package commands

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/arch2vec/arch2vec/arch2vec/plot"
	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// wireBundle is the MIME bundle type of displays.
type wireBundle = wire.MIMEBundle

// figureBundle renders f as PNG with an SVG alternative and the plain text
// fallback plain.
func figureBundle(f *plot.Figure, plain string) (wire.MIMEBundle, error) {
	png, err := f.PNG()
	if err != nil {
		return wire.MIMEBundle{}, err
	}
	svg, err := f.SVG()
	if err != nil {
		return wire.MIMEBundle{}, err
	}
	pb, err := display.PNG(png, plain)
	if err != nil {
		return wire.MIMEBundle{}, err
	}
	return display.Merge(pb, display.SVG(string(svg), plain)), nil
}

// titledTable is a table with a caption, for tablesBundle.
type titledTable struct {
	title  string
	header []string
	rows   [][]string
}

// tablesBundle shows several captioned tables as one output: the HTML
// tables one after the other, and the text tables separated by blank lines.
func tablesBundle(tables ...titledTable) wire.MIMEBundle {
	var html, text strings.Builder
	for i, t := range tables {
		b := display.Table(t.header, t.rows)
		if i > 0 {
			text.WriteString("\n\n")
		}
		if t.title != "" {
			fmt.Fprintf(&html, "<p><b>%s</b></p>\n", htmlEscape(t.title))
			text.WriteString(t.title + "\n")
		}
		html.WriteString(b.Data[display.MIMEHTML].(string) + "\n")
		text.WriteString(b.Data[display.MIMEText].(string))
	}
	return display.HTML(html.String(), text.String())
}

// withJSON adds v as application/json to b (b's text/plain is kept).
func withJSON(b wire.MIMEBundle, v any) (wire.MIMEBundle, error) {
	j, err := display.JSON(v, "")
	if err != nil {
		return wire.MIMEBundle{}, err
	}
	return display.Merge(b, j), nil
}

// htmlEscape escapes text for HTML.
var htmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace

// pct formats a fraction as a percentage with two decimals, "—" when
// unknown.
func pct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return fmt.Sprintf("%.2f", 100*x)
}

// num returns x for JSON: nil when it is not finite (JSON has no NaN).
func num(x float64) any {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return x
}

// nums is num over a slice.
func nums(xs []float64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = num(x)
	}
	return out
}

// meanMax returns the mean and maximum of the finite values of xs and
// their number; NaN when there are none.
func meanMax(xs []float64) (mean, maxv float64, n int) {
	maxv = math.Inf(-1)
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			mean += x
			maxv = max(maxv, x)
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	return mean / float64(n), maxv, n
}

// interrupted wraps an error from cancelled work for the user.
func interrupted(name string, err error, what string) error {
	return fmt.Errorf("%s: interrupted %s (the workspace is unchanged): %w", name, what, err)
}

// progressDelay holds back the progress bar of commands that are often
// quick (search, embed, distance): a bar appears only for work that lasts
// longer, so quick cells show just their results.
const progressDelay = 400 * time.Millisecond
