package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"

	"github.com/arch2vec/arch2vec/kernel/wire"
)

// MIME types used in bundles.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMEJSON     = "application/json"
	MIMEPNG      = "image/png"
	MIMESVG      = "image/svg+xml"
)

// bundle returns a bundle with plain as its text/plain and the given extra
// representation.
func bundle(plain, mime string, v any) wire.MIMEBundle {
	b := wire.MIMEBundle{Data: map[string]any{MIMEText: plain}, Metadata: map[string]any{}}
	if mime != "" {
		b.Data[mime] = v
	}
	return b
}

// Text returns a bundle holding only the plain text s.
func Text(s string) wire.MIMEBundle { return bundle(s, "", nil) }

// HTML returns a bundle with an HTML representation and its plain-text
// fallback. The HTML is sent as given: callers that embed user strings must
// escape them (html/template does).
func HTML(html, plain string) wire.MIMEBundle { return bundle(plain, MIMEHTML, html) }

// Markdown returns a bundle with a Markdown representation; the Markdown
// source doubles as the plain text, which is how it reads in a console.
func Markdown(md string) wire.MIMEBundle { return bundle(md, MIMEMarkdown, md) }

// JSON returns a bundle whose application/json representation is v, which
// must marshal to a JSON object. The object is sent collapsed (metadata
// expanded=false). An empty plain is replaced by the indented JSON text.
// It returns an error if v does not marshal or is not an object.
func JSON(v any, plain string) (wire.MIMEBundle, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return wire.MIMEBundle{}, fmt.Errorf("display: json: %w", err)
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return wire.MIMEBundle{}, fmt.Errorf("display: json: value of type %T is not a JSON object", v)
	}
	if plain == "" {
		var buf bytes.Buffer
		_ = json.Indent(&buf, raw, "", "  ") // raw came from json.Marshal: it is valid
		plain = buf.String()
	}
	b := bundle(plain, MIMEJSON, obj)
	b.Metadata[MIMEJSON] = map[string]any{"expanded": false}
	return b, nil
}

// PNG returns a bundle holding a PNG image, base64-encoded, with its width
// and height (read from the PNG header) in the metadata. An empty plain is
// replaced by a description such as "<PNG image 640×480>". It returns an
// error if img is not a PNG.
func PNG(img []byte, plain string) (wire.MIMEBundle, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return wire.MIMEBundle{}, fmt.Errorf("display: png: %w", err)
	}
	if plain == "" {
		plain = fmt.Sprintf("<PNG image %d×%d>", cfg.Width, cfg.Height)
	}
	b := bundle(plain, MIMEPNG, base64.StdEncoding.EncodeToString(img))
	b.Metadata[MIMEPNG] = map[string]any{"width": cfg.Width, "height": cfg.Height}
	return b, nil
}

// SVG returns a bundle holding an SVG image as XML text. The SVG is sent as
// given, so it must come from trusted code (a plot renderer), not from user
// input. An empty plain is replaced by "<SVG image>".
func SVG(svg, plain string) wire.MIMEBundle {
	if plain == "" {
		plain = "<SVG image>"
	}
	return bundle(plain, MIMESVG, svg)
}

// Merge combines bundles into one, for alternatives of one output (a PNG
// and an SVG of the same plot, an HTML table and its JSON). When several
// bundles hold the same MIME type, or metadata for it, the earliest wins, so
// the first bundle's text/plain is kept. The inputs are not modified.
func Merge(bundles ...wire.MIMEBundle) wire.MIMEBundle {
	out := wire.MIMEBundle{Data: map[string]any{}, Metadata: map[string]any{}}
	for _, b := range bundles {
		for k, v := range b.Data {
			if _, ok := out.Data[k]; !ok {
				out.Data[k] = v
			}
		}
		for k, v := range b.Metadata {
			if _, ok := out.Metadata[k]; !ok {
				out.Metadata[k] = v
			}
		}
	}
	if _, ok := out.Data[MIMEText]; !ok {
		out.Data[MIMEText] = ""
	}
	return out
}
