package bench

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// The embedded tables are gzip-compressed little-endian binaries, written
// by [encodeTable201] / [encodeSubset101] and read back by the decoders:
//
//	nb201.bin.gz: magic "a2vNB201", uint32 version (1), uint32 rows n,
//	  n × uint16 cell codes (Σ_k (op_k − 1)·5^k over the six edges, op in
//	  cell.Op201 numbering), then 14 columns of n × uint32 fixed-point
//	  values (value·1e6, see [fixedScale]): Valid200[3], Test200[3],
//	  Valid12[3], Test12[3], TrainTime200, EvalTime.
//
//	nb101sub.bin.gz: magic "a2vNB101", uint32 version (1), uint32 rows n,
//	  n × 16-byte hashes (strictly increasing), n × float32 Valid108,
//	  n × float32 Time, n × int32 Params.
//
// Columns rather than rows make the data compress better.
const (
	magic201     = "a2vNB201"
	magic101     = "a2vNB101"
	codecVersion = 1
)

func writeHeader(w io.Writer, magic string, n int) {
	w.Write([]byte(magic))
	binary.Write(w, binary.LittleEndian, [2]uint32{codecVersion, uint32(n)})
}

func gzipBytes(raw []byte) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	zw.Write(raw)
	zw.Close()
	return out.Bytes()
}

// gunzipHeader decompresses data, checks magic and version and returns
// the row count and the rest of the payload.
func gunzipHeader(data []byte, magic string) (int, []byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return 0, nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return 0, nil, err
	}
	if len(raw) < len(magic)+8 || string(raw[:len(magic)]) != magic {
		return 0, nil, errors.New("not a " + magic + " file")
	}
	raw = raw[len(magic):]
	if v := binary.LittleEndian.Uint32(raw); v != codecVersion {
		return 0, nil, fmt.Errorf("version %d, want %d", v, codecVersion)
	}
	return int(binary.LittleEndian.Uint32(raw[4:])), raw[8:], nil
}

// encodeTable201 returns the compressed binary form of t.
func encodeTable201(t *Table201) []byte {
	var b bytes.Buffer
	writeHeader(&b, magic201, t.Len())
	for _, r := range t.Rows {
		code := 0
		for k := cell.NB201Edges - 1; k >= 0; k-- {
			code = code*5 + int(r.Cell[k]-1)
		}
		binary.Write(&b, binary.LittleEndian, uint16(code))
	}
	for _, col := range columns201 {
		for i := range t.Rows {
			binary.Write(&b, binary.LittleEndian, toFixed(*col(&t.Rows[i])))
		}
	}
	return gzipBytes(b.Bytes())
}

// columns201 lists the stored numbers of a Row201 in file order.
var columns201 = func() []func(*Row201) *float64 {
	var cols []func(*Row201) *float64
	for _, arr := range []func(*Row201) *[NumDatasets]float64{
		func(r *Row201) *[NumDatasets]float64 { return &r.Valid200 },
		func(r *Row201) *[NumDatasets]float64 { return &r.Test200 },
		func(r *Row201) *[NumDatasets]float64 { return &r.Valid12 },
		func(r *Row201) *[NumDatasets]float64 { return &r.Test12 },
	} {
		for d := range NumDatasets {
			cols = append(cols, func(r *Row201) *float64 { return &arr(r)[d] })
		}
	}
	return append(cols,
		func(r *Row201) *float64 { return &r.TrainTime200 },
		func(r *Row201) *float64 { return &r.EvalTime })
}()

// decodeTable201 parses the output of encodeTable201.
func decodeTable201(data []byte) (*Table201, error) {
	n, raw, err := gunzipHeader(data, magic201)
	if err != nil {
		return nil, err
	}
	if want := n * (2 + 4*len(columns201)); n <= 0 || len(raw) != want {
		return nil, fmt.Errorf("%d bytes for %d rows, want %d", len(raw), n, want)
	}
	rows := make([]Row201, n)
	for i := range rows {
		code := int(binary.LittleEndian.Uint16(raw[2*i:]))
		for k := range cell.NB201Edges {
			rows[i].Cell[k] = cell.Op201(code%5 + 1)
			code /= 5
		}
		if code != 0 {
			return nil, fmt.Errorf("row %d: bad cell code", i)
		}
	}
	raw = raw[2*n:]
	for _, col := range columns201 {
		for i := range rows {
			*col(&rows[i]) = fromFixed(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		raw = raw[4*n:]
	}
	return newTable201(rows)
}

// encodeSubset101 returns the compressed binary form of s (hash, Valid108,
// Time, Params; the early accuracies are dropped).
func encodeSubset101(s *Subset101) []byte {
	var b bytes.Buffer
	writeHeader(&b, magic101, s.Len())
	for _, r := range s.Records {
		b.Write(r.Hash[:])
	}
	for _, r := range s.Records {
		binary.Write(&b, binary.LittleEndian, r.Valid108)
	}
	for _, r := range s.Records {
		binary.Write(&b, binary.LittleEndian, r.Time)
	}
	for _, r := range s.Records {
		binary.Write(&b, binary.LittleEndian, r.Params)
	}
	return gzipBytes(b.Bytes())
}

// decodeSubset101 parses the output of encodeSubset101; ValidEarly is NaN.
func decodeSubset101(data []byte) (*Subset101, error) {
	n, raw, err := gunzipHeader(data, magic101)
	if err != nil {
		return nil, err
	}
	if want := n * (16 + 4 + 4 + 4); n <= 0 || len(raw) != want {
		return nil, fmt.Errorf("%d bytes for %d rows, want %d", len(raw), n, want)
	}
	recs := make([]Record101, n)
	nan := float32(math.NaN())
	vals, times, params := raw[16*n:], raw[20*n:], raw[24*n:]
	for i := range recs {
		r := &recs[i]
		copy(r.Hash[:], raw[16*i:])
		if i > 0 && bytes.Compare(recs[i-1].Hash[:], r.Hash[:]) >= 0 {
			return nil, fmt.Errorf("row %d: hashes not increasing", i)
		}
		r.Valid108 = math.Float32frombits(binary.LittleEndian.Uint32(vals[4*i:]))
		r.Time = math.Float32frombits(binary.LittleEndian.Uint32(times[4*i:]))
		r.Params = int32(binary.LittleEndian.Uint32(params[4*i:]))
		r.ValidEarly = [3]float32{nan, nan, nan}
	}
	return &Subset101{Records: recs}, nil
}
