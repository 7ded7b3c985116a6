package nbrun

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// minimal is a valid nbformat 4.5 notebook exercising every cell type,
// both source encodings, unknown keys and existing outputs.
const minimal = `{
 "cells": [
  {"cell_type": "markdown", "id": "md1", "metadata": {}, "source": ["# Title\n", "text"], "attachments": {}},
  {"cell_type": "code", "id": "c1", "metadata": {"tags": ["raises-exception"]}, "execution_count": 3,
   "source": "%echo hi\n%echo <b>&</b>",
   "outputs": [
    {"output_type": "stream", "name": "stdout", "text": ["hi\n", "there\n"]},
    {"output_type": "display_data", "data": {"text/plain": ["a\n", "b"], "application/json": {"k": [1, 2]}, "image/png": "iVBO"}, "metadata": {}},
    {"output_type": "execute_result", "execution_count": 3, "data": {"text/plain": "42"}, "metadata": {}},
    {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["E: v"], "x_output_extra": true}
   ]},
  {"cell_type": "raw", "id": "r1", "metadata": {"format": "text/x"}, "source": "raw é"}
 ],
 "metadata": {"kernelspec": {"name": "arch2vec", "display_name": "arch2vec", "language": "arch2vec"}, "custom": {"z": 1, "a": 2}},
 "nbformat": 4,
 "nbformat_minor": 5,
 "x_unknown_top": [1, 2]
}`

func TestParseMinimal(t *testing.T) {
	nb, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 3 || nb.FormatMinor != 5 {
		t.Fatalf("cells %d minor %d", len(nb.Cells), nb.FormatMinor)
	}
	if got := nb.Cells[0].Source; got != "# Title\ntext" {
		t.Errorf("joined source = %q", got)
	}
	c := nb.Cells[1]
	if *c.ExecutionCount != 3 || len(c.Outputs) != 4 || !c.hasTag("raises-exception") {
		t.Errorf("code cell = %+v", c)
	}
	if c.Outputs[0].Text != "hi\nthere\n" || c.Outputs[1].Data["text/plain"] != "a\nb" {
		t.Errorf("multiline values not joined: %+v %+v", c.Outputs[0], c.Outputs[1])
	}
	if name, lang := nb.KernelSpec(); name != "arch2vec" || lang != "arch2vec" {
		t.Errorf("KernelSpec() = %q, %q", name, lang)
	}
	if id, ok := nb.Cells[2].ID(); !ok || id != "r1" {
		t.Errorf("ID() = %q, %v", id, ok)
	}
}

