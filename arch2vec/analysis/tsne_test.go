package analysis

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"
)

// blobs returns c Gaussian clusters of m points each in d dimensions
// (within-cluster standard deviation 1, centres spread with standard
// deviation sep) and each point's cluster.
func blobs(seed uint64, c, m, d int, sep float64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	centres := make([]float64, c*d)
	for i := range centres {
		centres[i] = sep * rng.NormFloat64()
	}
	x := make([]float32, c*m*d)
	label := make([]int, c*m)
	for i := range c * m {
		label[i] = i % c // interleaved, so that index order says nothing
		for j := range d {
			x[i*d+j] = float32(centres[label[i]*d+j] + rng.NormFloat64())
		}
	}
	return x, label
}

// testState returns t-SNE's state for x, as TSNE prepares it.
func testState(t *testing.T, x []float32, n, d int, perplexity, theta float64) *tsneState {
	t.Helper()
	pool := newTSNEPool(n)
	t.Cleanup(pool.close)
	p, err := affinities(context.Background(), pool, x, n, d, perplexity)
	if err != nil {
		t.Fatal(err)
	}
	return newTSNEState(pool, p, n, theta)
}

// directGradient returns the gradient and KL divergence of layout y for
// the affinities p by summing over every pair: the O(N²) definition.
func directGradient(p *tsneP, y []float64) ([]float64, float64) {
	n := p.n
	dense := make([]float64, n*n)
	for i := range n {
		for e := p.rowPtr[i]; e < p.rowPtr[i+1]; e++ {
			dense[i*n+int(p.col[e])] = p.val[e]
		}
	}
	z := 0.0
	for i := range n {
		for j := range n {
			if i != j {
				dx, dy := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
				z += 1 / (1 + dx*dx + dy*dy)
			}
		}
	}
	grad := make([]float64, 2*n)
	kl := 0.0
	for i := range n {
		for j := range n {
			if i == j {
				continue
			}
			dx, dy := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
			qu := 1 / (1 + dx*dx + dy*dy)
			pij := dense[i*n+j]
			grad[2*i] += 4 * (pij - qu/z) * qu * dx
			grad[2*i+1] += 4 * (pij - qu/z) * qu * dy
			if pij > 0 {
				kl += pij * math.Log(pij/(qu/z))
			}
		}
	}
	return grad, kl
}

// randomLayout returns n 2-D points with standard deviation s.
func randomLayout(seed uint64, n int, s float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	y := make([]float64, 2*n)
	for i := range y {
		y[i] = s * rng.NormFloat64()
	}
	return y
}

func TestTSNEGradientExact(t *testing.T) {
	const n, d = 120, 5
	x, _ := blobs(3, 3, n/3, d, 4)
	st := testState(t, x, n, d, 10, 0)
	for _, tc := range []struct {
		name  string
		scale float64
	}{{"tight", 0.01}, {"spread", 3}, {"wide", 40}} {
		t.Run(tc.name, func(t *testing.T) {
			y := randomLayout(5, n, tc.scale)
			y[2], y[3] = y[0], y[1] // a duplicate point
			want, wantKL := directGradient(st.p, y)
			got := make([]float64, 2*n)
			kl := st.gradient(y, got, 1, true)
			if math.Abs(kl-wantKL) > 1e-10*math.Max(1, math.Abs(wantKL)) {
				t.Errorf("KL = %.15g, want %.15g", kl, wantKL)
			}
			if e := relErr(got, want); e > 1e-10 {
				t.Errorf("relative gradient error %g vs the O(N²) sum", e)
			}
			// Barnes–Hut at the default angle is close, not exact.
			st.theta2 = 0.25
			defer func() { st.theta2 = 0 }()
			st.gradient(y, got, 1, false)
			if e := relErr(got, want); e > 0.05 {
				t.Errorf("theta 0.5: relative gradient error %g", e)
			}
		})
	}
}

