package bench

import (
	_ "embed"
	"fmt"
	"sync"
)

//go:generate go test -run ^TestEmbeddedUpToDate$ -update

// Embedded tables, regenerated from the shared data files by
// "go generate" (which runs TestEmbeddedUpToDate with -update); the test
// fails when they drift from the sources.
var (
	//go:embed nb201.bin.gz
	nb201Bin []byte
	//go:embed nb101sub.bin.gz
	nb101SubBin []byte
)

// Names of the embedded files.
const (
	embeddedNB201     = "nb201.bin.gz"
	embeddedSubset101 = "nb101sub.bin.gz"
)

// NB201 returns the embedded NAS-Bench-201 table (all 15,625 cells, see
// [Table201] and the package documentation for the sources). It is decoded
// on first use and shared; callers must not modify it. It is safe for
// concurrent use.
func NB201() (*Table201, error) { return nb201Once() }

var nb201Once = sync.OnceValues(func() (*Table201, error) {
	t, err := decodeTable201(nb201Bin)
	if err != nil {
		return nil, fmt.Errorf("bench: embedded %s: %w", embeddedNB201, err)
	}
	return t, nil
})

// NB101Subset returns the embedded NAS-Bench-101 subset: the 20,001 cells
// of nasbench-vis's data-20k.json with their 108-epoch validation accuracy
// (one training run), training time and parameter count. It is decoded on
// first use and shared; callers must not modify it. It is safe for
// concurrent use.
func NB101Subset() (*Subset101, error) { return subsetOnce() }

var subsetOnce = sync.OnceValues(func() (*Subset101, error) {
	s, err := decodeSubset101(nb101SubBin)
	if err != nil {
		return nil, fmt.Errorf("bench: embedded %s: %w", embeddedSubset101, err)
	}
	return s, nil
})
