//go:build !amd64

package nn

func csrVector(c []float32, rows, n int, ptr, col []int32, val, b, bias, al, be []float32, relu bool) bool {
	return false
}
