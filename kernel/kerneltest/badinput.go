package kerneltest

import (
	"context"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// testBadInput sends malformed and badly signed messages; none may be
// executed or answered, and the kernel must serve the next request.
func testBadInput(ctx context.Context, t *testing.T, c *Client, _ <-chan error) {
	key := c.conn.Key()
	run, _ := c.NewRequest(wire.ExecuteRequest, ExecuteContent("echo MUST-NOT-RUN", nil))
	good, err := wire.Encode(run, key)
	if err != nil {
		t.Fatal(err)
	}
	d := 0 // good starts with the delimiter (no identities)
	sign := func(parts ...string) string {
		return wire.Sign(key, []byte(parts[0]), []byte(parts[1]), []byte(parts[2]), []byte(parts[3]))
	}
	bad := map[string][][]byte{
		"no delimiter":      good[d+1:],
		"too few frames":    good[:d+4],
		"wrong signature":   append([][]byte{good[d], []byte(strings.Repeat("ab", 32))}, good[d+2:]...),
		"missing signature": append([][]byte{good[d], nil}, good[d+2:]...),
		"bad hex":           append([][]byte{good[d], []byte(strings.Repeat("zz", 32))}, good[d+2:]...),
		"non-JSON header": {[]byte(wire.Delimiter), []byte(sign("nope", "{}", "{}", "{}")), []byte("nope"),
			[]byte("{}"), []byte("{}"), []byte("{}")},
		"content not an object": {good[d], []byte(sign(string(good[d+2]), "{}", "{}", "[]")), good[d+2],
			[]byte("{}"), []byte("{}"), []byte("[]")},
	}
	if len(key) == 0 {
		delete(bad, "wrong signature")
		delete(bad, "missing signature")
		delete(bad, "bad hex")
	}
	for name, frames := range bad {
		for _, ch := range []kernel.Channel{kernel.Shell, kernel.Control, kernel.Stdin} {
			if err := c.conn.SendFrames(ch, frames); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
	}
	// A 20 MB message is legal: it must be served.
	big, _ := c.NewRequest(wire.KernelInfoRequest, map[string]any{})
	big.Metadata, _ = wire.Marshal(map[string]string{"padding": strings.Repeat("p", 20<<20)})
	if err := c.Send(kernel.Shell, big); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Wait(ctx, big, true); err != nil {
		t.Fatalf("20 MB request: %v", err)
	}
	ex := mustExecute(ctx, t, c, "echo alive", nil)
	if got := ex.Content(); got["status"] != "ok" || got["execution_count"] != 1.0 {
		t.Errorf("after bad input: %v (a bad message was executed?)", got)
	}
	for _, e := range c.backlog {
		if ParentID(e.Msg) == run.Header.MsgID {
			t.Errorf("kernel answered a bad message: %s", e.Msg.Header.MsgType)
		}
	}
}
