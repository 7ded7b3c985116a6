package commands

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/model"
)

// The MODL section of a workspace file (see wssections.go for its
// layout). The network is stored as its state_dict, since the workspace
// holds a trained model, not the Trainer whose checkpoint format
// model.Trainer.Save writes.

// encodeModel encodes the MODL section.
func encodeModel(tr *trained, onCells bool) ([]byte, error) {
	cfg, err := json.Marshal(tr.result.Config)
	if err != nil {
		return nil, fmt.Errorf("model configuration: %w", err)
	}
	hist, err := json.Marshal(tr.result.History)
	if err != nil {
		return nil, fmt.Errorf("training history: %w", err)
	}
	e := &wsEnc{}
	e.u8(b2u(onCells))
	e.str(tr.saved)
	e.str(string(cfg))
	e.str(string(hist))
	e.f64s(tr.batches)
	m := tr.result.Model
	vc := m.Config()
	for _, v := range []int{vc.InputDim, vc.HiddenDim, vc.LatentDim, vc.Layers} {
		e.u32(uint32(v))
	}
	e.u32(math.Float32bits(vc.Dropout))
	sd := m.StateDict()
	e.u32(uint32(len(sd)))
	for _, name := range slices.Sorted(maps.Keys(sd)) {
		e.str(name)
		e.f32s(sd[name])
	}
	return e.b, nil
}

// maxDim bounds every size of a saved network, so that products of sizes
// cannot overflow before they are checked against the tensors present.
const maxDim = 1 << 20

// decodeModel decodes the MODL section into a model usable for %embed.
func decodeModel(p []byte, cs *cellSet) (*trained, error) {
	d := &wsDec{b: p}
	onCells := d.u8()
	tr := &trained{saved: d.str()}
	cfgJSON, histJSON := d.take(int(d.u32())), d.take(int(d.u32()))
	tr.batches = d.f64s()
	var vc model.VAEConfig
	dims := []*int{&vc.InputDim, &vc.HiddenDim, &vc.LatentDim, &vc.Layers}
	for _, p := range dims {
		*p = int(d.u32())
	}
	vc.Dropout = math.Float32frombits(d.u32())
	state := map[string][]float32{}
	for k := int(d.u32()); k > 0 && d.err == nil; k-- {
		name := d.str()
		state[name] = d.f32s()
	}
	if err := d.done(); err != nil {
		return nil, err
	}
	res := &model.Result{}
	if err := json.Unmarshal(cfgJSON, &res.Config); err != nil {
		return nil, fmt.Errorf("configuration: %v", err)
	}
	if err := res.Config.Validate(); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	if err := json.Unmarshal(histJSON, &res.History); err != nil {
		return nil, fmt.Errorf("history: %v", err)
	}
	tr.space = bench.Space101
	if res.Config.Space == model.NASBench201 {
		tr.space = bench.Space201
	}
	switch {
	case onCells > 1:
		return nil, fmt.Errorf("bad flag %d", onCells)
	case onCells == 1 && cs == nil:
		return nil, fmt.Errorf("trained on the file's cells, but it has none")
	case onCells == 1 && cs.space != tr.space:
		return nil, fmt.Errorf("space mismatch: a %s model trained on the file's %s cells", tr.space, cs.space)
	case onCells == 1:
		tr.cells = cs
	}
	c := res.Config.Resolved()
	if vc.InputDim != c.InputDim || vc.HiddenDim != c.Hidden || vc.LatentDim != c.Latent || vc.Layers != c.Layers {
		return nil, fmt.Errorf("network sizes %d/%d/%d/%d do not match the configuration %d/%d/%d/%d",
			vc.InputDim, vc.HiddenDim, vc.LatentDim, vc.Layers, c.InputDim, c.Hidden, c.Latent, c.Layers)
	}
	for _, p := range dims {
		if *p < 1 || *p > maxDim {
			return nil, fmt.Errorf("network size %d out of range", *p)
		}
	}
	// Check the tensors the sizes imply before building the network, so a
	// damaged file cannot ask for more memory than it holds.
	need := map[string]int{"eps": vc.Layers, "fc1.weight": vc.LatentDim * vc.HiddenDim,
		"mlps.0.linears.0.weight": vc.HiddenDim * vc.InputDim}
	for l := range vc.Layers {
		need[fmt.Sprintf("mlps.%d.linears.1.weight", l)] = vc.HiddenDim * vc.HiddenDim
		if l == 0 && len(state["eps"]) != vc.Layers {
			break // a wrong layer count: reported below, without looping over it
		}
	}
	for _, name := range slices.Sorted(maps.Keys(need)) {
		if len(state[name]) != need[name] {
			return nil, fmt.Errorf("tensor %q has %d values, want %d", name, len(state[name]), need[name])
		}
	}
	res.Model = model.NewVAE(vc, rand.New(rand.NewPCG(0, 0)))
	if err := res.Model.LoadStateDict(state); err != nil {
		return nil, err
	}
	tr.result = res
	return tr, nil
}
