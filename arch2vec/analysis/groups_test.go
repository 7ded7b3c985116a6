package analysis

import (
	"math"
	"testing"
)

func TestGroupBy(t *testing.T) {
	groups, r, err := GroupBy([]int{2, 1, 2, 1, 3}, []float64{4, 1, 6, 3, 9})
	if err != nil {
		t.Fatal(err)
	}
	want := []Group{{1, 2, 2, 1}, {2, 2, 5, 1}, {3, 1, 9, 0}}
	if len(groups) != len(want) {
		t.Fatalf("groups = %v, want %v", groups, want)
	}
	for i := range want {
		if groups[i] != want[i] {
			t.Errorf("group %d = %+v, want %+v", i, groups[i], want[i])
		}
	}
	if r < 0.9 || r > 1 {
		t.Errorf("correlation = %v, want strongly positive", r)
	}
	if _, r, _ := GroupBy([]int{1, 1}, []float64{1, 2}); !math.IsNaN(r) {
		t.Errorf("constant keys: correlation %v, want NaN", r)
	}
	for _, bad := range []struct {
		k []int
		v []float64
	}{{nil, nil}, {[]int{1}, []float64{1, 2}}, {[]int{1}, []float64{math.Inf(1)}}} {
		if _, _, err := GroupBy(bad.k, bad.v); err == nil {
			t.Errorf("GroupBy(%v, %v): no error", bad.k, bad.v)
		}
	}
}
