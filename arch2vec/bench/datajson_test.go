package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// writeData writes entries with a DataWriter and returns the file.
func writeData(t testing.TB, s Space, es []Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewDataWriter(&buf, s)
	for i := range es {
		if err := w.Write(&es[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll reads every entry of a data.json text.
func readAll(data []byte) ([]Entry, error) {
	return readRest(NewDataReader(Source{Name: "test.json", R: bytes.NewReader(data)}))
}

func entries101(t testing.TB) []Entry {
	cells, hashes := fixtureCells(t)
	es := make([]Entry, len(cells))
	for i, c := range cells {
		es[i] = unknownEntry(Space101)
		es[i].Key, es[i].Cell101 = i, c
		if i%3 != 0 { // some known, some unknown numbers
			es[i].Valid, es[i].Time = 0.9+float64(i)/1000, 1000.5+float64(i)
		}
		if i%4 == 1 {
			es[i].Test = 1 / 3.0
		}
		if i%2 == 0 {
			es[i].Hash = hashes[i]
		}
	}
	return es
}

func entries201(t testing.TB, n int) []Entry {
	tab, err := NB201()
	if err != nil {
		t.Fatal(err)
	}
	es := make([]Entry, n)
	for i := range es {
		es[i] = Entry201(tab, i, CIFAR10)
	}
	es[1].Time = math.NaN()
	return es
}

func TestDataJSONRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		space Space
		es    []Entry
	}{
		{"nasbench101", Space101, entries101(t)},
		{"nasbench201", Space201, entries201(t, 40)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := writeData(t, tc.space, tc.es)
			got, err := readAll(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.es) {
				t.Fatalf("read %d entries, wrote %d", len(got), len(tc.es))
			}
			for i := range got {
				if !sameEntry(got[i], tc.es[i]) {
					t.Errorf("entry %d: read %+v, wrote %+v", i, got[i], tc.es[i])
				}
				if tc.space == Space101 && got[i].Hash != got[i].Cell101.Hash() {
					t.Errorf("entry %d: hash %s, want %s", i, got[i].Hash, got[i].Cell101.Hash())
				}
			}
			if again := writeData(t, tc.space, got); !bytes.Equal(again, data) {
				t.Errorf("second write differs from the first")
			}
		})
	}
}

// TestDataJSONFixtureHashes checks that the writer's hash field is
// nasbench's hash (fixture vectors computed with graph_util.hash_module).
func TestDataJSONFixtureHashes(t *testing.T) {
	cells, hashes := fixtureCells(t)
	es := make([]Entry, len(cells))
	for i, c := range cells {
		es[i] = unknownEntry(Space101)
		es[i].Cell101 = c
	}
	data := string(writeData(t, Space101, es))
	for i, h := range hashes {
		if !strings.Contains(data, fmt.Sprintf(`"%d":{"module_adjacency":`, i)) || !strings.Contains(data, `"hash":"`+h.String()+`"`) {
			t.Errorf("entry %d: hash %s not written", i, h)
		}
	}
}

// TestReadDataParityCells reads the 32 encodings of the PyTorch parity
// fixture (real data.json rows) in arch2vec's own layout: Python's
// json.dump separators and every metric present.
func TestReadDataParityCells(t *testing.T) {
	adj, ops := parityEncodings(t)
	var b strings.Builder
	b.WriteString("{")
	for i := range adj {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `"%d": {"test_accuracy": 0.9%d, "validation_accuracy": 0.8, "module_adjacency": %s, "module_operations": %s, "training_time": 1500.25}`,
			i, i, pyList(adj[i]), pyList(ops[i]))
	}
	b.WriteString("}")
	r := NewDataReader(Source{Name: "parity", R: strings.NewReader(b.String())})
	r.RequireMetrics = true
	d, err := readRest(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != len(adj) {
		t.Fatalf("%d entries, want %d", len(d), len(adj))
	}
	for i, e := range d {
		a := make([]float32, cell.AdjLen101)
		o := make([]float32, cell.OpsLen101)
		e.Cell101.EncodeTo(a, o)
		for r := range 7 {
			for c := range 7 {
				if int(a[r*7+c]) != adj[i][r][c] {
					t.Fatalf("entry %d: adjacency (%d,%d) differs", i, r, c)
				}
			}
			for c := range 5 {
				if int(o[r*5+c]) != ops[i][r][c] {
					t.Fatalf("entry %d: ops (%d,%d) differs", i, r, c)
				}
			}
		}
		wantTest, _ := strconv.ParseFloat(fmt.Sprintf("0.9%d", i), 64)
		if e.Test != wantTest || e.Valid != 0.8 || e.Time != 1500.25 {
			t.Errorf("entry %d: numbers %v %v %v", i, e.Test, e.Valid, e.Time)
		}
	}
}

// readRest reads the remaining entries of r.
func readRest(r *DataReader) ([]Entry, error) {
	var es []Entry
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			return es, nil
		}
		if err != nil {
			return es, err
		}
		es = append(es, e)
	}
}

