package model

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// TestConfigResolved checks the reference defaults of the zero value per
// space, that explicit values are kept, and that Resolved does not write
// back.
func TestConfigResolved(t *testing.T) {
	tests := []struct {
		name string
		in   Config
		want Config
	}{
		{"nb101 zero", Config{}, Config{Space: NASBench101, InputDim: 5, Hidden: 128, Latent: 16, Layers: 4, Dropout: 0.3,
			LR: 1e-3, Batch: 32, Epochs: 8, Clip: 5, Seed: 1, ValiditySamples: 10000, Workers: 2}},
		{"nb201 zero", Config{Space: NASBench201}, Config{Space: NASBench201, InputDim: 7, Hidden: 128, Latent: 16, Layers: 4,
			Dropout: 0.3, LR: 1e-3, Batch: 32, Epochs: 10, Clip: 5, Seed: 3, ValiditySamples: 10000, Workers: 2}},
		{"explicit", Config{Epochs: 2, Seed: 9, Dropout: -1, Clip: -1, Mode: ModeStandard, ValiditySamples: -1},
			Config{InputDim: 5, Hidden: 128, Latent: 16, Layers: 4, Dropout: -1, LR: 1e-3, Batch: 32, Epochs: 2, Clip: -1,
				Seed: 9, Mode: ModeStandard, ValiditySamples: -1, Workers: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if got := in.Resolved(); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if in != tc.in {
				t.Errorf("Resolved modified its receiver: %v", in)
			}
			var back Config
			if err := json.Unmarshal([]byte(tc.want.String()), &back); err != nil || back != tc.want {
				t.Errorf("JSON round trip: %v, %v", back, err)
			}
		})
	}
	if d := (Config{Dropout: -1}).Resolved().dropout(); d != 0 {
		t.Errorf("negative dropout gives %v, want 0", d)
	}
}

// TestConfigValidate checks that each unusable setting is named.
func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		c    Config
		want string
	}{
		{"space", Config{Space: 7}, "invalid space 7"},
		{"mode", Config{Mode: 9}, "invalid mode 9"},
		{"input dim", Config{InputDim: 7}, "input_dim 7 does not match nasbench101"},
		{"dropout", Config{Dropout: 1}, "dropout 1"},
		{"negative", Config{Batch: -3}, "negative size"},
		{"lr", Config{LR: -1}, "negative learning rate"},
		{"too wide", Config{Hidden: 1 << 20}, "hidden 1048576"},
		{"workers", Config{Workers: 1000}, "1000 workers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("zero config: %v", err)
	}
}

// TestParseNames checks the space and mode names.
func TestParseNames(t *testing.T) {
	for in, want := range map[string]Space{"nasbench101": NASBench101, "NB201": NASBench201, " 101 ": NASBench101} {
		if got, err := ParseSpace(in); err != nil || got != want {
			t.Errorf("ParseSpace(%q) = %v, %v, want %v", in, got, err, want)
		}
	}
	if _, err := ParseSpace("darts"); err == nil {
		t.Error("ParseSpace(darts): no error")
	}
	for in, want := range map[string]Mode{"reference": ModeReference, "Standard": ModeStandard} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v, want %v", in, got, err, want)
		}
	}
	if _, err := ParseMode("eval"); err == nil {
		t.Error("ParseMode(eval): no error")
	}
}

// TestDataset checks the encoded layout against the cells' own encoding,
// Subset, and the errors for cells that cannot be encoded.
func TestDataset(t *testing.T) {
	cs := trCells101(t, 50, 13)
	d, err := NewDataset101(cs)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len != 50 || d.N != 7 || d.C != 5 || d.Space != NASBench101 {
		t.Fatalf("dataset %d×%d×%d %v", d.Len, d.N, d.C, d.Space)
	}
	adj, ops := make([]float32, 49), make([]float32, 35)
	for i, c := range cs {
		c.EncodeTo(adj, ops)
		if !slices.Equal(adj, d.Adj[i*49:(i+1)*49]) || !slices.Equal(ops, d.Ops[i*35:(i+1)*35]) {
			t.Fatalf("cell %d encoded differently", i)
		}
	}
	s := d.Subset([]int{3, 1})
	if s.Len != 2 || !slices.Equal(s.Adj[:49], d.Adj[3*49:4*49]) || !slices.Equal(s.Ops[35:], d.Ops[35:70]) {
		t.Error("Subset does not hold cells 3 and 1")
	}
	bad := append([]cell.NB101(nil), cs[:3]...)
	bad[2] = cell.NB101{N: 1}
	if _, err := NewDataset101(bad); err == nil || !strings.Contains(err.Error(), "cell 2") {
		t.Errorf("invalid NB101 cell: got %v, want an error naming cell 2", err)
	}
	all := cell.All201()
	d2, err := NewDataset201(all[:30])
	if err != nil || d2.N != 8 || d2.C != 7 || d2.Space != NASBench201 {
		t.Fatalf("NB201 dataset: %v, %+v", err, d2)
	}
	if _, err := NewDataset201([]cell.NB201{all[0], {}}); err == nil || !strings.Contains(err.Error(), "cell 1") {
		t.Errorf("invalid NB201 cell: got %v, want an error naming cell 1", err)
	}
}
