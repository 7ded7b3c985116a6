package search

import (
	"context"
	"testing"
)

// meanRegretAt runs method on t for seeds and returns the mean validation
// regret after q queries, averaged over the first q queries too (the area
// under the regret curve per query, which rewards finding good cells
// early).
func meanRegretAt(t *testing.T, m Method, tab *Table, seeds []uint64, q int) (final, area float64) {
	t.Helper()
	traces, err := RunMany(context.Background(), m, tab, seeds, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range traces {
		if len(tr.Queries) < q {
			t.Fatalf("%s seed %d: %d queries, want ≥ %d", m.Name(), tr.Seed, len(tr.Queries), q)
		}
		final += tr.Queries[q-1].RegretValid
		for _, qq := range tr.Queries[:q] {
			area += qq.RegretValid / float64(q)
		}
	}
	n := float64(len(seeds))
	return final / n, area / n
}

func seedsN(n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = uint64(i + 1)
	}
	return s
}

// TestBeatsRandom: on a smooth synthetic table whose optimum is away from
// the origin, REINFORCE and BO reach lower regret than random search, on
// average over seeds (both at the end and averaged over the queries).
func TestBeatsRandom(t *testing.T) {
	tab := synthTableAt(3000, 4, 11, 10, 20, 1.0)
	seeds := seedsN(8)
	for _, tc := range []struct {
		m Method
		q int
	}{
		{Reinforce{Budget: Budget{Queries: 256}, Baseline: 0.85}, 256},
		{BO{Budget: Budget{Queries: 64}}, 64},
	} {
		rf, ra := meanRegretAt(t, Random{Budget: Budget{Queries: tc.q}}, tab, seeds, tc.q)
		mf, ma := meanRegretAt(t, tc.m, tab, seeds, tc.q)
		t.Logf("%s after %d queries: regret final %.4f, mean %.4f; random %.4f, %.4f", tc.m.Name(), tc.q, mf, ma, rf, ra)
		if !(mf < rf && ma < ra) {
			t.Errorf("%s regret %.4f / %.4f, random %.4f / %.4f: want %s lower", tc.m.Name(), mf, ma, rf, ra, tc.m.Name())
		}
	}
}