// pyList formats a matrix as Python's json.dump does.
func pyList(m [][]int) string {
	rows := make([]string, len(m))
	for i, r := range m {
		rows[i] = strings.ReplaceAll(fmt.Sprint(r), " ", ", ")
	}
	return "[" + strings.Join(rows, ", ") + "]"
}

func TestReadDataNB201Reference(t *testing.T) {
	adj := `[[0,1,1,0,1,0,0,0],[0,0,0,1,0,1,0,0],[0,0,0,0,0,0,1,0],[0,0,0,0,0,0,1,0],[0,0,0,0,0,0,0,1],[0,0,0,0,0,0,0,1],[0,0,0,0,0,0,0,1],[0,0,0,0,0,0,0,0]]`
	ops := `[[1,0,0,0,0,0,0],[0,0,1,0,0,0,0],[0,0,1,0,0,0,0],[0,0,0,1,0,0,0],[0,0,0,0,1,0,0],[0,0,1,0,0,0,0],[0,0,0,0,1,0,0],[0,0,0,0,0,0,1]]`
	in := `{"0": {"test_accuracy": 88.2, "test_accuracy_avg": 93.66, "validation_accuracy": 82.8, "validation_accuracy_avg": 90.77, "module_adjacency": ` + adj + `, "module_operations": ` + ops + `, "training_time": 150.5, "valid_loss": 0.4}}`
	es, err := readAll([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want, err := cell.ParseArch201("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
	if err != nil {
		t.Fatal(err)
	}
	e := es[0]
	if e.Space != Space201 || e.Cell201 != want || e.Test != 88.2 || e.TestAvg != 93.66 || e.Valid != 82.8 || e.ValidAvg != 90.77 || e.Time != 150.5 {
		t.Errorf("got %+v", e)
	}
}

func TestReadDataErrors(t *testing.T) {
	good := `{"module_adjacency":[[0,1,0,0,0,0,0],[0,0,1,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0]],"module_operations":[[1,0,0,0,0],[0,0,1,0,0],[0,0,0,0,1],[0,0,0,0,0],[0,0,0,0,0],[0,0,0,0,0],[0,0,0,0,0]]}`
	mod := func(old, new string) string { return strings.Replace(good, old, new, 1) }
	for _, tc := range []struct{ name, in, want string }{
		{"empty", ``, `file does not start with an object: file truncated`},
		{"array", `[]`, `file does not start with an object`},
		{"no entries", `{}`, `no entries`},
		{"truncated", `{"0":` + good[:100], `entry "0": field "module_adjacency": file truncated`},
		{"truncated after entry", `{"0":` + good, `entry "0": after the entry: file truncated`},
		{"trailing data", `{"0":` + good + `} x`, `data after the closing brace`},
		{"first key", `{"1":` + good + `}`, `entry "1": key out of order: want "0"`},
		{"duplicate key", `{"0":` + good + `,"0":` + good + `}`, `entry "0": duplicate key`},
		{"gap", `{"0":` + good + `,"2":` + good + `}`, `entry "2": key out of order: want "1"`},
		{"leading zero", `{"0":` + good + `,"01":` + good + `}`, `entry "01": key out of order`},
		{"value not object", `{"0":[1]}`, `entry "0": value is not an object`},
		{"missing ops", `{"0":{"module_adjacency":[]}}`, `entry "0": missing field "module_operations"`},
		{"duplicate field", `{"0":{"training_time":1,"training_time":2}}`, `entry "0": duplicate field "training_time"`},
		{"bad number", `{"0":{"training_time":"x"}}`, `entry "0": field "training_time": want a number`},
		{"huge number", `{"0":{"training_time":1e999}}`, `out of range`},
		{"long bad string", `{"0":{"training_time":"` + strings.Repeat("x", 5000) + `"}}`, `want a number, got ` + strings.Repeat("x", 40) + `…`},
		{"deep nesting", `{"0":{"module_adjacency":` + strings.Repeat("[", 500) + strings.Repeat("]", 500) + `}}`, `row 0: ` + strings.Repeat("[", 40) + `… is not an integer`},
		{"wrong rows", `{"0":{"module_adjacency":[[0]],"module_operations":[[1]]}}`, `module_adjacency has 1 rows, want 7 (nasbench101) or 8 (nasbench201)`},
		{"wrong ops shape", `{"0":` + mod(`[0,0,0,0,1],[0,0,0,0,0],`, `[0,0,0,0,1],[0,0,0,0],`) + `}`, `module_operations row 3 has 4 columns, want 5 (nasbench101)`},
		{"not 0/1", `{"0":` + mod(`[0,1,0`, `[0,2,0`) + `}`, `module_adjacency[0][1] is 2, want 0 or 1`},
		{"not integer", `{"0":` + mod(`[0,1,0`, `[0,1.5,0`) + `}`, `field "module_adjacency"`},
		{"below diagonal", `{"0":` + mod(`[0,0,1,0,0,0,0],[0,0,0,0,0,0,0]`, `[0,0,1,0,0,0,0],[0,1,0,0,0,0,0]`) + `}`, `on or below the diagonal at row 2, column 1`},
		{"two ops", `{"0":` + mod(`[0,0,1,0,0]`, `[0,1,1,0,0]`) + `}`, `module_operations row 1 [0 1 1 0 0] is not a one-hot operation`},
		{"gap in ops", `{"0":` + mod(`[0,0,1,0,0],[0,0,0,0,1],[0,0,0,0,0]`, `[0,0,1,0,0],[0,0,0,0,0],[0,0,0,0,1]`) + `}`, `row 3 [0 0 0 0 1] is not a one-hot operation`},
		{"invalid cell", `{"0":` + mod(`[0,0,1,0,0],[0,0,0,0,1]`, `[0,0,1,0,0],[0,0,0,1,0]`) + `}`, `entry "0": invalid cell`},
		{"not pruned", `{"0":{"module_adjacency":[[0,1,0,0,0,0,0],[0,0,0,1,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0],[0,0,0,0,0,0,0]],"module_operations":[[1,0,0,0,0],[0,0,1,0,0],[0,1,0,0,0],[0,0,0,0,1],[0,0,0,0,0],[0,0,0,0,0],[0,0,0,0,0]]}}`, `is not pruned`},
		{"hash mismatch", `{"0":` + strings.TrimSuffix(good, "}") + `,"hash":"00000000000000000000000000000000"}}`, `does not match the cell's hash`},
		{"bad hash", `{"0":` + strings.TrimSuffix(good, "}") + `,"hash":"xyz"}}`, `field "hash"`},
		{"avg in 101", `{"0":` + strings.TrimSuffix(good, "}") + `,"test_accuracy_avg":1}}`, `*_avg fields in a nasbench101 entry`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readAll([]byte(tc.in))
			if err == nil {
				t.Fatalf("no error")
			}
			if !strings.HasPrefix(err.Error(), "bench: test.json: ") || !strings.Contains(err.Error(), tc.want) || len(err.Error()) > 300 {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestReadDataRequireMetricsAndSpace(t *testing.T) {
	data := writeData(t, Space101, entries101(t)[:1]) // entry 0 has unknown numbers
	r := NewDataReader(Source{Name: "x", R: bytes.NewReader(data)})
	r.RequireMetrics = true
	_, err1 := r.Next()
	if err1 == nil || !strings.Contains(err1.Error(), `missing field "test_accuracy"`) {
		t.Errorf("RequireMetrics: error %v", err1)
	}
	if _, err2 := r.Next(); err2 != err1 {
		t.Errorf("second Next after an error: %v, want the same error", err2)
	}
	r = NewDataReader(Source{Name: "x", R: bytes.NewReader(data)})
	r.Space = Space201
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "module_adjacency has 7 rows, want 8") {
		t.Errorf("Space: error %v", err)
	}
}

func TestReadDataColumns(t *testing.T) {
	es := entries201(t, 10)
	d, err := ReadData(context.Background(), Source{Name: "x", R: bytes.NewReader(writeData(t, Space201, es))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Space != Space201 || d.Len() != len(es) || d.Hashes != nil {
		t.Fatalf("space %v, %d entries, hashes %v", d.Space, d.Len(), d.Hashes)
	}
	for i := range es {
		if !sameEntry(d.Entry(i), es[i]) {
			t.Errorf("entry %d differs", i)
		}
	}
}
