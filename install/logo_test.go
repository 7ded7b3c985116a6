package install

import (
	"bytes"
	"encoding/xml"
	"image/color"
	"image/png"
	"io"
	"testing"
)

func TestLogoPNG(t *testing.T) {
	for _, size := range []int{32, 64} {
		img, err := png.Decode(bytes.NewReader(LogoPNG(size)))
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Fatalf("size %d: bounds %v", size, b)
		}
		// Outside the rounded corner: transparent. Centre of the input
		// node (13, 32) in logo space: opaque amber. Centre of the
		// square between the nodes: the background blue.
		at := func(x, y float64) color.NRGBA {
			return color.NRGBAModel.Convert(img.At(int(x*float64(size)/logoSize), int(y*float64(size)/logoSize))).(color.NRGBA)
		}
		if c := at(0, 0); c.A != 0 {
			t.Errorf("size %d: corner %v, want transparent", size, c)
		}
		if c := at(13, 32); c != (color.NRGBA{0xf4, 0xb9, 0x42, 0xff}) {
			t.Errorf("size %d: input node %v", size, c)
		}
		if c := at(32, 58); c != (color.NRGBA{0x1f, 0x3a, 0x5f, 0xff}) {
			t.Errorf("size %d: background %v", size, c)
		}
	}
}

func TestLogoSVGIsWellFormed(t *testing.T) {
	d := xml.NewDecoder(bytes.NewReader(LogoSVG()))
	elems := map[string]int{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := tok.(xml.StartElement); ok {
			elems[s.Name.Local]++
		}
	}
	want := map[string]int{"svg": 1, "title": 1, "rect": 1, "line": 5, "circle": 4}
	for k, v := range want {
		if elems[k] != v {
			t.Errorf("%d <%s> elements, want %d (all: %v)", elems[k], k, v, elems)
		}
	}
}

func BenchmarkLogoPNG64(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		LogoPNG(64)
	}
}
