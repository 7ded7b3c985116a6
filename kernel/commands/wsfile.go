package commands

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// The workspace file of %save and %load is a versioned container of typed
// sections, little-endian throughout:
//
//	"\x89A2VWS\r\n"   magic, 8 bytes (the PNG trick: a high byte and CRLF
//	                  catch 7-bit and text-mode transfers)
//	uint32            version (wsVersion)
//	sections, each:   [4]byte tag, uint64 payload length, payload,
//	                  uint32 CRC-32C of tag, length and payload
//	"END."            the last section; its payload is the uint32 number of
//	                  sections before it. Nothing may follow it.
//
// Sections appear at most once, in the order CELL, MODL, EMBD, SRCH, and
// each is optional (an empty workspace is just END.). A reader refuses an
// unknown tag, a newer version, a bad checksum and a file that stops early.
// The payloads are described by the encode functions in wssections.go.
const (
	wsMagic   = "\x89A2VWS\r\n"
	wsVersion = 1
)

// Section tags, in file order.
const (
	tagCells  = "CELL"
	tagModel  = "MODL"
	tagEmbed  = "EMBD"
	tagSearch = "SRCH"
	tagEnd    = "END."
)

// wsTagOrder is the order sections must appear in.
var wsTagOrder = []string{tagCells, tagModel, tagEmbed, tagSearch, tagEnd}

// wsCRC is the checksum table of the sections (Castagnoli).
var wsCRC = crc32.MakeTable(crc32.Castagnoli)

// errWorkspaceFile is wrapped by every error about the content of a
// workspace file, as opposed to I/O errors.
var errWorkspaceFile = errors.New("not a valid workspace file")

// wsSection is one section: its tag and payload.
type wsSection struct {
	tag     string
	payload []byte
}

// wsContainer encodes sections, in the order given, into a workspace
// file with the end marker.
func wsContainer(sections []wsSection) []byte {
	n := len(wsMagic) + 4 + 16
	for _, s := range sections {
		n += 16 + len(s.payload)
	}
	out := make([]byte, 0, n+4)
	out = append(out, wsMagic...)
	out = binary.LittleEndian.AppendUint32(out, wsVersion)
	end := wsSection{tagEnd, binary.LittleEndian.AppendUint32(nil, uint32(len(sections)))}
	for _, s := range append(sections, end) {
		start := len(out)
		out = append(out, s.tag...)
		out = binary.LittleEndian.AppendUint64(out, uint64(len(s.payload)))
		out = append(out, s.payload...)
		out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(out[start:], wsCRC))
	}
	return out
}

// wsSplit verifies a workspace file and returns its sections by tag (the
// end marker excluded). Its errors say what is wrong and where.
func wsSplit(b []byte) (map[string][]byte, error) {
	le := binary.LittleEndian
	if len(b) < len(wsMagic) || string(b[:len(wsMagic)]) != wsMagic {
		return nil, errors.New("not an arch2vec workspace file (bad magic)")
	}
	if len(b) < len(wsMagic)+4 {
		return nil, fmt.Errorf("truncated: %d bytes, the header alone takes %d", len(b), len(wsMagic)+4)
	}
	if v := le.Uint32(b[len(wsMagic):]); v != wsVersion {
		return nil, fmt.Errorf("unsupported version %d (this kernel reads version %d)", v, wsVersion)
	}
	out := map[string][]byte{}
	pos, next := len(wsMagic)+4, 0
	for {
		if len(b)-pos < 12 {
			return nil, fmt.Errorf("truncated at byte %d: no end marker", pos)
		}
		tag := string(b[pos : pos+4])
		n := le.Uint64(b[pos+4:])
		k := indexOf(wsTagOrder, tag)
		switch {
		case k < 0:
			return nil, fmt.Errorf("unknown section %q at byte %d", tag, pos)
		case k < next:
			return nil, fmt.Errorf("section %s at byte %d is out of order or repeated", tag, pos)
		case n > uint64(len(b)-pos-12) || uint64(len(b)-pos-12)-n < 4:
			return nil, fmt.Errorf("truncated: section %s at byte %d declares %d bytes and a checksum, %d bytes left",
				tag, pos, n, len(b)-pos-12)
		}
		end := pos + 12 + int(n)
		if sum := le.Uint32(b[end:]); sum != crc32.Checksum(b[pos:end], wsCRC) {
			return nil, fmt.Errorf("bad checksum in section %s at byte %d (file corrupted)", tag, pos)
		}
		payload := b[pos+12 : end]
		pos, next = end+4, k+1
		if tag != tagEnd {
			out[tag] = payload
			continue
		}
		if len(payload) != 4 || int(le.Uint32(payload)) != len(out) {
			return nil, errors.New("end marker does not match the sections read")
		}
		if pos != len(b) {
			return nil, fmt.Errorf("%d bytes after the end marker", len(b)-pos)
		}
		return out, nil
	}
}

