// Package gradcheck compares analytic gradients of float32 networks with
// central finite differences, for the tests of the packages that write
// backward passes by hand (arch2vec/model, arch2vec/supervised).
package gradcheck

import (
	"math"

	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// Entry checks one gradient entry: the analytic derivative ana of loss
// with respect to p.Data[j] against central differences with each step
// in turn, the closest one counting. It restores p.Data[j] and reports
// whether some step agrees within 5 % relative (+2e-5 absolute), the
// absolute difference of the closest step and its numeric derivative.
// Steps in float32 are taken as actually represented (v±h rounded).
func Entry(p *nn.Param, j int, ana float64, loss func() float64, steps ...float32) (ok bool, diff, num float64) {
	diff = math.Inf(1)
	for _, h := range steps {
		v := p.Data[j]
		p.Data[j] = v + h
		fp := loss()
		p.Data[j] = v - h
		fm := loss()
		p.Data[j] = v
		n := (fp - fm) / (float64(v+h) - float64(v-h))
		if e := math.Abs(n - ana); e < diff {
			diff, num = e, n
		}
		if diff <= 5e-2*math.Abs(num)+2e-5 {
			return true, diff, num
		}
	}
	return false, diff, num
}