// TestRoundTrip checks that sources, unknown keys and metadata survive
// and that a second write is byte-identical to the first.
func TestRoundTrip(t *testing.T) {
	nb, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	out, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"source": [` + "\n" + `    "# Title\n",`, // list source kept as a list
		`"source": "%echo hi\n%echo <b>&</b>"`,    // string source kept, no HTML escaping
		`"x_unknown_top": [`, `"attachments": {}`, `"x_output_extra": true`, `"raw é"`, `"image/png": "iVBO"`,
		`"text/plain": [` + "\n" + `       "a\n",`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	nb2, err := Parse(out)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, out)
	}
	out2, err := nb2.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, out2) {
		t.Errorf("second write differs:\n%s\n---\n%s", out, out2)
	}
}

func TestParseErrors(t *testing.T) {
	cell := func(s string) string {
		return `{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [` + s + `]}`
	}
	code := func(extra string) string {
		return cell(`{"cell_type": "code", "metadata": {}, "source": "", "execution_count": null, ` + extra + `}`)
	}
	tests := []struct{ name, in, want string }{
		{"not json", `{`, "notebook: want a JSON object"},
		{"array", `[]`, "notebook: want a JSON object"},
		{"null", `null`, "notebook: want a JSON object"},
		{"trailing", `{} {}`, "notebook: want a JSON object"},
		{"no nbformat", `{"cells": []}`, `notebook lacks "nbformat"`},
		{"nbformat 3", `{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "cells": []}`, "nbformat 3 is not supported"},
		{"nbformat string", `{"nbformat": "4"}`, "nbformat: want int, got JSON string"},
		{"no minor", `{"nbformat": 4, "metadata": {}, "cells": []}`, `lacks "nbformat_minor"`},
		{"negative minor", `{"nbformat": 4, "nbformat_minor": -1, "metadata": {}, "cells": []}`, "negative"},
		{"no metadata", `{"nbformat": 4, "nbformat_minor": 4, "cells": []}`, `notebook lacks "metadata"`},
		{"null metadata", `{"nbformat": 4, "nbformat_minor": 4, "metadata": null, "cells": []}`, "metadata: want a JSON object"},
		{"no cells", `{"nbformat": 4, "nbformat_minor": 4, "metadata": {}}`, `lacks "cells"`},
		{"cells object", `{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": {}}`, "cells: want []json.RawMessage"},
		{"cell not object", cell(`1`), "cells[0]: want a JSON object"},
		{"bad cell type", cell(`{"cell_type": "python", "metadata": {}, "source": ""}`), `cells[0]: unknown cell_type "python"`},
		{"cell no metadata", cell(`{"cell_type": "markdown", "source": ""}`), `cells[0] lacks "metadata"`},
		{"cell no source", cell(`{"cell_type": "markdown", "metadata": {}}`), `cells[0]: cell lacks "source"`},
		{"source number", cell(`{"cell_type": "markdown", "metadata": {}, "source": 1}`), "cells[0].source: want a string or a list of strings"},
		{"source mixed list", cell(`{"cell_type": "markdown", "metadata": {}, "source": ["a", 1]}`), "cells[0].source: want a string"},
		{"markdown outputs", cell(`{"cell_type": "markdown", "metadata": {}, "source": "", "outputs": []}`), `markdown cell has "outputs"`},
		{"code no outputs", cell(`{"cell_type": "code", "metadata": {}, "source": "", "execution_count": null}`), `cells[0] lacks "outputs"`},
		{"code no count", cell(`{"cell_type": "code", "metadata": {}, "source": "", "outputs": []}`), `cells[0] lacks "execution_count"`},
		{"count string", code(`"outputs": [], "execution_count": "1"`), "cells[0].execution_count: want int"},
		{"outputs null", code(`"outputs": null`), "cells[0].outputs: want a list, got null"},
		{"cells null", `{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": null}`, "cells: want a list, got null"},
		{"output no type", code(`"outputs": [{}]`), `cells[0].outputs[0] lacks "output_type"`},
		{"output bad type", code(`"outputs": [{"output_type": "pyout"}]`), `unknown output_type "pyout"`},
		{"stream no name", code(`"outputs": [{"output_type": "stream", "text": ""}]`), `cells[0].outputs[0]: stream output lacks "name"`},
		{"stream bad text", code(`"outputs": [{"output_type": "stream", "name": "stdout", "text": 5}]`), "cells[0].outputs[0].text: want a string"},
		{"display no metadata", code(`"outputs": [{"output_type": "display_data", "data": {}}]`), `display_data output lacks "metadata"`},
		{"display null metadata", code(`"outputs": [{"output_type": "display_data", "data": {}, "metadata": null}]`), "outputs[0].metadata: want a JSON object"},
		{"display bad mime", code(`"outputs": [{"output_type": "display_data", "data": {"png": "x"}, "metadata": {}}]`), `key "png" is not a MIME type`},
		{"display bad value", code(`"outputs": [{"output_type": "display_data", "data": {"text/plain": {}}, "metadata": {}}]`), `data["text/plain"]: want a string`},
		{"result no count", code(`"outputs": [{"output_type": "execute_result", "data": {}, "metadata": {}}]`), `lacks "execution_count"`},
		{"error null tb", code(`"outputs": [{"output_type": "error", "ename": "", "evalue": "", "traceback": null}]`), "traceback: want a list of strings, got null"},
		{"error no evalue", code(`"outputs": [{"output_type": "error", "ename": "", "traceback": []}]`), `lacks "evalue"`},
		{"missing id 4.5", `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "raw", "metadata": {}, "source": ""}]}`, `cells[0]: cell lacks "id"`},
		{"bad id", cell(`{"cell_type": "raw", "id": "a b", "metadata": {}, "source": ""}`), `cells[0].id: "a b" is not`},
		{"dup id", cell(`{"cell_type": "raw", "id": "a", "metadata": {}, "source": ""}, {"cell_type": "raw", "id": "a", "metadata": {}, "source": ""}`), `cells[1]: id "a" already used by cells[0]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil {
				if tt.want != "" {
					t.Fatalf("Parse succeeded, want error containing %q", tt.want)
				}
				return
			}
			if !strings.HasPrefix(err.Error(), "nbrun: invalid notebook: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "nb.ipynb")
	if err := os.WriteFile(p, []byte(minimal), 0o644); err != nil {
		t.Fatal(err)
	}
	nb, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.ipynb")
	if err := WriteFile(out, nb); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(out); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.ipynb")
	os.WriteFile(bad, []byte(`{"nbformat": 4}`), 0o644)
	if _, err := ReadFile(bad); err == nil || !strings.Contains(err.Error(), "bad.ipynb: invalid notebook") {
		t.Errorf("ReadFile(bad) = %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.ipynb")); err == nil {
		t.Error("ReadFile(missing) succeeded")
	}
}

func TestSplitLines(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"a", []string{"a"}},
		{"a\n", []string{"a\n"}},
		{"a\nb", []string{"a\n", "b"}},
		{"a\r\n\nb\n", []string{"a\r\n", "\n", "b\n"}},
	} {
		got, _ := json.Marshal(splitLines(tt.in))
		want, _ := json.Marshal(tt.want)
		if string(got) != string(want) {
			t.Errorf("splitLines(%q) = %s, want %s", tt.in, got, want)
		}
	}
}

// FuzzParse checks that no input panics the reader and that whatever it
// accepts writes back to a notebook it accepts again, stable after one
// round.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(`{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": []}`))
	f.Add([]byte(`{"nbformat": 4, "nbformat_minor": 2, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": [], "execution_count": null, "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}]}]}`))
	if fixtures, _ := filepath.Glob("testdata/*.ipynb"); len(fixtures) > 0 {
		for _, p := range fixtures {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		nb, err := Parse(data)
		if err != nil {
			return
		}
		out, err := nb.Marshal()
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		nb2, err := Parse(out)
		if err != nil {
			t.Fatalf("re-parse of written notebook: %v\n%s", err, out)
		}
		out2, err := nb2.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("write is not stable:\n%s\n---\n%s", out, out2)
		}
	})
}