// relErr returns ‖a − b‖ / ‖b‖.
func relErr(a, b []float64) float64 {
	num, den := 0.0, 0.0
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

// The gradient is the derivative of the KL divergence the optimiser
// reports: central finite differences on a few coordinates.
func TestTSNEGradientFiniteDifference(t *testing.T) {
	const n, d = 60, 4
	x, _ := blobs(7, 2, n/2, d, 3)
	st := testState(t, x, n, d, 8, 0)
	y := randomLayout(9, n, 2)
	grad := make([]float64, 2*n)
	scratch := make([]float64, 2*n)
	st.gradient(y, grad, 1, true)
	const h = 1e-5
	for _, k := range []int{0, 1, 17, 64, 2*n - 1} {
		old := y[k]
		y[k] = old + h
		up := st.gradient(y, scratch, 1, true)
		y[k] = old - h
		down := st.gradient(y, scratch, 1, true)
		y[k] = old
		fd := (up - down) / (2 * h)
		if math.Abs(fd-grad[k]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("coordinate %d: gradient %.10g, finite difference %.10g", k, grad[k], fd)
		}
	}
}

func TestTSNEPerplexityCalibration(t *testing.T) {
	const n, d = 400, 16
	x, _ := blobs(11, 4, n/4, d, 5)
	xf := make([]float64, len(x))
	for i, v := range x {
		xf[i] = float64(v)
	}
	for _, perp := range []float64{5, 30, 50} {
		k := min(n-1, int(3*perp+1))
		h := make([]tsneNeighbor, k)
		d2, p := make([]float64, k), make([]float64, k)
		for _, i := range []int{0, 1, 133, n - 1} {
			nearest(xf, n, d, i, h)
			for m, nb := range h {
				d2[m] = nb.d2
			}
			_, entropy := calibrate(d2, p, perp)
			direct, sum := 0.0, 0.0
			for _, v := range p {
				sum += v
				if v > 0 {
					direct -= v * math.Log(v)
				}
			}
			if math.Abs(direct-math.Log(perp)) > 1e-5 || math.Abs(entropy-direct) > 1e-9 || math.Abs(sum-1) > 1e-12 {
				t.Errorf("perplexity %g point %d: entropy %.8f (reported %.8f, Σp %g), want log(perplexity) %.8f",
					perp, i, direct, entropy, sum, math.Log(perp))
			}
		}
	}
}

func TestTSNENearest(t *testing.T) {
	const n, d, k = 300, 6, 20
	x, _ := blobs(13, 3, n/3, d, 2)
	xf := make([]float64, len(x))
	for i, v := range x {
		xf[i] = float64(v)
	}
	x[5*d], xf[5*d] = x[4*d], xf[4*d] // near tie
	h := make([]tsneNeighbor, k)
	for _, i := range []int{0, 4, 5, 299} {
		nearest(xf, n, d, i, h)
		// Every point left out is at least as far as every point kept.
		kept := map[int32]bool{}
		far := 0.0
		for _, nb := range h {
			kept[nb.j] = true
			far = max(far, nb.d2)
		}
		for j := range n {
			dist := 0.0
			for c := range d {
				dist += (xf[i*d+c] - xf[j*d+c]) * (xf[i*d+c] - xf[j*d+c])
			}
			if j != i && !kept[int32(j)] && dist < far {
				t.Errorf("point %d: %d at %g left out, %g kept", i, j, dist, far)
			}
		}
		if kept[int32(i)] || len(kept) != k {
			t.Errorf("point %d: neighbours %v", i, h)
		}
	}
}

func TestTSNESymmetric(t *testing.T) {
	const n, d = 200, 8
	x, _ := blobs(17, 4, n/4, d, 3)
	st := testState(t, x, n, d, 15, 0.5)
	p := st.p
	get := func(i, j int) float64 {
		for e := p.rowPtr[i]; e < p.rowPtr[i+1]; e++ {
			if int(p.col[e]) == j {
				return p.val[e]
			}
		}
		return 0
	}
	for i := range n {
		for e := p.rowPtr[i]; e < p.rowPtr[i+1]; e++ {
			j := int(p.col[e])
			if e > p.rowPtr[i] && p.col[e-1] >= p.col[e] {
				t.Fatalf("row %d: columns not increasing", i)
			}
			if get(j, i) != p.val[e] {
				t.Fatalf("P[%d,%d] = %g, P[%d,%d] = %g", i, j, p.val[e], j, i, get(j, i))
			}
		}
	}
	if math.Abs(p.psum-1) > 1e-12 {
		t.Errorf("Σ P = %v", p.psum)
	}
}

func TestTSNEClusters(t *testing.T) {
	const c, m, d = 5, 60, 16
	x, label := blobs(19, c, m, d, 6)
	n := c * m
	y := make([]float64, 2*n)
	var calls []int
	st, err := TSNE(context.Background(), y, x, n, d, TSNEOptions{Progress: func(it int, kl float64) {
		calls = append(calls, it)
		if math.IsNaN(kl) || kl < 0 {
			t.Errorf("iteration %d: KL %v", it, kl)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Neighbors != 91 || st.Iterations < 300 || st.KL <= 0 || st.KL > 2 {
		t.Errorf("stats %+v", st)
	}
	if len(calls) == 0 || calls[0] != 50 || calls[len(calls)-1] != st.Iterations {
		t.Errorf("progress at %v, want every 50 up to %d", calls, st.Iterations)
	}
	same := 0
	for i := range n {
		best, bj := math.Inf(1), -1
		for j := range n {
			dx, dy := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
			if d2 := dx*dx + dy*dy; j != i && d2 < best {
				best, bj = d2, j
			}
		}
		if label[bj] == label[i] {
			same++
		}
	}
	if float64(same) < 0.95*float64(n) {
		t.Errorf("%d of %d points have a 2-D nearest neighbour from their cluster", same, n)
	}
}

func TestTSNEDeterministic(t *testing.T) {
	const n, d = 500, 16
	x, _ := blobs(23, 6, n/6+1, d, 3)
	x = x[:n*d]
	run := func(procs int, init TSNEInit) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		y := make([]float64, 2*n)
		if _, err := TSNE(context.Background(), y, x, n, d, TSNEOptions{Iterations: 300, Init: init, Seed: 4}); err != nil {
			t.Fatal(err)
		}
		return y
	}
	for _, init := range []TSNEInit{TSNEInitPCA, TSNEInitRandom} {
		a, b, c := run(1, init), run(2, init), run(3, init)
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) || math.Float64bits(a[i]) != math.Float64bits(c[i]) {
				t.Fatalf("init %d: coordinate %d: %v (1 proc), %v (2), %v (3)", init, i, a[i], b[i], c[i])
			}
		}
	}
}

func TestTSNECancel(t *testing.T) {
	const n, d = 2000, 16
	x, _ := blobs(29, 4, n/4, d, 3)
	y := make([]float64, 2*n)
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	_, err := TSNE(ctx, y, x, n, d, TSNEOptions{Progress: func(int, float64) { cancel() }})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "iteration 50") {
		t.Errorf("cancelled in progress: err = %v", err)
	}
	t.Logf("cancelled at iteration 50 after %v", time.Since(start))
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	start = time.Now()
	if _, err := TSNE(ctx, y, x, n, d, TSNEOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: err = %v", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("cancelled run took %v", el)
	}
}

func TestTSNEBadInput(t *testing.T) {
	x := []float32{0, 1, 2, 3, 4, 5, 6, 7}
	for _, tc := range []struct {
		name string
		x    []float32
		n, d int
		opts TSNEOptions
		want string
	}{
		{"one point", x[:2], 1, 2, TSNEOptions{}, "at least 2 points"},
		{"shape", x, 3, 2, TSNEOptions{}, "8 values for 3×2"},
		{"nan", []float32{0, 1, float32(math.NaN()), 3}, 2, 2, TSNEOptions{Perplexity: 1}, "point 1 coordinate 0 is NaN"},
		{"inf", []float32{0, 1, 2, float32(math.Inf(1))}, 2, 2, TSNEOptions{Perplexity: 1}, "point 1 coordinate 1 is +Inf"},
		{"perplexity too large", x, 4, 2, TSNEOptions{}, "perplexity 30 must be less than the number of points (4)"},
		{"negative perplexity", x, 4, 2, TSNEOptions{Perplexity: -1}, "perplexity -1"},
		{"negative theta", x, 4, 2, TSNEOptions{Perplexity: 2, Theta: -0.1}, "theta"},
		{"negative iterations", x, 4, 2, TSNEOptions{Perplexity: 2, Iterations: -3}, "-3 iterations"},
		{"init", x, 4, 2, TSNEOptions{Perplexity: 2, Init: 7}, "initialisation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := TSNE(context.Background(), make([]float64, 2*tc.n), tc.x, tc.n, tc.d, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "analysis: tsne: ") {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("short destination did not panic")
		}
	}()
	TSNE(context.Background(), make([]float64, 3), x, 4, 2, TSNEOptions{Perplexity: 2})
}

// Tiny and degenerate inputs still give a finite layout.
func TestTSNEDegenerate(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float32
		n, d int
	}{
		{"two points", []float32{0, 0, 1, 1}, 2, 2},
		{"one dimension", []float32{0, 1, 2, 3, 4}, 5, 1},
		{"identical", []float32{1, 1, 1, 1, 1, 1, 1, 1}, 4, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := make([]float64, 2*tc.n)
			if _, err := TSNE(context.Background(), y, tc.x, tc.n, tc.d, TSNEOptions{Perplexity: 1, Iterations: 300}); err != nil {
				t.Fatal(err)
			}
			for _, v := range y {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("layout %v", y)
				}
			}
		})
	}
}

