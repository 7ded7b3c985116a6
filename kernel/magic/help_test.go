package magic

import (
	"flag"
	"github.com/arch2vec/arch2vec/kernel/display/displaytest"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "update golden files")

// golden compares got with testdata/help/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "help", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestHelpGolden(t *testing.T) {
	m := testMux(new(*Call))
	for _, c := range m.Commands() {
		t.Run(c.Name, func(t *testing.T) {
			b := Help(c)
			golden(t, c.Name+".txt", b.Data["text/plain"].(string))
			golden(t, c.Name+".html", b.Data["text/html"].(string))
		})
	}
	t.Run("table", func(t *testing.T) {
		res, rec, err := run(t, m, "%help")
		if err != nil {
			t.Fatal(err)
		}
		ev := rec.Events()
		if res.Value != nil || len(ev) != 1 || ev[0].Kind != displaytest.KindDisplay {
			t.Fatalf("%%help: want one display_data and no result, got result %v and events %+v", res.Value, ev)
		}
		golden(t, "_table.txt", ev[0].Bundle.Data["text/plain"].(string)+"\n")
		golden(t, "_table.html", ev[0].Bundle.Data["text/html"].(string)+"\n")
	})
}

func TestSynopsis(t *testing.T) {
	tests := []struct {
		cmd  Command
		want string
	}{
		{Command{Name: "a"}, "%a"},
		{Command{Name: "a", Flags: []Flag{{Name: "v", Kind: Bool}, {Name: "n", Short: "n", Kind: Int}}}, "%a [--v] [-n N]"},
		{Command{Name: "a", Flags: []Flag{{Name: "x"}, {Name: "y"}, {Name: "z"}}, Args: []Arg{{Name: "in"}, {Name: "out", Optional: true}}}, "%a [flags] IN [OUT]"},
		{Command{Name: "a", Args: []Arg{{Name: "f", Variadic: true}}}, "%a F..."},
	}
	for _, tc := range tests {
		if got := Synopsis(&tc.cmd); got != tc.want {
			t.Errorf("Synopsis = %q, want %q", got, tc.want)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a b c", "a b c"},
		{"aaa bbb ccc ddd", "aaa bbb\nccc ddd"},
		{"toolongword x", "toolongword\nx"},
		{"keep\n  indented   code", "keep\n  indented   code"},
		{"κκκ λλλ μμμ", "κκκ λλλ\nμμμ"},
	}
	for _, tc := range tests {
		if got := wrap(tc.in, 7); got != tc.want {
			t.Errorf("wrap(%q, 7) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
