package model

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// containsAll reports whether s contains every one of subs.
func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// TestCheckpointCorrupt damages a valid checkpoint in several ways; each
// must give an ErrCheckpoint error that says what is wrong.
func TestCheckpointCorrupt(t *testing.T) {
	d := trData101(t, 100, 7)
	tr, _ := NewTrainer(Config{Epochs: 1, ValiditySamples: -1}, d, Hooks{})
	if _, err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := dir + "/good"
	if err := tr.Save(good); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d files after Save, want 1 (no temporary left)", len(entries))
	}
	edit := func(f func(b []byte) []byte) []byte { return f(slices.Clone(raw)) }
	d201, err := NewDataset201(cell.All201()[:100])
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		file []byte
		data *Dataset
		want string
	}{
		{"empty", nil, d, "bad magic"},
		{"bad magic", edit(func(b []byte) []byte { b[0] = 'X'; return b }), d, "bad magic"},
		{"wrong version", edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 99); return b }), d, "unsupported version 99"},
		{"truncated header", raw[:15], d, "truncated"},
		{"truncated", raw[:len(raw)-100], d, "truncated"},
		{"flipped byte", edit(func(b []byte) []byte { b[len(b)/2] ^= 0x10; return b }), d, "checksum mismatch"},
		{"flipped checksum", edit(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), d, "checksum mismatch"},
		{"other space", raw, d201, "trained on nasbench101, dataset is nasbench201"},
		{"other size", raw, trData101(t, 90, 7), "trained on 100 cells, dataset has 90"},
		{"other cells", raw, trData101(t, 100, 99), "trained on other cells"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := dir + "/" + strings.ReplaceAll(tc.name, " ", "_")
			if err := os.WriteFile(path, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadTrainer(path, tc.data, Hooks{})
			if !errors.Is(err, ErrCheckpoint) || !containsAll(err.Error(), tc.want, path) {
				t.Errorf("got %v, want an ErrCheckpoint naming %q and the path", err, tc.want)
			}
		})
	}
	if _, err := LoadTrainer(dir+"/missing", d, Hooks{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v, want os.ErrNotExist", err)
	}
}

// TestCheckpointTensors checks the tensor-level errors (a missing or
// mis-shaped tensor) by editing a parsed checkpoint, and that LoadModel
// restores the exact network.
func TestCheckpointTensors(t *testing.T) {
	d := trData101(t, 100, 8)
	tr, _ := NewTrainer(Config{Epochs: 1, ValiditySamples: -1}, d, Hooks{})
	if _, err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/c"
	if err := tr.Save(path); err != nil {
		t.Fatal(err)
	}
	m, cfg, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg != tr.Config() {
		t.Errorf("config %v, want %v", cfg, tr.Config())
	}
	trSameModel(t, "LoadModel", tr.Model(), m)

	b, _ := tr.marshal()
	h, ts, err := parseCheckpoint(b)
	if err != nil {
		t.Fatal(err)
	}
	delete(ts[kindParam], "fc1.weight")
	if _, err := buildModel(h.Config, ts); err == nil || !containsAll(err.Error(), `parameter "fc1.weight" missing`) {
		t.Errorf("missing tensor: got %v", err)
	}
	_, ts, _ = parseCheckpoint(b)
	v := ts[kindBuffer]["batch_norms.0.running_mean"]
	v.shape = []int{64}
	ts[kindBuffer]["batch_norms.0.running_mean"] = v
	if _, err := buildModel(h.Config, ts); err == nil || !containsAll(err.Error(), "running_mean", "shape [64], want [128]") {
		t.Errorf("mis-shaped tensor: got %v", err)
	}
}

// FuzzParseCheckpoint feeds arbitrary payloads, wrapped in a valid magic,
// version, length and checksum so that they reach the parser, and
// arbitrary whole files: neither may panic, and a parsed payload must
// either build a model or give an error.
func FuzzParseCheckpoint(f *testing.F) {
	d := trData101(f, 30, 14)
	tr, _ := NewTrainer(Config{Epochs: 1, ValiditySamples: -1, Hidden: 8, Latent: 4, Layers: 1}, d, Hooks{})
	if _, err := tr.Run(context.Background()); err != nil {
		f.Fatal(err)
	}
	good, err := tr.marshal()
	if err != nil {
		f.Fatal(err)
	}
	head := len(CheckpointMagic) + 12
	f.Add(good[head:len(good)-32], false)
	f.Add(good, true)
	f.Add([]byte{}, false)
	f.Add([]byte("\x02\x00\x00\x00{}\x01\x00\x00\x00\x01\x00x\x00\x02\xff\xff\xff\xff\xff\xff\xff\xff"), false)
	f.Fuzz(func(t *testing.T, b []byte, whole bool) {
		if !whole {
			b = wrapPayload(b)
		}
		h, ts, err := parseCheckpoint(b)
		if err != nil {
			return
		}
		if m, err := buildModel(h.Config, ts); err == nil && m == nil {
			t.Fatal("buildModel: nil model without error")
		}
	})
}

// wrapPayload frames a payload as a checkpoint with a valid header and
// checksum.
func wrapPayload(p []byte) []byte {
	out := append([]byte(CheckpointMagic), binary.LittleEndian.AppendUint32(nil, CheckpointVersion)...)
	out = binary.LittleEndian.AppendUint64(out, uint64(len(p)))
	out = append(out, p...)
	sum := sha256.Sum256(out)
	return append(out, sum[:]...)
}
