package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"
)

// joinFrames packs frames into one fuzz input: each frame is preceded by
// its length as a uvarint.
func joinFrames(fr [][]byte) []byte {
	var b []byte
	for _, f := range fr {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// splitFrames is the inverse of joinFrames, tolerant of any bytes: a bad
// or too long length takes what is left.
func splitFrames(b []byte) [][]byte {
	var fr [][]byte
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 {
			return append(fr, b)
		}
		b = b[k:]
		if n > uint64(len(b)) {
			n = uint64(len(b))
		}
		fr = append(fr, b[:n])
		b = b[n:]
	}
	return fr
}

func FuzzDecode(f *testing.F) {
	key, captured := loadCapture(f)
	f.Add(joinFrames(captured), key)
	h := `{"msg_id":"1","session":"s","username":"u","date":"d","msg_type":"kernel_info_request","version":"5.3"}`
	f.Add(joinFrames(frames(Delimiter, "", h, "{}", "{}", "{}")), []byte(nil))
	f.Add(joinFrames(frames("id", Delimiter, "", h, "{}", "{}", `{"a":[1,2]}`, "buf1", "buf2")), []byte(nil))
	f.Add(joinFrames(frames("no", "delimiter", h, "{}", "{}", "{}")), []byte(nil))
	f.Add(joinFrames(frames(Delimiter, "", h)), []byte(nil))
	f.Add(joinFrames(frames(Delimiter, "xyz-not-hex", h, "{}", "{}", "{}")), []byte("k"))
	f.Add(joinFrames(frames(Delimiter, "", "{", "{}", "{}", "{}")), []byte(nil))
	f.Add([]byte{0xff}, []byte(nil))

	// A 20 MB message: content with one long string, properly signed.
	big := `{"code":"` + strings.Repeat("x", 20<<20) + `"}`
	bigKey := []byte("big")
	sig := Sign(bigKey, []byte(h), []byte("{}"), []byte("{}"), []byte(big))
	bigFrames := frames(Delimiter, sig, h, "{}", "{}", big)
	f.Add(joinFrames(bigFrames), bigKey)

	f.Fuzz(func(t *testing.T, data, key []byte) {
		fr := splitFrames(data)
		m, err := Decode(fr, key)
		if err != nil {
			if m != nil {
				t.Fatal("message and error both returned")
			}
			return
		}
		enc, err := Encode(m, key)
		if err != nil {
			t.Fatalf("Encode of a decoded message: %v", err)
		}
		m2, err := Decode(enc, key)
		if err != nil {
			t.Fatalf("Decode(Encode(m)): %v", err)
		}
		if m2.Header != m.Header {
			t.Fatalf("header %+v != %+v", m2.Header, m.Header)
		}
		for _, p := range [][2]json.RawMessage{{m.ParentHeader, m2.ParentHeader}, {m.Metadata, m2.Metadata}, {m.Content, m2.Content}} {
			if !bytes.Equal(p[0], p[1]) {
				t.Fatalf("raw field changed: %q != %q", p[0], p[1])
			}
		}
		if !equalFrames(m.Identities, m2.Identities) || !equalFrames(m.Buffers, m2.Buffers) {
			t.Fatal("identities or buffers changed")
		}
	})
}

func equalFrames(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
