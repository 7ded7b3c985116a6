package commands

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// readCSV reads a whole CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// readNPYFile reads an .npy file with readNPY.
func readNPYFile(t *testing.T, path string) npyArray {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := readNPY(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return a
}

// sameFloat reports whether a and b are equal or both NaN.
func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestExportFormats(t *testing.T) {
	s := fullSession(t)
	st := s.ws.snapshot()
	cs, e := st.cells, st.emb
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }

	// cells
	s.run("%export cells " + p("cells.csv"))
	recs := readCSV(t, p("cells.csv"))
	if len(recs) != 65 || strings.Join(recs[0], ",") != "position,id,arch,validation,test,time" ||
		recs[5][1] != strconv.Itoa(cs.id[4]) || recs[5][2] != cs.name(4) {
		t.Errorf("cells.csv: %d records, header %v, row 4 %v", len(recs), recs[0], recs[5])
	}
	s.run("%export cells " + p("cells.json")) // the format follows the extension
	var cdoc struct {
		Space string           `json:"space"`
		Cells []map[string]any `json:"cells"`
	}
	raw, _ := os.ReadFile(p("cells.json"))
	if err := json.Unmarshal(raw, &cdoc); err != nil || cdoc.Space != "nasbench201" || len(cdoc.Cells) != 64 ||
		cdoc.Cells[7]["arch"] != cs.name(7) || cdoc.Cells[7]["validation"] != cs.valid[7] {
		t.Errorf("cells.json: %v, %+v", err, cdoc.Cells[:1])
	}
	_, rec := s.run("%export cells " + p("cells.npy"))
	out := rec.StreamText("stdout")
	if !strings.Contains(out, p("cells.ids.csv")) {
		t.Errorf("npy export says %q, not naming the ids file", out)
	}
	a := readNPYFile(t, p("cells.npy"))
	if a.descr != "<f8" || !slices.Equal(a.shape, []int{64, 3}) {
		t.Fatalf("cells.npy: %s %v", a.descr, a.shape)
	}
	v := a.f64()
	for i := range cs.len() {
		if !sameFloat(v[3*i], cs.valid[i]) || !sameFloat(v[3*i+1], cs.test[i]) || !sameFloat(v[3*i+2], cs.time[i]) {
			t.Fatalf("cells.npy row %d = %v", i, v[3*i:3*i+3])
		}
	}
	ids := readCSV(t, p("cells.ids.csv"))
	if len(ids) != 65 || strings.Join(ids[0], ",") != "position,id,arch" || ids[64][2] != cs.name(63) {
		t.Errorf("cells.ids.csv: %d lines, %v … %v", len(ids), ids[0], ids[len(ids)-1])
	}

	// embeddings
	s.run("%export embeddings " + p("emb") + " --format npy") // no extension: ids go to emb.ids.csv
	a = readNPYFile(t, p("emb"))
	if a.descr != "<f4" || !slices.Equal(a.shape, []int{64, 16}) || !slices.Equal(a.f32(), e.z) {
		t.Errorf("emb npy: %s %v", a.descr, a.shape)
	}
	if ids := readCSV(t, p("emb.ids.csv")); len(ids) != 65 || ids[10][0] != "9" {
		t.Errorf("emb.ids.csv: %d lines", len(ids))
	}
	s.run("%export embeddings " + p("emb.csv"))
	recs = readCSV(t, p("emb.csv"))
	if len(recs) != 65 || len(recs[1]) != 5+16 || recs[1][5] != strconv.FormatFloat(float64(e.z[0]), 'g', -1, 32) {
		t.Errorf("emb.csv: %d records, row 0 %v", len(recs), recs[1])
	}

	// results
	var rows int
	for _, r := range st.search.runs {
		for _, tr := range r.traces {
			rows += len(tr.Queries)
		}
	}
	s.run("%export results " + p("res.csv"))
	recs = readCSV(t, p("res.csv"))
	if len(recs) != rows+1 || recs[0][0] != "method" || recs[1][0] != "random" || recs[len(recs)-1][0] != "rl" {
		t.Errorf("res.csv: %d records for %d queries, first %v", len(recs), rows, recs[:2])
	}
	s.run("%export results " + p("res.json"))
	var rdoc struct {
		Methods map[string][]struct {
			Seed    uint64           `json:"seed"`
			Queries []map[string]any `json:"queries"`
		} `json:"methods"`
	}
	raw, _ = os.ReadFile(p("res.json"))
	if err := json.Unmarshal(raw, &rdoc); err != nil || len(rdoc.Methods["random"]) != 2 || len(rdoc.Methods["rl"]) != 1 ||
		len(rdoc.Methods["random"][1].Queries) != len(st.search.runs["random"].traces[1].Queries) {
		t.Errorf("res.json: %v %v", err, rdoc)
	}
	s.run("%export results " + p("res.npy"))
	a = readNPYFile(t, p("res.npy"))
	if a.descr != "<f8" || !slices.Equal(a.shape, []int{rows, len(resultNumbers)}) {
		t.Fatalf("res.npy: %s %v", a.descr, a.shape)
	}
	q := st.search.runs["random"].traces[1].Queries[2]
	k := len(st.search.runs["random"].traces[0].Queries) + 2 // row of run 1, query 2
	row := a.f64()[k*len(resultNumbers) : (k+1)*len(resultNumbers)]
	if row[0] != 1 || row[2] != 2 || row[3] != float64(q.Cell) || row[5] != q.Valid || !sameFloat(row[10], q.RegretTest) {
		t.Errorf("res.npy row %d = %v, query %+v", k, row, q)
	}
	if ids := readCSV(t, p("res.ids.csv")); len(ids) != rows+1 || ids[k+1][1] != "random" || ids[k+1][3] != cs.name(q.Cell) {
		t.Errorf("res.ids.csv: %d lines, row %d %v", len(ids), k, ids[k+1])
	}

	// Errors: a clear line, and nothing written.
	s.fail("%export results "+p("x.csv")+" --format xls", `invalid value "xls"`)
	s.fail("%export embeddings "+filepath.Join(dir, "no", "dir.npy"), "export:")
	s.run("%load_cells nasbench201 --limit 8")
	s.fail("%export results "+p("y.csv"), "no search results on the loaded cells: run %search first")
	s.fail("%export embeddings "+p("y.npy"), "run %embed first")
	if _, err := os.Stat(p("y.npy")); !os.IsNotExist(err) {
		t.Error("a failed export wrote a file")
	}
}

