package search

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/optimize"
)

// simplexConverger gives gonum's Nelder–Mead scipy fmin's stopping rule:
//
//	max_i ‖x_i − x_0‖_∞ ≤ xtol  and  max_i |f_i − f_0| ≤ ftol
//
// over the whole simplex. gonum's Converger sees only the best vertex, so
// this one keeps a mirror of the simplex: the objective logs every
// evaluation, and at each major iteration the mirror replays the step
// gonum's NelderMead took (reflection, expansion, contraction or shrink —
// which one is determined by the number of evaluations and the reflected
// value, exactly as in optimize/neldermead.go). If a batch of evaluations
// fits no step (which would mean a different method), the mirror stops
// tracking and the test never fires; the iteration limits still apply.
type simplexConverger struct {
	xtol, ftol float64
	verts      [][]float64
	vals       []float64
	pendX      [][]float64
	pendF      []float64
	first      bool
	lost       bool
}

var _ optimize.Converger = (*simplexConverger)(nil)

// init sets the initial simplex.
func (c *simplexConverger) init(verts [][]float64, vals []float64) {
	c.verts = make([][]float64, len(verts))
	for i, v := range verts {
		c.verts[i] = append([]float64(nil), v...)
	}
	c.vals = append([]float64(nil), vals...)
	c.sort()
}

// log records one evaluation of the objective.
func (c *simplexConverger) log(x []float64, f float64) {
	c.pendX = append(c.pendX, append([]float64(nil), x...))
	c.pendF = append(c.pendF, f)
}

// Init implements optimize.Converger.
func (c *simplexConverger) Init(dim int) { c.first = true }

// Converged implements optimize.Converger; it is called at every major
// iteration, after the evaluations of that iteration.
func (c *simplexConverger) Converged(*optimize.Location) optimize.Status {
	if !c.first {
		c.replay()
	}
	c.first = false
	c.pendX, c.pendF = c.pendX[:0], c.pendF[:0]
	if c.lost {
		return optimize.NotTerminated
	}
	for i := 1; i < len(c.verts); i++ {
		if !(math.Abs(c.vals[i]-c.vals[0]) <= c.ftol) {
			return optimize.NotTerminated
		}
		for j, v := range c.verts[i] {
			if !(math.Abs(v-c.verts[0][j]) <= c.xtol) {
				return optimize.NotTerminated
			}
		}
	}
	return optimize.FunctionConvergence
}

// replay applies the pending evaluations to the mirror simplex.
func (c *simplexConverger) replay() {
	n := len(c.verts) - 1
	e, f := c.pendX, c.pendF
	switch {
	case len(e) == 0: // gonum's start-up major iterations
	case len(e) == 1: // reflection accepted
		c.replaceWorst(e[0], f[0])
	case len(e) == 2 && f[0] < c.vals[0]: // expansion tried
		if f[1] < f[0] {
			c.replaceWorst(e[1], f[1])
		} else {
			c.replaceWorst(e[0], f[0])
		}
	case len(e) == 2: // contraction accepted
		c.replaceWorst(e[1], f[1])
	case len(e) == n+2: // contraction rejected, simplex shrunk towards the best
		for i := 1; i <= n; i++ {
			c.verts[i], c.vals[i] = e[i+1], f[i+1]
		}
		c.sort()
	default:
		c.lost = true
	}
}

func (c *simplexConverger) replaceWorst(x []float64, f float64) {
	n := len(c.verts) - 1
	c.verts[n], c.vals[n] = append(c.verts[n][:0], x...), f
	for i := n - 1; i >= 0 && c.vals[i] >= f; i-- {
		c.verts[i], c.verts[i+1] = c.verts[i+1], c.verts[i]
		c.vals[i], c.vals[i+1] = c.vals[i+1], c.vals[i]
	}
}

func (c *simplexConverger) sort() { sort.Sort(vertexSorter{c}) }

type vertexSorter struct{ c *simplexConverger }

func (s vertexSorter) Len() int           { return len(s.c.vals) }
func (s vertexSorter) Less(i, j int) bool { return s.c.vals[i] < s.c.vals[j] }
func (s vertexSorter) Swap(i, j int) {
	s.c.vals[i], s.c.vals[j] = s.c.vals[j], s.c.vals[i]
	s.c.verts[i], s.c.verts[j] = s.c.verts[j], s.c.verts[i]
}