// The iteration loop allocates nothing: a longer run allocates as much as
// a shorter one.
func TestTSNEIterationsDoNotAllocate(t *testing.T) {
	const n, d = 300, 8
	x, _ := blobs(31, 3, n/3, d, 3)
	y := make([]float64, 2*n)
	allocs := func(iters int) float64 {
		return testing.AllocsPerRun(2, func() {
			if _, err := TSNE(context.Background(), y, x, n, d, TSNEOptions{Iterations: iters}); err != nil {
				t.Fatal(err)
			}
		})
	}
	short, long := allocs(60), allocs(260)
	if long > short+2 {
		t.Errorf("%v allocations for 260 iterations, %v for 60", long, short)
	}
}

func TestScaleToUnit(t *testing.T) {
	for _, tc := range []struct {
		name         string
		layout       []float64
		wantX, wantY []float64
	}{
		{"paper", []float64{2, -1, -4, 0.5, 1, 0.25}, []float64{0.5, -1, 0.25}, []float64{-1, 0.5, 0.25}},
		{"zero axis", []float64{0, 3, 0, -6}, []float64{0, 0}, []float64{0.5, -1}},
		{"nan kept", []float64{math.NaN(), 1, 2, 2}, []float64{math.NaN(), 1}, []float64{0.5, 1}},
		{"empty", nil, []float64{}, []float64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y := ScaleToUnit(tc.layout)
			same := func(a, b []float64) bool {
				if len(a) != len(b) {
					return false
				}
				for i := range a {
					if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
						return false
					}
				}
				return true
			}
			if !same(x, tc.wantX) || !same(y, tc.wantY) {
				t.Errorf("ScaleToUnit(%v) = %v, %v; want %v, %v", tc.layout, x, y, tc.wantX, tc.wantY)
			}
		})
	}
}
