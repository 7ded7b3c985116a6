package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/arch2vec/arch2vec/arch2vec/atomicfile"
	"math"
	"math/rand/v2"
	"os"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// CheckpointMagic opens every checkpoint file.
const CheckpointMagic = "A2VCKPT\x00"

// CheckpointVersion is the version of the format written by [Trainer.Save].
const CheckpointVersion = 1

// ErrCheckpoint is wrapped by every error about the content of a
// checkpoint file (as opposed to I/O errors).
var ErrCheckpoint = errors.New("model: bad checkpoint")

// Tensor kinds in a checkpoint.
const (
	kindParam  = 0 // trainable parameter
	kindBuffer = 1 // BatchNorm running statistic
	kindAdamM  = 2 // Adam first moment of the parameter of that name
	kindAdamV  = 3 // Adam second moment
)

var kindNames = [...]string{"parameter", "buffer", "adam first moment", "adam second moment"}

// ckptHeader is the JSON part of a checkpoint: everything but the tensors.
type ckptHeader struct {
	Space    Space        `json:"space"`
	Config   Config       `json:"config"`
	DataLen  int          `json:"data_len"`
	DataSum  string       `json:"data_sum"`
	Epoch    int          `json:"epoch"`
	Batch    int          `json:"batch"`
	LossSum  float64      `json:"loss_sum"`
	Z        latentStats  `json:"z"`
	Seconds  float64      `json:"seconds"`
	History  []EpochStats `json:"history"`
	RNG      []byte       `json:"rng"`
	AdamStep int          `json:"adam_step"`
}

// tensor is one named array read from a checkpoint.
type tensor struct {
	shape []int
	data  []float32
}

// Save writes the trainer's complete state to path, atomically: the file
// is written to a temporary file in the same directory, synced, renamed
// over path, and the directory is synced. The format (little-endian):
//
//	"A2VCKPT\x00"  magic, 8 bytes
//	uint32         version (CheckpointVersion)
//	uint64         payload length
//	payload:       uint32 length + JSON header (space, resolved config,
//	               dataset size and checksum, epoch, position in the epoch, loss sum and
//	               μ statistics of the epoch so far, history, PCG state from
//	               MarshalBinary, Adam step count); uint32 tensor count; per
//	               tensor: uint16 name length, name, uint8 kind (parameter,
//	               buffer, Adam m, Adam v), uint8 rank, uint32 dims, float32
//	               values
//	[32]byte       SHA-256 of everything before it
//
// The split permutations are not stored: they are recomputed from the
// seed and the dataset size, both of which are.
func (t *Trainer) Save(path string) error {
	b, err := t.marshal()
	if err != nil {
		return fmt.Errorf("model: save checkpoint %s: %w", path, err)
	}
	if err := atomicfile.WriteBytes(path, 0o644, b); err != nil {
		return fmt.Errorf("model: save checkpoint: %w", err)
	}
	return nil
}

// marshal encodes the trainer's state in the checkpoint format.
func (t *Trainer) marshal() ([]byte, error) {
	rng, err := t.pcg.MarshalBinary()
	if err != nil {
		return nil, err
	}
	st := t.opt.State()
	if t.dataSum == "" {
		t.dataSum = t.data.Sum()
	}
	h := ckptHeader{Space: t.cfg.Space, Config: t.cfg, DataLen: t.data.Len, DataSum: t.dataSum, Epoch: t.epoch, Batch: t.batch,
		LossSum: t.lossSum, Z: t.z, Seconds: t.seconds, History: t.history, RNG: rng, AdamStep: st.Step}
	js, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var p bytes.Buffer
	le := binary.LittleEndian
	p.Write(le.AppendUint32(nil, uint32(len(js))))
	p.Write(js)
	params, bufs := t.model.Params(), t.model.Buffers()
	n := len(params) + len(bufs)
	if st.Step > 0 {
		n += 2 * len(params)
	}
	p.Write(le.AppendUint32(nil, uint32(n)))
	put := func(kind byte, q *nn.Param, data []float32) {
		p.Write(le.AppendUint16(nil, uint16(len(q.Name))))
		p.WriteString(q.Name)
		p.WriteByte(kind)
		p.WriteByte(byte(len(q.Shape)))
		for _, d := range q.Shape {
			p.Write(le.AppendUint32(nil, uint32(d)))
		}
		buf := make([]byte, 4*len(data))
		for i, x := range data {
			le.PutUint32(buf[4*i:], math.Float32bits(x))
		}
		p.Write(buf)
	}
	for _, q := range params {
		put(kindParam, q, q.Data)
	}
	for _, q := range bufs {
		put(kindBuffer, q, q.Data)
	}
	if st.Step > 0 {
		for i, q := range params {
			put(kindAdamM, q, st.M[i])
			put(kindAdamV, q, st.V[i])
		}
	}
	out := make([]byte, 0, 20+p.Len()+sha256.Size)
	out = append(out, CheckpointMagic...)
	out = le.AppendUint32(out, CheckpointVersion)
	out = le.AppendUint64(out, uint64(p.Len()))
	out = append(out, p.Bytes()...)
	sum := sha256.Sum256(out)
	return append(out, sum[:]...), nil
}

