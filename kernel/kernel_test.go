package kernel_test

import (
	"testing"

	"github.com/arch2vec/arch2vec/kernel/kerneltest"
)

// TestConformanceMemory runs the shared conformance table over the
// in-memory transport.
func TestConformanceMemory(t *testing.T) {
	kerneltest.RunConformance(t, kerneltest.StartMemory)
}
