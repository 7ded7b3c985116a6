package nn

import (
	"math"
	"math/rand/v2"
)

// ReLUInPlace sets x[i] = max(x[i], 0) (−0 becomes +0, NaN stays NaN
// unless its sign bit is set). It is branch-free: the signs of activations
// are random, so a branch would mispredict half the time.
func ReLUInPlace(x []float32) {
	for i, v := range x {
		b := math.Float32bits(v)
		x[i] = math.Float32frombits(b &^ uint32(int32(b)>>31))
	}
}

// ReLUBackwardInPlace zeroes dy where the ReLU output y is zero (torch
// threshold_backward on the result; y is never negative).
func ReLUBackwardInPlace(dy, y []float32) {
	checkLen("relu backward y", y, len(dy))
	y = y[:len(dy)]
	for i, v := range y {
		// bits−1 has its sign bit set exactly when y is +0.
		zero := uint32(int32(math.Float32bits(v)-1) >> 31)
		dy[i] = math.Float32frombits(math.Float32bits(dy[i]) &^ zero)
	}
}

// SigmoidTo sets dst[i] = 1/(1+exp(−x[i])) in float32 arithmetic, as
// PyTorch's CPU kernel does: exp(−x) overflows to +Inf below x ≈ −88.7, so
// the result is exactly 0 there (not a denormal), and near 1 it is rounded
// the way the reference rounds. dst may alias x.
func SigmoidTo(dst, x []float32) {
	checkLen("sigmoid dst", dst, len(x))
	for i, v := range x {
		dst[i] = Sigmoid(v)
	}
}

// Sigmoid is the float32 logistic function of [SigmoidTo].
func Sigmoid(x float32) float32 {
	e := float32(math.Exp(-float64(x)))
	return 1 / (1 + e)
}

// SigmoidBackwardTo sets dx[i] = dy[i]·y[i]·(1−y[i]) from the sigmoid
// output y. dx may alias dy.
func SigmoidBackwardTo(dx, dy, y []float32) {
	checkLen("sigmoid backward dx", dx, len(dy))
	checkLen("sigmoid backward y", y, len(dy))
	for i, g := range dy {
		dx[i] = g * (1 - y[i]) * y[i]
	}
}

// DropoutMask fills mask for inverted dropout with drop probability p:
// each entry is 0 with probability p and 1/(1−p) otherwise, one rng.Float64
// draw per entry in order. With p ≥ 1 the mask is all zero; with p ≤ 0 it is
// all one and rng is not used.
func DropoutMask(mask []float32, p float32, rng *rand.Rand) {
	switch {
	case p <= 0:
		for i := range mask {
			mask[i] = 1
		}
		return
	case p >= 1:
		clear(mask)
		return
	}
	scale := 1 / (1 - p)
	for i := range mask {
		if rng.Float64() < float64(p) {
			mask[i] = 0
		} else {
			mask[i] = scale
		}
	}
}

// MulTo sets dst[i] = x[i]·y[i]; dst may alias either input.
func MulTo(dst, x, y []float32) {
	checkLen("mul dst", dst, len(x))
	checkLen("mul y", y, len(x))
	for i, v := range x {
		dst[i] = v * y[i]
	}
}
