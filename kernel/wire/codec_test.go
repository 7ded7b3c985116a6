package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// TestSignMatchesJupyterClient checks Sign against a digest computed by
// jupyter_client 7.4.9's Session.sign over the same four dicts.
func TestSignMatchesJupyterClient(t *testing.T) {
	key := []byte("a0436f6c-1916-498b-8eb9-e81ab9368e84")
	header := []byte(`{"msg_id":"1","session":"s","username":"u","date":"2026-01-02T03:04:05.000006+00:00","msg_type":"kernel_info_request","version":"5.3"}`)
	got := Sign(key, header, []byte("{}"), []byte("{}"), []byte("{}"))
	const want = "adf3b318a8d2a70ecfb030ee14e25ceb49c726e6774f8563157ae8225fd5a5a9"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
	if s := Sign(nil, header, nil, nil, nil); s != "" {
		t.Errorf("Sign with empty key = %q, want empty", s)
	}
}

type capture struct {
	Key    string   `json:"key"`
	Frames []string `json:"frames"`
}

func loadCapture(t testing.TB) (key []byte, frames [][]byte) {
	t.Helper()
	data, err := os.ReadFile("testdata/jupyter_client_execute.json")
	if err != nil {
		t.Fatal(err)
	}
	var c capture
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	for _, f := range c.Frames {
		frames = append(frames, []byte(f))
	}
	return []byte(c.Key), frames
}

// TestDecodeJupyterClientFrames decodes frames serialized by
// jupyter_client itself.
func TestDecodeJupyterClientFrames(t *testing.T) {
	key, frames := loadCapture(t)
	m, err := Decode(frames, key)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(m.Identities) != 1 || string(m.Identities[0]) != "client-ident" {
		t.Errorf("identities = %q", m.Identities)
	}
	if m.Header.MsgType != ExecuteRequest || m.Header.Username != "alice" || m.Header.Version != "5.3" {
		t.Errorf("header = %+v", m.Header)
	}
	if !bytes.Equal(m.RawHeader(), frames[3]) {
		t.Errorf("RawHeader is not the received header bytes")
	}
	var c struct {
		Code string `json:"code"`
	}
	if err := m.DecodeContent(&c); err != nil {
		t.Fatal(err)
	}
	if c.Code != "%help <b>é😀" {
		t.Errorf("code = %q", c.Code)
	}
	if _, err := Decode(frames, []byte("another key")); !errors.Is(err, ErrBadSignature) {
		t.Errorf("Decode with wrong key: err = %v, want ErrBadSignature", err)
	}
}

