package commands

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// npyArray is an array read back by readNPY.
type npyArray struct {
	descr string
	shape []int
	data  []byte // little-endian elements
}

// npyDict is the header dict numpy writes and this package must match.
var npyDict = regexp.MustCompile(`^\{'descr': '(<f4|<f8|<i8)', 'fortran_order': False, 'shape': \(((?:\d+, )*\d+,?|)\), \} *\n$`)

// readNPY parses a version 1.0 .npy file strictly: the magic, the version,
// a header padded so the data starts at a multiple of 64, and exactly the
// data the shape calls for.
func readNPY(b []byte) (npyArray, error) {
	var a npyArray
	if !bytes.HasPrefix(b, []byte(npyMagic)) || len(b) < 10 {
		return a, errors.New("bad magic")
	}
	if b[6] != 1 || b[7] != 0 {
		return a, fmt.Errorf("version %d.%d", b[6], b[7])
	}
	hl := int(binary.LittleEndian.Uint16(b[8:]))
	if len(b) < 10+hl {
		return a, errors.New("truncated header")
	}
	if (10+hl)%npyAlign != 0 {
		return a, fmt.Errorf("data starts at %d, not a multiple of %d", 10+hl, npyAlign)
	}
	m := npyDict.FindStringSubmatch(string(b[10 : 10+hl]))
	if m == nil {
		return a, fmt.Errorf("bad header %q", b[10:10+hl])
	}
	a.descr = m[1]
	n := 1
	for _, f := range strings.Split(strings.TrimSuffix(m[2], ","), ", ") {
		if f == "" {
			continue
		}
		d, err := strconv.Atoi(f)
		if err != nil {
			return a, err
		}
		a.shape = append(a.shape, d)
		n *= d
	}
	if len(a.shape) == 1 && !strings.HasSuffix(m[2], ",") || len(a.shape) > 1 && strings.HasSuffix(m[2], ",") {
		return a, fmt.Errorf("shape tuple %q is not Python's", m[2])
	}
	size := 8
	if a.descr == "<f4" {
		size = 4
	}
	a.data = b[10+hl:]
	if len(a.data) != n*size {
		return a, fmt.Errorf("%d data bytes, shape %v needs %d", len(a.data), a.shape, n*size)
	}
	return a, nil
}

// f32 returns the elements of a '<f4' array.
func (a npyArray) f32() []float32 {
	out := make([]float32, len(a.data)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(a.data[4*i:]))
	}
	return out
}

// f64 returns the elements of a '<f8' array.
func (a npyArray) f64() []float64 {
	out := make([]float64, len(a.data)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(a.data[8*i:]))
	}
	return out
}

func TestNpyHeader(t *testing.T) {
	for _, tt := range []struct {
		shape []int
		tuple string
	}{
		{[]int{}, "()"},
		{[]int{5}, "(5,)"},
		{[]int{0, 16}, "(0, 16)"},
		{[]int{423624, 16}, "(423624, 16)"},
		{[]int{2, 3, 4}, "(2, 3, 4)"},
	} {
		h := npyHeader("<f8", tt.shape)
		if len(h)%npyAlign != 0 || h[len(h)-1] != '\n' || !bytes.Contains(h, []byte("'shape': "+tt.tuple+", }")) {
			t.Errorf("shape %v: header %q", tt.shape, h)
		}
		if int(binary.LittleEndian.Uint16(h[8:])) != len(h)-10 {
			t.Errorf("shape %v: header length field %d, header %d bytes", tt.shape, binary.LittleEndian.Uint16(h[8:]), len(h)-10)
		}
		a, err := readNPY(h)
		if n := 1; err == nil {
			for _, d := range tt.shape {
				n *= d
			}
			if n != 0 {
				t.Errorf("shape %v: an empty body read back", tt.shape)
			}
		}
		if err == nil && !slices.Equal(a.shape, tt.shape) {
			t.Errorf("shape %v read back as %v", tt.shape, a.shape)
		}
	}
}

// FuzzNpy writes arrays of fuzzed shape and content and reads them back.
func FuzzNpy(f *testing.F) {
	f.Add(uint16(3), uint16(4), []byte("0123456789abcdef"))
	f.Add(uint16(0), uint16(16), []byte{})
	f.Add(uint16(1), uint16(1), []byte{0xff, 0xff, 0xff, 0x7f, 0, 0, 0xc0, 0x7f})
	f.Fuzz(func(t *testing.T, rows, cols uint16, raw []byte) {
		r, c := int(rows%300), int(cols%40)
		f32 := make([]float32, r*c)
		f64 := make([]float64, r*c)
		i64 := make([]int64, r*c)
		for i := range f32 {
			var w [8]byte
			copy(w[:], raw[min(len(raw), 8*i%max(len(raw), 1)):])
			f32[i] = math.Float32frombits(binary.LittleEndian.Uint32(w[:]))
			f64[i] = math.Float64frombits(binary.LittleEndian.Uint64(w[:]))
			i64[i] = int64(binary.LittleEndian.Uint64(w[:]))
		}
		shape := []int{r, c}
		var b32, b64, bi bytes.Buffer
		if err := writeNPY(&b32, shape, f32); err != nil {
			t.Fatal(err)
		}
		writeNPY(&b64, shape, f64)
		writeNPY(&bi, shape, i64)
		for _, tc := range []struct {
			b     []byte
			descr string
			same  func(a npyArray) bool
		}{
			{b32.Bytes(), "<f4", func(a npyArray) bool { return slices.EqualFunc(a.f32(), f32, sameBits32) }},
			{b64.Bytes(), "<f8", func(a npyArray) bool { return slices.EqualFunc(a.f64(), f64, sameBits64) }},
			{bi.Bytes(), "<i8", func(a npyArray) bool { return bytes.Equal(a.data, b64.Bytes()[len(b64.Bytes())-len(a.data):]) }},
		} {
			a, err := readNPY(tc.b)
			if err != nil || a.descr != tc.descr || !slices.Equal(a.shape, shape) || !tc.same(a) {
				t.Fatalf("%s %v: read back %v %v %v", tc.descr, shape, err, a.descr, a.shape)
			}
		}
	})
}

func sameBits32(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }
func sameBits64(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
