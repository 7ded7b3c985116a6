package display

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "update golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
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
		t.Errorf("%s differs from golden file:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestTable(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
	}{
		{"search", []string{"rank", "cell", "val acc", "note"}, [][]string{
			{"1", "NB201-1462", "91.61", "best <so far> & \"quoted\""},
			{"2", "NB201-10", "90.5", ""},
			{"10", "κ-cell", "-3e-2", "ragged"},
			{"11", "short"},
		}},
		{"noheader", nil, [][]string{{"a", "multi\nline"}, {"bb", "x"}}},
		{"empty", []string{"name"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := Table(tc.header, tc.rows)
			golden(t, "table_"+tc.name+".txt", b.Data[MIMEText].(string)+"\n")
			golden(t, "table_"+tc.name+".html", b.Data[MIMEHTML].(string)+"\n")
		})
	}
}
