package magic

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// split returns code without the cursor mark ‸ and the rune offset of the
// mark (the end when there is none).
func split(marked string) (string, int) {
	i := strings.Index(marked, "‸")
	if i < 0 {
		return marked, utf8.RuneCountInString(marked)
	}
	return marked[:i] + marked[i+len("‸"):], utf8.RuneCountInString(marked[:i])
}

func TestComplete(t *testing.T) {
	tests := []struct {
		name, code string
		matches    []string
		start      int // rune offset of CursorStart
		typ        string
	}{
		{"command prefix", "%sl", []string{"%sleep"}, 0, "magic"},
		{"command prefixes", "%h", []string{"%help", "%history"}, 0, "magic"},
		{"all commands", "", []string{"%clear", "%demo", "%echo", "%help", "%history", "%lsmagic", "%pretrain", "%sleep"}, 0, "magic"},
		{"lone percent", "%", []string{"%clear", "%demo", "%echo", "%help", "%history", "%lsmagic", "%pretrain", "%sleep"}, 0, "magic"},
		{"help prefix", "?%sl", []string{"%sleep"}, 1, "magic"},
		{"second line", "%sleep 1\n  %ec", []string{"%echo"}, 11, "magic"},
		{"cursor mid-cell", "%sl‸\n%echo x", []string{"%sleep"}, 0, "magic"},
		{"not a command", "print", nil, 0, ""},
		{"flag names", "%pretrain --e", []string{"--epochs"}, 10, "flag"},
		{"all flags", "%pretrain nasbench101 --", []string{"--epochs", "--lr", "--optimizer", "--out", "--shuffle", "--timeout"}, 22, "flag"},
		{"negated switch", "%pretrain --no", []string{"--no-shuffle"}, 10, "flag"},
		{"dash", "%clear -", []string{"--wait"}, 7, "flag"},
		{"enum flag value", "%pretrain --optimizer ", []string{"adam", "sgd"}, 22, "value"},
		{"enum flag value prefix", "%pretrain --optimizer s", []string{"sgd"}, 22, "value"},
		{"enum flag equals", "%pretrain --optimizer=a", []string{"adam"}, 22, "value"},
		{"enum flag equals empty", "%echo --to=std", []string{"stdout", "stderr"}, 11, "value"},
		{"bool value", "%pretrain --shuffle=t", []string{"true"}, 20, "value"},
		{"enum argument", "%pretrain --epochs 3 nasbench", []string{"nasbench101", "nasbench201"}, 21, "value"},
		{"enum argument empty", "%pretrain ", []string{"nasbench101", "nasbench201"}, 10, "value"},
		{"complete func quoted", "%pretrain nasbench101 ", []string{`"a file.json"`, "b.json"}, 22, "value"},
		{"variadic again", "%pretrain nasbench101 b.json ", []string{`"a file.json"`, "b.json"}, 29, "value"},
		{"open quote value", `%pretrain nasbench101 "a f`, []string{`"a file.json"`}, 22, "value"},
		{"help argument", "%help hi", []string{"history"}, 6, "value"},
		{"no args: flags", "%history ", []string{"--lines"}, 9, "flag"},
		{"after flag terminator", "%echo -- --t", nil, 9, ""},
		{"string flag value", "%pretrain --out ", nil, 16, ""},
		{"unknown command", "%nosuch --", nil, 8, ""},
		{"in comment", "%sleep 1 # %sl", nil, 14, ""},
		{"unicode before", "%echo κλμ 🎉 --t", []string{"--to"}, 12, "flag"},
	}
	m := testMux(new(*Call))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, cursor := split(tc.code)
			c, err := m.Complete(context.Background(), code, cursor)
			if err != nil {
				t.Fatal(err)
			}
			if tc.matches == nil {
				tc.matches = []string{}
			}
			if !reflect.DeepEqual(c.Matches, tc.matches) {
				t.Errorf("matches = %q, want %q", c.Matches, tc.matches)
			}
			if len(tc.matches) > 0 && c.CursorStart != tc.start || c.CursorEnd != cursor {
				t.Errorf("cursor start, end = %d, %d, want %d, %d", c.CursorStart, c.CursorEnd, tc.start, cursor)
			}
			if c.Metadata == nil {
				t.Fatal("metadata is nil")
			}
			types, _ := c.Metadata["_jupyter_types_experimental"].([]map[string]any)
			if len(types) != len(tc.matches) {
				t.Fatalf("types = %v, want one per match", types)
			}
			for i, ty := range types {
				if ty["type"] != tc.typ || ty["text"] != tc.matches[i] || ty["start"] != c.CursorStart || ty["end"] != cursor {
					t.Errorf("type entry %v, want type %q for %q", ty, tc.typ, tc.matches[i])
				}
			}
		})
	}
}

func TestInspect(t *testing.T) {
	tests := []struct {
		code  string
		found string // the synopsis expected, "" for not found
	}{
		{"%sleep‸", "%sleep SECONDS"},
		{"%sl‸eep 2", "%sleep SECONDS"},
		{"%sleep 2 --x‸", "%sleep SECONDS"},
		{"%echo x\n%sleep‸ 2", "%sleep SECONDS"},
		{"%echo x‸\n%sleep 2", "%echo [--to {stdout|stderr|display|result}] [TEXT...]"},
		{"%pretrain \\\n  --epochs‸ 2", "%pretrain [flags] CELLS [FILES...]"},
		{"%sleep?‸", "%sleep SECONDS"},
		{"‸", ""},
		{"  ‸  %sleep", ""},
		{"%nosuch‸", ""},
		{"print‸", ""},
	}
	m := testMux(new(*Call))
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			code, cursor := split(tc.code)
			in, err := m.Inspect(context.Background(), code, cursor, 0)
			if err != nil {
				t.Fatal(err)
			}
			if in.Found != (tc.found != "") || in.Data.Data == nil || in.Data.Metadata == nil {
				t.Fatalf("found = %v, data %v", in.Found, in.Data)
			}
			if tc.found != "" && (!strings.HasPrefix(plain(in.Data.Data), tc.found+"\n") || in.Data.Data["text/html"] == nil) {
				t.Errorf("help = %q, want it to start with %q", plain(in.Data.Data), tc.found)
			}
		})
	}
}

func TestIsComplete(t *testing.T) {
	tests := []struct{ code, status string }{
		{"", "complete"},
		{"# just a comment", "complete"},
		{"%lsmagic", "complete"},
		{"%sleep 1\n%echo 'a b'", "complete"},
		{`%echo "hello`, "incomplete"},
		{"%echo 'it", "incomplete"},
		{"%sleep 1 \\", "incomplete"},
		{"%echo \"a\nb", "incomplete"},
		{"%nosuchcommand", "invalid"},
		{"print(1)", "invalid"},
		{"%sleep x", "invalid"},
		{"%sleep", "invalid"},
	}
	m := testMux(new(*Call))
	for _, tc := range tests {
		if got := m.IsComplete(tc.code); got.Status != tc.status || got.Indent != "" {
			t.Errorf("IsComplete(%q) = %+v, want %q", tc.code, got, tc.status)
		}
	}
}
