package bench

import (
	"os"
	"strings"
	"testing"
)

// sharedCSVs returns the text of the three shared NB201 source files.
func sharedCSVs(t *testing.T) [3]string {
	var out [3]string
	for i, f := range []string{File200, File12, FileTimes} {
		b, err := os.ReadFile(sharedPath(t, "data/nasbench201/"+f))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	return out
}

func TestReadTable201Errors(t *testing.T) {
	src := sharedCSVs(t)
	lines := func(s string) []string { return strings.SplitAfter(s, "\n") }
	l200 := lines(src[0])
	for _, tc := range []struct {
		name string
		file int
		edit func(string) string
		want string
	}{
		{"header", 0, func(s string) string { return strings.Replace(s, "c10_valid,", "c10_val,", 1) },
			`ep200:1: header is`},
		{"empty", 1, func(string) string { return "" }, `ep12: empty file`},
		{"bad number", 0, func(s string) string {
			return strings.Replace(s, ",81.982667,", ",81.98x,", 1)
		}, `ep200:2:108: column c10_valid: invalid number "81.98x"`},
		{"out of range", 1, func(s string) string {
			return strings.Replace(s, ",69.550000,", ",169.550000,", 1)
		}, `ep12:2:`},
		{"index order", 0, func(s string) string {
			return strings.Join(append(append([]string{l200[0], l200[2]}, l200[1]), l200[3:]...), "")
		}, `ep200:2:1: column index: index 1 out of order (want 0)`},
		{"missing rows", 2, func(s string) string { return s[:strings.LastIndex(s, "\n")] }, `times: 15624 rows, want 15625`},
		{"field count", 0, func(s string) string { return strings.Replace(s, ",0.129306,", ",", 1) }, `ep200:2:1: wrong number of fields`},
		{"arch mismatch", 1, func(s string) string {
			return strings.Replace(s, "0,|avg_pool_3x3~0|+", "0,|nor_conv_3x3~0|+", 1)
		}, `ep12:2:3: column arch_str: arch |nor_conv_3x3~0|`},
		{"bad arch", 0, func(s string) string {
			return strings.Replace(s, "0,|avg_pool_3x3~0|+", "0,|avg_pool~0|+", 1)
		}, `ep200:2:3: column arch_str: cell: arch string`},
		{"bad time", 2, func(s string) string { return strings.Replace(s, ",1444.2186,", ",-1,", 1) },
			`times:2:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			texts := src
			texts[tc.file] = tc.edit(texts[tc.file])
			_, err := ReadTable201(Source{"ep200", strings.NewReader(texts[0])},
				Source{"ep12", strings.NewReader(texts[1])}, Source{"times", strings.NewReader(texts[2])})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestTime12(t *testing.T) {
	r := Row201{TrainTime200: 2000, EvalTime: 3}
	if got := r.Time12(); got != 123 {
		t.Errorf("Time12 = %v, want 123", got)
	}
}

func TestParseNames(t *testing.T) {
	for _, s := range []Space{Space101, Space201} {
		if got, err := ParseSpace(s.String()); err != nil || got != s {
			t.Errorf("ParseSpace(%s) = %v, %v", s, got, err)
		}
	}
	for _, d := range Datasets {
		if got, err := ParseDataset(d.String()); err != nil || got != d {
			t.Errorf("ParseDataset(%s) = %v, %v", d, got, err)
		}
	}
	if _, err := ParseSpace("nasbench301"); err == nil {
		t.Error("ParseSpace accepted nasbench301")
	}
	if _, err := ParseDataset("mnist"); err == nil {
		t.Error("ParseDataset accepted mnist")
	}
}
