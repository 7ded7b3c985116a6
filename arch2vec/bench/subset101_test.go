package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

func TestLoadSubset101(t *testing.T) {
	s := sharedSubset101(t)
	if s.Len() != 20001 {
		t.Fatalf("%d records, want 20001", s.Len())
	}
	// Values quoted in shared/data/nasbench101/README.md.
	h, _ := cell.ParseHash("00005c142e6f48ac74fdcf73e3439874")
	i, ok := s.Lookup(h)
	if !ok || i != 0 {
		t.Fatalf("Lookup(first hash) = %d, %v", i, ok)
	}
	r := s.Records[0]
	if r.Valid108 != 0.9304887652397156 || r.Time != 1768.9759521484375 || r.Params != 8555530 {
		t.Errorf("first record %+v", r)
	}
	lo, hi, sum := float32(1), float32(0), 0.0
	for _, r := range s.Records {
		lo, hi, sum = min(lo, r.Valid108), max(hi, r.Valid108), sum+float64(r.Valid108)
	}
	if lo < 0.0950 || lo > 0.0952 || hi < 0.9491 || hi > 0.9492 || sum/20001 < 0.9103 || sum/20001 > 0.9105 {
		t.Errorf("108-epoch validation accuracy min %v max %v mean %v", lo, hi, sum/20001)
	}
	if got := s.Records[s.Len()-1].Hash.String(); !strings.HasPrefix(got, "0c187841") {
		t.Errorf("last hash %s, want 0c187841…", got)
	}
}

func TestReadSubset101Errors(t *testing.T) {
	const good = `{"key":["00005c142e6f48ac74fdcf73e3439874","0000718c96730a92ea6d5242f8ce77e2"],` +
		`"4_final_validation_accuracy":[0.5,0.25],"12_final_validation_accuracy":[0.5,0.25],` +
		`"36_final_validation_accuracy":[0.5,0.25],"108_final_validation_accuracy":[0.9304887652397156,0.5],` +
		`"final_training_time":[1768.9759521484375,1000],"trainable_parameters":[8555530,100]}`
	if s, err := ReadSubset101(Source{"ok", strings.NewReader(good)}); err != nil || s.Len() != 2 || s.Records[1].ValidEarly[0] != 0.25 {
		t.Fatalf("good input: %v", err)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"empty", ``, `sub: file truncated`},
		{"array", `[]`, `want an object`},
		{"truncated", good[:50], `column "key": file truncated`},
		{"unknown column", strings.Replace(good, `"key"`, `"hash"`, 1), `unknown column "hash"`},
		{"duplicate column", strings.Replace(good, `}`, `,"key":[]}`, 1), `duplicate column "key"`},
		{"missing column", strings.Replace(good, `,"trainable_parameters":[8555530,100]`, ``, 1), `missing column "trainable_parameters"`},
		{"lengths", strings.Replace(good, `[8555530,100]`, `[8555530]`, 1), `column "trainable_parameters" has 1 values`},
		{"trailing", good + `{}`, `data after the object`},
		{"bad hash", strings.Replace(good, `00005c14`, `x0005c14`, 1), `column "key", record 0: cell: hash`},
		{"duplicate hash", strings.Replace(good, `0000718c96730a92ea6d5242f8ce77e2`, `00005c142e6f48ac74fdcf73e3439874`, 1), `appears twice`},
		{"accuracy range", strings.Replace(good, `[0.5,0.25],"12`, `[1.5,0.25],"12`, 1), `column "4_final_validation_accuracy", record 0: 1.5 out of range`},
		{"not float32", strings.Replace(good, `0.9304887652397156`, `0.93048876523971`, 1), `is not a float32 value`},
		{"time", strings.Replace(good, `1000]`, `0]`, 1), `column "final_training_time", record 1`},
		{"params", strings.Replace(good, `8555530`, `85.5`, 1), `column "trainable_parameters", record 0: want a positive integer`},
		{"params range", strings.Replace(good, `8555530`, `8555530000`, 1), `want a positive integer`},
		{"string number", strings.Replace(good, `[0.5,0.25],"12`, `["0.5",0.25],"12`, 1), `want a number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadSubset101(Source{"sub", strings.NewReader(tc.in)})
			if err == nil || !strings.HasPrefix(err.Error(), "bench: sub: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestJoin101Small(t *testing.T) {
	cells, hashes := fixtureCells(t)
	recs := []Record101{{Hash: hashes[3], Valid108: 0.5}, {Hash: hashes[0], Valid108: 0.7}, {Hash: cell.Hash{1}}}
	s, err := newSubset101("small", recs)
	if err != nil {
		t.Fatal(err)
	}
	pos, missing, err := Join101(context.Background(), cells, s)
	if err != nil {
		t.Fatal(err)
	}
	if missing != 1 {
		t.Errorf("missing %d, want 1", missing)
	}
	for i, r := range s.Records {
		want := -1
		for j, h := range hashes {
			if h == r.Hash {
				want = j
			}
		}
		if pos[i] != want {
			t.Errorf("record %d (%s): position %d, want %d", i, r.Hash, pos[i], want)
		}
	}
	e := Entry101(cells[0], hashes[0], s)
	if e.Valid != float64(float32(0.7)) || e.Test == e.Test {
		t.Errorf("Entry101: %+v", e)
	}
}

// TestJoin101Full enumerates the whole NB101 space and checks that every
// cell of the embedded subset is in it.
func TestJoin101Full(t *testing.T) {
	if testing.Short() {
		t.Skip("enumerates all 423,624 NB101 cells")
	}
	cells, hashes, err := cell.Enumerate101Hashed(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NB101Subset()
	if err != nil {
		t.Fatal(err)
	}
	pos, missing := s.JoinHashes(hashes)
	if missing != 0 || s.Len() != 20001 {
		t.Fatalf("%d of %d subset hashes not in the enumerated space", missing, s.Len())
	}
	seen := make(map[int]bool, len(pos))
	for i, p := range pos {
		if seen[p] || cells[p].Hash() != s.Records[i].Hash {
			t.Fatalf("record %d joined to cell %d: duplicate or wrong hash", i, p)
		}
		seen[p] = true
	}
	// Join101 (which hashes itself) agrees on a slice of the space.
	part := cells[:len(cells)/8]
	pos2, missing2, err := Join101(context.Background(), part, s)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i, p := range pos {
		if p >= len(part) {
			p = -1
			want++
		}
		if pos2[i] != p {
			t.Fatalf("Join101 on the first %d cells: record %d at %d, want %d", len(part), i, pos2[i], p)
		}
	}
	if missing2 != want {
		t.Errorf("Join101 missing %d, want %d", missing2, want)
	}
}
