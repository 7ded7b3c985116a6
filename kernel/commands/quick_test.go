package commands

import (
	"strings"
	"testing"
)

func TestQuickFromEnv(t *testing.T) {
	tests := []struct {
		v       string
		want    *Quick
		wantErr bool
	}{
		{"", nil, false},
		{"0", nil, false},
		{"1", &QuickCaps, false},
		{"yes", nil, true},
	}
	for _, tc := range tests {
		q, err := QuickFromEnv(tc.v)
		if (err != nil) != tc.wantErr || (q == nil) != (tc.want == nil) || (q != nil && *q != *tc.want) {
			t.Errorf("QuickFromEnv(%q) = %v, %v", tc.v, q, err)
		}
	}
}

// TestQuick checks that the caps bound the work, that each capped command
// says so on stderr, and that uncapped parameters and sessions are left
// alone.
func TestQuick(t *testing.T) {
	s := newSession(t)
	s.ws.SetQuick(&QuickCaps)
	s.run("%load_cells nasbench201 --limit 300")
	_, rec := s.run("%pretrain --validity 100")
	if h := s.ws.snapshot().trained.result.History; len(h) != 1 {
		t.Errorf("%d epochs, want 1", len(h))
	}
	if got := rec.StreamText("stderr"); got != "quick mode (ARCH2VEC_QUICK=1): epochs 1 instead of 10\n" {
		t.Errorf("stderr = %q: want the epochs note only (100 validity samples are under the cap)", got)
	}
	_, rec = s.run("%search random --runs 10 --budget 1000000")
	st := s.ws.snapshot()
	if tr := st.search.runs["random"].traces; len(tr) != 2 || len(tr[0].Queries) != 40 {
		t.Errorf("%d runs (%d queries), want 2 of 40", len(tr), len(tr[0].Queries))
	}
	for _, want := range []string{"runs 2 instead of 10", "queries per run 40 instead of no limit"} {
		if !strings.Contains(rec.StreamText("stderr"), want) {
			t.Errorf("stderr %q lacks %q", rec.StreamText("stderr"), want)
		}
	}
	// Without caps nothing is said.
	s2 := newSession(t)
	s2.run("%load_cells nasbench201 --limit 300")
	if _, rec := s2.run("%search random --runs 3 --queries 5"); rec.StreamText("stderr") != "" {
		t.Errorf("uncapped stderr = %q", rec.StreamText("stderr"))
	}
}
