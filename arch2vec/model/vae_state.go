package model

import (
	"fmt"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// StateDict returns a copy of every parameter and buffer keyed by its
// PyTorch state_dict name (num_batches_tracked as a one-element float).
func (m *VAE) StateDict() map[string][]float32 {
	s := nn.State(m.params)
	for k, v := range nn.State(m.buffers) {
		s[k] = v
	}
	return s
}

// LoadStateDict copies parameters and buffers by name from state (as
// written by StateDict or converted from a PyTorch state_dict). Every
// parameter, running_mean and running_var must be present with the right
// size; num_batches_tracked is optional. Nothing is modified on error.
func (m *VAE) LoadStateDict(state map[string][]float32) error {
	var need []*nn.Param
	need = append(need, m.params...)
	for _, b := range m.buffers {
		if _, ok := state[b.Name]; ok || !isCounter(b.Name) {
			need = append(need, b)
		}
	}
	if err := nn.LoadState(need, state); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	return nil
}

func isCounter(name string) bool {
	const s = "num_batches_tracked"
	return len(name) >= len(s) && name[len(name)-len(s):] == s
}
