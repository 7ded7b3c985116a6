package nn

import "fmt"

// Param is one named tensor: a trainable parameter (with Grad) or a buffer
// such as a BatchNorm running statistic (Grad nil). Data is row-major in the
// order of Shape, exactly as PyTorch's state_dict stores it, so a Linear
// weight is Out×In.
type Param struct {
	Name  string    // PyTorch state_dict name, e.g. "mlps.0.linears.1.weight"
	Shape []int     // tensor shape; empty for a scalar
	Data  []float32 // values, len = product of Shape
	Grad  []float32 // gradient of the last backward pass, same length as Data; nil for buffers
}

// NewParam returns a zero parameter with a gradient buffer.
func NewParam(name string, shape ...int) *Param {
	p := NewBuffer(name, shape...)
	p.Grad = make([]float32, len(p.Data))
	return p
}

// NewBuffer returns a zero tensor without a gradient buffer.
func NewBuffer(name string, shape ...int) *Param {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return &Param{Name: name, Shape: append([]int(nil), shape...), Data: make([]float32, n)}
}

// Len is the number of elements.
func (p *Param) Len() int { return len(p.Data) }

// ZeroGrad sets the gradient to zero.
func (p *Param) ZeroGrad() { clear(p.Grad) }

// CountParams is the total number of elements of params.
func CountParams(params []*Param) int {
	n := 0
	for _, p := range params {
		n += len(p.Data)
	}
	return n
}

// LoadState copies values by name from state into params. Every param must
// be present with the right length; extra entries in state are ignored.
// It returns an error naming the first missing or mis-sized entry.
func LoadState(params []*Param, state map[string][]float32) error {
	for _, p := range params {
		v, ok := state[p.Name]
		if !ok {
			return fmt.Errorf("nn: load state: missing %q", p.Name)
		}
		if len(v) != len(p.Data) {
			return fmt.Errorf("nn: load state: %q has %d values, want %d", p.Name, len(v), len(p.Data))
		}
	}
	for _, p := range params {
		copy(p.Data, state[p.Name])
	}
	return nil
}

// State returns a copy of the values of params keyed by name.
func State(params []*Param) map[string][]float32 {
	m := make(map[string][]float32, len(params))
	for _, p := range params {
		m[p.Name] = append([]float32(nil), p.Data...)
	}
	return m
}

func checkLen(what string, s []float32, n int) {
	if len(s) < n {
		panic(fmt.Sprintf("nn: %s: length %d, want at least %d", what, len(s), n))
	}
}

// grow returns s resliced to n elements, reallocating only when the
// capacity is too small. Contents are not preserved on reallocation.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