// indexOf returns the position of s in list, or -1.
func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// wsEnc appends little-endian values to a section payload.
type wsEnc struct{ b []byte }

func (e *wsEnc) u8(v byte)    { e.b = append(e.b, v) }
func (e *wsEnc) u32(v uint32) { e.b = binary.LittleEndian.AppendUint32(e.b, v) }
func (e *wsEnc) u64(v uint64) { e.b = binary.LittleEndian.AppendUint64(e.b, v) }
func (e *wsEnc) f64(v float64) {
	e.u64(math.Float64bits(v))
}

// str writes a length-prefixed string.
func (e *wsEnc) str(s string) {
	e.u32(uint32(len(s)))
	e.b = append(e.b, s...)
}

// f32s writes a count and the values.
func (e *wsEnc) f32s(xs []float32) {
	e.u64(uint64(len(xs)))
	for _, x := range xs {
		e.u32(math.Float32bits(x))
	}
}

// f64s writes a count and the values.
func (e *wsEnc) f64s(xs []float64) {
	e.u64(uint64(len(xs)))
	for _, x := range xs {
		e.f64(x)
	}
}

// ints writes a count and the values as int64.
func (e *wsEnc) ints(xs []int) {
	e.u64(uint64(len(xs)))
	for _, x := range xs {
		e.u64(uint64(int64(x)))
	}
}

// wsDec reads little-endian values from a section payload, recording the
// first problem in err (later reads return zero values). Counts are
// checked against the bytes left before anything is allocated, so a
// damaged file cannot ask for more memory than its own size.
type wsDec struct {
	b   []byte
	err error
}

// failf records an error unless one is already recorded.
func (d *wsDec) failf(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

func (d *wsDec) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b) {
		d.failf("ends early: want %d bytes, %d left", n, len(d.b))
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *wsDec) u8() byte {
	if v := d.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (d *wsDec) u32() uint32 {
	if v := d.take(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}

func (d *wsDec) u64() uint64 {
	if v := d.take(8); v != nil {
		return binary.LittleEndian.Uint64(v)
	}
	return 0
}

func (d *wsDec) f64() float64 { return math.Float64frombits(d.u64()) }

func (d *wsDec) str() string { return string(d.take(int(d.u32()))) }

// count reads a count of items of size bytes each and checks that they
// fit in what is left.
func (d *wsDec) count(size int) int {
	n := d.u64()
	if d.err == nil && n > uint64(len(d.b)/size) {
		d.failf("a list of %d items of %d bytes does not fit in the %d bytes left", n, size, len(d.b))
	}
	if d.err != nil {
		return 0
	}
	return int(n)
}

// list reads a count and that many items of size bytes, each decoded
// by conv.
func list[T any](d *wsDec, size int, conv func([]byte) T) []T {
	n := d.count(size)
	raw := d.take(size * n)
	if d.err != nil {
		return nil
	}
	xs := make([]T, n)
	for i := range xs {
		xs[i] = conv(raw[size*i:])
	}
	return xs
}

// f32s reads a list written by wsEnc.f32s.
func (d *wsDec) f32s() []float32 {
	return list(d, 4, func(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) })
}

// f64s reads a list written by wsEnc.f64s.
func (d *wsDec) f64s() []float64 {
	return list(d, 8, func(b []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b)) })
}

// ints reads a list written by wsEnc.ints (int is 64 bits on every
// platform the kernel is built for).
func (d *wsDec) ints() []int {
	return list(d, 8, func(b []byte) int { return int(int64(binary.LittleEndian.Uint64(b))) })
}

// done checks that the payload was read to its end.
func (d *wsDec) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.failf("%d bytes left over", len(d.b))
	}
	return d.err
}
