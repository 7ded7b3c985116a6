package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"reflect"
	"strings"
	"testing"
)

func TestSimpleBundles(t *testing.T) {
	tests := []struct {
		name  string
		got   map[string]any
		want  map[string]any
		wantM map[string]any
	}{
		{"text", Text("hi").Data, map[string]any{MIMEText: "hi"}, nil},
		{"html", HTML("<b>hi</b>", "hi").Data, map[string]any{MIMEText: "hi", MIMEHTML: "<b>hi</b>"}, nil},
		{"markdown", Markdown("*hi*").Data, map[string]any{MIMEText: "*hi*", MIMEMarkdown: "*hi*"}, nil},
		{"svg", SVG("<svg/>", "").Data, map[string]any{MIMEText: "<SVG image>", MIMESVG: "<svg/>"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	// Metadata must never marshal to null.
	raw, err := json.Marshal(Text("x"))
	if err != nil || !strings.Contains(string(raw), `"metadata":{}`) {
		t.Errorf("Text marshals to %s (%v), want metadata {}", raw, err)
	}
}

func TestJSON(t *testing.T) {
	type point struct {
		X int `json:"x"`
	}
	b, err := JSON(point{3}, "")
	if err != nil {
		t.Fatal(err)
	}
	obj, ok := b.Data[MIMEJSON].(map[string]any)
	if !ok || obj["x"] != float64(3) {
		t.Errorf("application/json = %#v, want object {x: 3}", b.Data[MIMEJSON])
	}
	if b.Data[MIMEText] != "{\n  \"x\": 3\n}" {
		t.Errorf("text/plain = %q", b.Data[MIMEText])
	}
	meta := b.Metadata[MIMEJSON].(map[string]any)
	if meta["expanded"] != false {
		t.Errorf("metadata = %v, want expanded false", b.Metadata)
	}
	for _, bad := range []any{[]int{1}, "s", 3, nil, func() {}} {
		if _, err := JSON(bad, ""); err == nil {
			t.Errorf("JSON(%#v): no error, want one (not an object)", bad)
		}
	}
}

func TestPNG(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 7, 3))); err != nil {
		t.Fatal(err)
	}
	b, err := PNG(buf.Bytes(), "")
	if err != nil {
		t.Fatal(err)
	}
	dec, err := base64.StdEncoding.DecodeString(b.Data[MIMEPNG].(string))
	if err != nil || !bytes.Equal(dec, buf.Bytes()) {
		t.Errorf("image/png does not decode to the input (%v)", err)
	}
	want := map[string]any{"width": 7, "height": 3}
	if got := b.Metadata[MIMEPNG]; !reflect.DeepEqual(got, want) {
		t.Errorf("metadata = %v, want %v", got, want)
	}
	if b.Data[MIMEText] != "<PNG image 7×3>" {
		t.Errorf("text/plain = %q", b.Data[MIMEText])
	}
	if _, err := PNG([]byte("GIF89a"), ""); err == nil {
		t.Error("PNG(GIF bytes): no error")
	}
}

func TestMerge(t *testing.T) {
	svg := SVG("<svg/>", "plot")
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2)))
	pngB, err := PNG(buf.Bytes(), "plot as png")
	if err != nil {
		t.Fatal(err)
	}
	m := Merge(svg, pngB)
	if m.Data[MIMEText] != "plot" || m.Data[MIMESVG] != "<svg/>" || m.Data[MIMEPNG] == nil || m.Metadata[MIMEPNG] == nil {
		t.Errorf("Merge = %v", m)
	}
	if len(svg.Data) != 2 {
		t.Errorf("Merge modified its input: %v", svg.Data)
	}
	if e := Merge(); e.Data[MIMEText] != "" || e.Metadata == nil {
		t.Errorf("Merge() = %#v, want empty text/plain and metadata {}", e)
	}
}
