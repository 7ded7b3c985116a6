package install

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
)

// The logo is a NAS cell drawn as a small DAG — input, two operations,
// output and a skip connection — on a rounded square. Its geometry is
// described once, in a 64×64 coordinate space, and rendered both as SVG
// text and, by a tiny anti-aliasing rasteriser, as PNG at any size.

// shape is one filled primitive of the logo.
type shape interface {
	// contains reports whether point (x, y) of logo space is inside.
	contains(x, y float64) bool
	// svg returns the SVG element for the shape.
	svg() string
	// paint is the shape's fill colour.
	paint() color.NRGBA
}

type roundRect struct {
	x, y, w, h, r float64
	fill          color.NRGBA
}

func (s roundRect) contains(x, y float64) bool {
	// Distance from the point to the rectangle shrunk by r.
	cx := math.Max(s.x+s.r, math.Min(x, s.x+s.w-s.r))
	cy := math.Max(s.y+s.r, math.Min(y, s.y+s.h-s.r))
	return math.Hypot(x-cx, y-cy) <= s.r
}

func (s roundRect) paint() color.NRGBA { return s.fill }

func (s roundRect) svg() string {
	return fmt.Sprintf(`<rect x="%g" y="%g" width="%g" height="%g" rx="%g" fill="%s"/>`,
		s.x, s.y, s.w, s.h, s.r, hex(s.fill))
}

type circle struct {
	x, y, r float64
	fill    color.NRGBA
}

func (s circle) contains(x, y float64) bool { return math.Hypot(x-s.x, y-s.y) <= s.r }

func (s circle) paint() color.NRGBA { return s.fill }

func (s circle) svg() string {
	return fmt.Sprintf(`<circle cx="%g" cy="%g" r="%g" fill="%s"/>`, s.x, s.y, s.r, hex(s.fill))
}

// segment is a line with round caps (a capsule).
type segment struct {
	x0, y0, x1, y1, width float64
	stroke                color.NRGBA
}

func (s segment) contains(x, y float64) bool {
	dx, dy := s.x1-s.x0, s.y1-s.y0
	t := ((x-s.x0)*dx + (y-s.y0)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-(s.x0+t*dx), y-(s.y0+t*dy)) <= s.width/2
}

func (s segment) paint() color.NRGBA { return s.stroke }

func (s segment) svg() string {
	return fmt.Sprintf(`<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-width="%g" stroke-linecap="round"/>`,
		s.x0, s.y0, s.x1, s.y1, hex(s.stroke), s.width)
}

func hex(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// logoSize is the side of the logo's coordinate space.
const logoSize = 64

// logoShapes returns the logo, back to front.
func logoShapes() []shape {
	var (
		bg   = color.NRGBA{0x1f, 0x3a, 0x5f, 0xff} // deep blue
		edge = color.NRGBA{0x8e, 0xc3, 0xee, 0xff} // light blue
		io   = color.NRGBA{0xf4, 0xb9, 0x42, 0xff} // amber: input and output
		op   = color.NRGBA{0xff, 0xff, 0xff, 0xff} // white: operations
	)
	in, top, bot, out := [2]float64{13, 32}, [2]float64{32, 15}, [2]float64{32, 49}, [2]float64{51, 32}
	line := func(a, b [2]float64) shape { return segment{a[0], a[1], b[0], b[1], 3.5, edge} }
	node := func(p [2]float64, c color.NRGBA) shape { return circle{p[0], p[1], 7, c} }
	return []shape{
		roundRect{0, 0, logoSize, logoSize, 13, bg},
		line(in, top), line(in, bot), line(top, out), line(bot, out), line(in, out),
		node(in, io), node(top, op), node(bot, op), node(out, io),
	}
}

// LogoSVG returns the logo as a standalone SVG document.
func LogoSVG() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n",
		logoSize, logoSize, logoSize, logoSize)
	b.WriteString("<title>arch2vec</title>\n")
	for _, s := range logoShapes() {
		b.WriteString(s.svg())
		b.WriteByte('\n')
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// LogoImage renders the logo at size×size pixels with 4×4 supersampling
// for anti-aliased edges; outside the rounded square it is transparent.
func LogoImage(size int) *image.NRGBA {
	const ss = 4 // samples per pixel side
	shapes := logoShapes()
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	scale := float64(logoSize) / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64 // premultiplied sums
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) * scale
					y := (float64(py) + (float64(sy)+0.5)/ss) * scale
					if c, ok := topColor(shapes, x, y); ok {
						r, g, b, a = r+float64(c.R), g+float64(c.G), b+float64(c.B), a+1
					}
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a)), G: uint8(math.Round(g / a)), B: uint8(math.Round(b / a)),
				A: uint8(math.Round(255 * a / ss / ss)),
			})
		}
	}
	return img
}

// topColor returns the colour of the front-most shape containing (x, y).
func topColor(shapes []shape, x, y float64) (color.NRGBA, bool) {
	for i := len(shapes) - 1; i >= 0; i-- {
		if shapes[i].contains(x, y) {
			return shapes[i].paint(), true
		}
	}
	return color.NRGBA{}, false
}

// LogoPNG returns the logo encoded as a size×size PNG.
func LogoPNG(size int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, LogoImage(size)); err != nil {
		// Encoding an in-memory NRGBA image into a bytes.Buffer cannot fail.
		panic("install: encode logo: " + err.Error())
	}
	return buf.Bytes()
}
