package bench

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzReadDataJSON feeds arbitrary bytes to the data.json reader: it must
// never panic, and whatever it accepts must survive a write and a second
// read unchanged.
func FuzzReadDataJSON(f *testing.F) {
	f.Add(writeData(f, Space101, entries101(f)[:3]))
	f.Add(writeData(f, Space201, entries201(f, 2)))
	f.Add([]byte(`{"0": {"test_accuracy": 0.9, "validation_accuracy": 0.91, "module_adjacency": [[0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]], "module_operations": [[1, 0, 0, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]], "training_time": 100.0}}`))
	f.Add([]byte(`{"0":{"module_adjacency":[[0,1],[0,0]],"module_operations":[[1],[1]]}}`))
	f.Add([]byte(`{"0":{},"0":{}}`))
	f.Add([]byte(`{"0":{"hash":null,"training_time":null}}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		es, err := readAll(data)
		if err != nil {
			return
		}
		if len(es) == 0 {
			t.Fatal("no error and no entries")
		}
		again := writeData(t, es[0].Space, es)
		es2, err := readAll(again)
		if err != nil {
			t.Fatalf("re-reading own output: %v", err)
		}
		if len(es2) != len(es) {
			t.Fatalf("%d entries after round trip, want %d", len(es2), len(es))
		}
		for i := range es {
			if !sameEntry(es[i], es2[i]) {
				t.Fatalf("entry %d changed: %+v → %+v", i, es[i], es2[i])
			}
		}
		if third := writeData(t, es[0].Space, es2); !bytes.Equal(third, again) {
			t.Fatal("writer output not stable")
		}
	})
}

// FuzzParseIntMatrix checks the hand-written matrix parser against
// encoding/json on valid JSON values: where it succeeds, encoding/json
// decodes the same [][]int; where encoding/json succeeds without a null,
// so does it.
func FuzzParseIntMatrix(f *testing.F) {
	for _, s := range []string{`[[0,1],[0,0]]`, `[ [ 1 ] , [ ] ]`, `[]`, `[[1.5]]`, `[[-0]]`, `[null]`,
		`[[0],"x"]`, `[[0,[]]]`, `[[99999999999999999999]]`, `{"a":1}`, `[["]"]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return
		}
		got, err := parseIntMatrix(raw, nil)
		var want [][]int
		jerr := json.Unmarshal(raw, &want)
		switch {
		case err == nil && jerr != nil:
			t.Fatalf("parsed %q as %v, encoding/json says %v", raw, got, jerr)
		case err == nil && !reflect.DeepEqual(normalize(got), normalize(want)):
			t.Fatalf("parsed %q as %v, encoding/json as %v", raw, got, want)
		case err != nil && jerr == nil && !bytes.Contains(raw, []byte("null")):
			t.Fatalf("rejected %q (%v), encoding/json decodes %v", raw, err, want)
		}
	})
}

// normalize maps empty rows to nil so that [] and null compare equal.
func normalize(m [][]int) [][]int {
	out := make([][]int, len(m))
	for i, r := range m {
		if len(r) > 0 {
			out[i] = r
		}
	}
	return out
}