func frames(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func TestDecodeErrors(t *testing.T) {
	key := []byte("k")
	h := `{"msg_id":"1","msg_type":"execute_request"}`
	good := Sign(key, []byte(h), []byte("{}"), []byte("{}"), []byte("{}"))
	tests := []struct {
		name      string
		frames    [][]byte
		key       []byte
		wantFrame int  // for DecodeError
		wantSig   bool // want ErrBadSignature
	}{
		{"empty", nil, key, -1, false},
		{"no delimiter", frames("id", good, h, "{}", "{}", "{}"), key, -1, false},
		{"too few frames", frames(Delimiter, good, h, "{}"), key, -1, false},
		{"only delimiter", frames(Delimiter), nil, -1, false},
		{"missing signature", frames(Delimiter, "", h, "{}", "{}", "{}"), key, 0, true},
		{"bad hex", frames(Delimiter, "zz"+good[2:], h, "{}", "{}", "{}"), key, 0, true},
		{"short signature", frames(Delimiter, good[:10], h, "{}", "{}", "{}"), key, 0, true},
		{"wrong signature", frames(Delimiter, good, h, "{}", "{}", `{"x":1}`), key, 0, true},
		{"header not JSON", frames(Delimiter, "", "not json", "{}", "{}", "{}"), nil, 2, false},
		{"header is array", frames(Delimiter, "", "[]", "{}", "{}", "{}"), nil, 2, false},
		{"header bad field type", frames(Delimiter, "", `{"msg_type":7}`, "{}", "{}", "{}"), nil, 2, false},
		{"content truncated", frames("a", "b", Delimiter, "", h, "{}", "{}", `{"code":`), nil, 7, false},
		{"metadata null", frames(Delimiter, "", h, "{}", "null", "{}"), nil, 4, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(tc.frames, tc.key)
			if m != nil || err == nil {
				t.Fatalf("Decode = %v, %v; want an error", m, err)
			}
			if tc.wantSig {
				if !errors.Is(err, ErrBadSignature) {
					t.Fatalf("err = %v, want ErrBadSignature", err)
				}
				return
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v (%T), want *DecodeError", err, err)
			}
			if de.Frame != tc.wantFrame {
				t.Errorf("Frame = %d, want %d (%v)", de.Frame, tc.wantFrame, err)
			}
		})
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	key := []byte("secret")
	req := &Message{Header: NewHeader(ExecuteRequest, "sess", "alice")}
	m := &Message{
		Identities:   frames("id1", "id2"),
		Header:       NewHeader(ExecuteReply, "kernel-session", "kernel"),
		ParentHeader: req.RawHeader(),
		Content:      json.RawMessage(`{"status":"ok","html":"<b>&</b>"}`),
		Buffers:      frames("\x00\x01binary"),
	}
	fr, err := Encode(m, key)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(fr[2]); got != Delimiter {
		t.Fatalf("frame 2 = %q, want delimiter", got)
	}
	if got := string(fr[6]); got != "{}" {
		t.Errorf("nil metadata encoded as %q, want {}", got)
	}
	back, err := Decode(fr, key)
	if err != nil {
		t.Fatal(err)
	}
	if back.Header != m.Header {
		t.Errorf("header = %+v, want %+v", back.Header, m.Header)
	}
	if !bytes.Equal(back.ParentHeader, req.RawHeader()) || !bytes.Equal(back.Content, m.Content) {
		t.Errorf("parent/content changed: %s %s", back.ParentHeader, back.Content)
	}
	if len(back.Buffers) != 1 || string(back.Buffers[0]) != "\x00\x01binary" {
		t.Errorf("buffers = %q", back.Buffers)
	}
}

func TestEncodeRejectsNonObject(t *testing.T) {
	m := &Message{Header: NewHeader(Status, "s", "k"), Content: json.RawMessage(`[1]`)}
	if _, err := Encode(m, nil); err == nil {
		t.Error("Encode accepted array content")
	}
}

func TestNewHeaderDateAndID(t *testing.T) {
	h1, h2 := NewHeader(Status, "s", "k"), NewHeader(Status, "s", "k")
	if h1.MsgID == h2.MsgID || len(h1.MsgID) != 36 {
		t.Errorf("msg ids %q %q: want distinct UUIDs", h1.MsgID, h2.MsgID)
	}
	ts, err := time.Parse(DateFormat, h1.Date)
	if err != nil {
		t.Fatalf("date %q: %v", h1.Date, err)
	}
	if frac := h1.Date[strings.LastIndex(h1.Date, ".")+1:]; len(frac) != 7 || frac[6] != 'Z' {
		t.Errorf("date %q: want 6 fractional digits and a zone", h1.Date)
	}
	if time.Since(ts) > time.Minute {
		t.Errorf("date %v is not now", ts)
	}
	if h1.Version != "5.3" {
		t.Errorf("version = %q", h1.Version)
	}
}

func TestMIMEBundleNeverNull(t *testing.T) {
	b, err := Marshal(MIMEBundle{})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"data":{},"metadata":{}}` {
		t.Errorf("got %s", b)
	}
	b, _ = Marshal(MIMEBundle{Data: map[string]any{"text/html": "<b>x</b>"}})
	if !strings.Contains(string(b), "<b>x</b>") {
		t.Errorf("HTML was escaped: %s", b)
	}
}

func TestReplyType(t *testing.T) {
	for in, want := range map[MsgType]MsgType{
		ExecuteRequest: ExecuteReply, KernelInfoRequest: KernelInfoReply, "odd": "odd_reply",
	} {
		if got := in.ReplyType(); got != want {
			t.Errorf("%s.ReplyType() = %s, want %s", in, got, want)
		}
	}
}

// TestDecodeLarge decodes a signed 20 MB message.
func TestDecodeLarge(t *testing.T) {
	key := []byte("k")
	h := []byte(`{"msg_id":"1","msg_type":"execute_request"}`)
	big := []byte(`{"code":"` + strings.Repeat("x", 20<<20) + `"}`)
	fr := [][]byte{[]byte(Delimiter), []byte(Sign(key, h, []byte("{}"), []byte("{}"), big)), h, []byte("{}"), []byte("{}"), big}
	m, err := Decode(fr, key)
	if err != nil || len(m.Content) != len(big) {
		t.Fatalf("Decode 20 MB: %v", err)
	}
}