// TestExportCells101 checks the NB101 columns: hash, matrix and ops.
func TestExportCells101(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data.json")
	cells := writeData101(t, data)
	s := newSession(t)
	s.run("%load_cells nasbench101 --from " + data)
	s.run("%export cells " + filepath.Join(dir, "c.csv"))
	recs := readCSV(t, filepath.Join(dir, "c.csv"))
	if len(recs) != 5 || strings.Join(recs[0], ",") != "position,id,hash,validation,test,time,matrix,ops" {
		t.Fatalf("c.csv: %v", recs)
	}
	var m [][]int
	if err := json.Unmarshal([]byte(recs[3][6]), &m); err != nil || fmt.Sprint(m) != fmt.Sprint(cells[2].Matrix()) ||
		recs[3][7] != strings.Join(cells[2].OpNames(), "|") || recs[3][2] != cells[2].Hash().String() {
		t.Errorf("row 2 = %v, cell %v", recs[3], cells[2])
	}
}

// TestExportNumpy loads the .npy exports with NumPy itself. It is skipped
// when NumPy is missing, unless ARCH2VEC_REQUIRE_JUPYTER=1 (as CI sets).
func TestExportNumpy(t *testing.T) {
	const python = "/usr/bin/python3"
	if out, err := exec.Command(python, "-c", "import numpy").CombinedOutput(); err != nil {
		msg := "NumPy unavailable: " + strings.TrimSpace(string(out))
		if os.Getenv("ARCH2VEC_REQUIRE_JUPYTER") == "1" {
			t.Fatal("ARCH2VEC_REQUIRE_JUPYTER=1 but " + msg)
		}
		t.Skip(msg)
	}
	s := fullSession(t)
	st := s.ws.snapshot()
	dir := t.TempDir()
	for _, what := range []string{"cells", "embeddings", "results"} {
		s.run("%export " + what + " " + filepath.Join(dir, what+".npy"))
	}
	script := `import numpy, sys
for name in sys.argv[1:]:
    a = numpy.load(name, allow_pickle=False)
    print(a.dtype.str, a.shape, repr(float(numpy.nansum(a.astype(numpy.float64)))), repr(float(a.flat[0])))`
	args := []string{"-c", script}
	for _, what := range []string{"cells", "embeddings", "results"} {
		args = append(args, filepath.Join(dir, what+".npy"))
	}
	out, err := exec.Command(python, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy.load: %v\n%s", err, out)
	}
	nansum := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			if !math.IsNaN(x) {
				s += x
			}
		}
		return s
	}
	var cellVals, embVals, resVals []float64
	for i := range st.cells.len() {
		cellVals = append(cellVals, st.cells.valid[i], st.cells.test[i], st.cells.time[i])
	}
	for _, z := range st.emb.z {
		embVals = append(embVals, float64(z))
	}
	for _, r := range resultRows(st.search) {
		resVals = append(resVals, r.numbers()...)
	}
	t.Logf("numpy.load:\n%s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i, tc := range []struct {
		dtype, shape string
		vals         []float64
	}{
		{"<f8", "(64, 3)", cellVals},
		{"<f4", "(64, 16)", embVals},
		{"<f8", fmt.Sprintf("(%d, %d)", len(resVals)/len(resultNumbers), len(resultNumbers)), resVals},
	} {
		f := strings.Fields(strings.ReplaceAll(lines[i], ", ", ","))
		if len(f) != 4 || f[0] != tc.dtype || f[1] != strings.ReplaceAll(tc.shape, " ", "") {
			t.Errorf("numpy read %q, want %s %s", lines[i], tc.dtype, tc.shape)
			continue
		}
		sum, _ := strconv.ParseFloat(f[2], 64)
		first, _ := strconv.ParseFloat(f[3], 64)
		if want := nansum(tc.vals); math.Abs(sum-want) > 1e-9*math.Max(1, math.Abs(want)) || !sameFloat(first, tc.vals[0]) {
			t.Errorf("numpy read %q: sum %v first %v, want %v and %v", lines[i], sum, first, want, tc.vals[0])
		}
	}
}