// LoadTrainer restores a Trainer saved with [Trainer.Save], to continue
// training on data with hooks. data must be the dataset the checkpoint was
// made with: same space, size and cells in the same order (checked by
// [Dataset.Sum]).
// Errors about the file's content wrap [ErrCheckpoint] and say what is
// wrong: bad magic, unsupported version, truncation, checksum mismatch,
// wrong space or size, a missing or mis-shaped tensor.
func LoadTrainer(path string, data *Dataset, hooks Hooks) (*Trainer, error) {
	h, ts, err := readCheckpoint(path)
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("model: load checkpoint %s: %w: %s", path, ErrCheckpoint, fmt.Sprintf(format, args...))
	}
	if data.Space != h.Space {
		return nil, bad("trained on %v, dataset is %v", h.Space, data.Space)
	}
	if data.Len != h.DataLen {
		return nil, bad("trained on %d cells, dataset has %d", h.DataLen, data.Len)
	}
	if sum := data.Sum(); sum != h.DataSum {
		return nil, bad("trained on other cells (dataset checksum %.12s…, this dataset %.12s…)", h.DataSum, sum)
	}
	t, err := newTrainer(h.Config, data, hooks)
	if err != nil {
		return nil, bad("%v", err)
	}
	t.dataSum = h.DataSum
	if t.model, err = buildModel(h.Config, ts); err != nil {
		return nil, bad("%v", err)
	}
	if err := t.pcg.UnmarshalBinary(h.RNG); err != nil {
		return nil, bad("random state: %v", err)
	}
	if h.AdamStep > 0 {
		params := t.model.Params()
		st := nn.AdamState{Step: h.AdamStep, M: make([][]float32, len(params)), V: make([][]float32, len(params))}
		for i, q := range params {
			m, err := lookup(ts, kindAdamM, q)
			if err != nil {
				return nil, bad("%v", err)
			}
			v, err := lookup(ts, kindAdamV, q)
			if err != nil {
				return nil, bad("%v", err)
			}
			st.M[i], st.V[i] = m.data, v.data
		}
		if err := t.opt.SetState(st, params); err != nil {
			return nil, bad("%v", err)
		}
	}
	nb := t.batches()
	if h.Epoch != len(h.History) || h.Batch < 0 || h.Batch > nb {
		return nil, bad("position epoch %d batch %d does not fit %d history entries and %d batches per epoch", h.Epoch, h.Batch, len(h.History), nb)
	}
	if w := len(h.Z.Shift); w != 0 && (w != data.N*t.cfg.Latent || len(h.Z.Sum) != w || len(h.Z.SumSq) != w) {
		return nil, bad("latent statistics of %d/%d/%d values, want %d", w, len(h.Z.Sum), len(h.Z.SumSq), data.N*t.cfg.Latent)
	}
	t.epoch, t.batch, t.lossSum, t.z, t.seconds, t.history = h.Epoch, h.Batch, h.LossSum, h.Z, h.Seconds, h.History
	return t, nil
}

// LoadModel reads only the network of a checkpoint, for embedding or
// evaluation, with its resolved configuration. Errors are as for
// [LoadTrainer].
func LoadModel(path string) (*VAE, Config, error) {
	h, ts, err := readCheckpoint(path)
	if err != nil {
		return nil, Config{}, err
	}
	m, err := buildModel(h.Config, ts)
	if err != nil {
		return nil, Config{}, fmt.Errorf("model: load checkpoint %s: %w: %v", path, ErrCheckpoint, err)
	}
	return m, h.Config, nil
}

// buildModel creates the network of cfg and fills every parameter and
// buffer from ts, checking names and shapes.
func buildModel(cfg Config, ts map[byte]map[string]tensor) (*VAE, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	// Check the sizes the config implies against tensors present in the
	// file before allocating the network, so that a damaged config cannot
	// ask for more memory than the file holds.
	c := cfg.Resolved()
	for _, p := range []*nn.Param{{Name: "eps", Shape: []int{c.Layers}}, {Name: "fc1.weight", Shape: []int{c.Latent, c.Hidden}},
		{Name: "mlps.0.linears.0.weight", Shape: []int{c.Hidden, c.InputDim}}} {
		if _, err := lookup(ts, kindParam, p); err != nil {
			return nil, err
		}
	}
	m := NewVAE(vaeConfig(c), rand.New(rand.NewPCG(0, 0)))
	for kind, list := range [][]*nn.Param{kindParam: m.Params(), kindBuffer: m.Buffers()} {
		for _, q := range list {
			v, err := lookup(ts, byte(kind), q)
			if err != nil {
				return nil, err
			}
			copy(q.Data, v.data)
		}
	}
	return m, nil
}

// lookup finds the tensor of kind named like q and checks its shape.
func lookup(ts map[byte]map[string]tensor, kind byte, q *nn.Param) (tensor, error) {
	v, ok := ts[kind][q.Name]
	if !ok {
		return v, fmt.Errorf("%s %q missing", kindNames[kind], q.Name)
	}
	if fmt.Sprint(v.shape) != fmt.Sprint(q.Shape) {
		return v, fmt.Errorf("%s %q has shape %v, want %v", kindNames[kind], q.Name, v.shape, q.Shape)
	}
	return v, nil
}

// readCheckpoint reads and verifies a checkpoint file: magic, version,
// length, checksum, then the header and the tensors by kind and name.
func readCheckpoint(path string) (ckptHeader, map[byte]map[string]tensor, error) {
	var h ckptHeader
	b, err := os.ReadFile(path)
	if err != nil {
		return h, nil, fmt.Errorf("model: load checkpoint: %w", err)
	}
	h, ts, err := parseCheckpoint(b)
	if err != nil {
		return h, nil, fmt.Errorf("model: load checkpoint %s: %w: %s", path, ErrCheckpoint, err)
	}
	return h, ts, nil
}

// parseCheckpoint decodes a checkpoint held in memory. Its errors name
// what is wrong; the caller wraps them with ErrCheckpoint.
func parseCheckpoint(b []byte) (ckptHeader, map[byte]map[string]tensor, error) {
	var h ckptHeader
	le := binary.LittleEndian
	const head = len(CheckpointMagic) + 4 + 8
	if len(b) < len(CheckpointMagic) || string(b[:len(CheckpointMagic)]) != CheckpointMagic {
		return h, nil, errors.New("not a checkpoint (bad magic)")
	}
	if len(b) < head {
		return h, nil, fmt.Errorf("truncated: %d bytes", len(b))
	}
	if v := le.Uint32(b[8:]); v != CheckpointVersion {
		return h, nil, fmt.Errorf("unsupported version %d (this build reads version %d)", v, CheckpointVersion)
	}
	n := le.Uint64(b[12:])
	if want := uint64(head) + n + sha256.Size; uint64(len(b)) != want {
		return h, nil, fmt.Errorf("truncated or padded: %d bytes, header says %d", len(b), want)
	}
	end := head + int(n)
	if sum := sha256.Sum256(b[:end]); !bytes.Equal(sum[:], b[end:]) {
		return h, nil, errors.New("checksum mismatch (file corrupted)")
	}
	r := reader{b: b[head:end]}
	js := r.bytes(int(r.u32()))
	if r.err == nil {
		if err := json.Unmarshal(js, &h); err != nil {
			return h, nil, fmt.Errorf("header: %v", err)
		}
	}
	ts := map[byte]map[string]tensor{}
	count := int(r.u32())
	for i := 0; i < count && r.err == nil; i++ {
		name := string(r.bytes(int(r.u16())))
		kind, rank := r.u8(), int(r.u8())
		shape := make([]int, rank)
		size := 1
		for k := range shape {
			shape[k] = int(r.u32())
			if size *= shape[k]; size > len(r.b)/4 {
				return h, nil, fmt.Errorf("tensor %q: shape %v larger than the file", name, shape[:k+1])
			}
		}
		raw := r.bytes(4 * size)
		if r.err != nil {
			break
		}
		if int(kind) >= len(kindNames) {
			return h, nil, fmt.Errorf("tensor %q: unknown kind %d", name, kind)
		}
		data := make([]float32, size)
		for k := range data {
			data[k] = math.Float32frombits(le.Uint32(raw[4*k:]))
		}
		if ts[kind] == nil {
			ts[kind] = map[string]tensor{}
		}
		ts[kind][name] = tensor{shape, data}
	}
	if r.err != nil {
		return h, nil, r.err
	}
	if len(r.b) != 0 {
		return h, nil, fmt.Errorf("%d bytes after the last tensor", len(r.b))
	}
	return h, ts, nil
}

// reader decodes little-endian values from b, recording the first
// overrun in err (later reads return zeros).
type reader struct {
	b   []byte
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = fmt.Errorf("payload ends early: want %d bytes, %d left", n, len(r.b))
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() byte {
	if v := r.bytes(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if v := r.bytes(2); v != nil {
		return binary.LittleEndian.Uint16(v)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if v := r.bytes(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}
