package bench

import (
	"fmt"
	"strings"
)

// Space names a cell search space. It decides the shape of a data.json entry
// (7×7 / 7×5 for NAS-Bench-101, 8×8 / 8×7 for NAS-Bench-201) and the unit of
// its accuracies (fractions for NB101, percent for NB201, as arch2vec's
// preprocessing scripts wrote them).
type Space uint8

// The search spaces.
const (
	Space101 Space = iota + 1 // NAS-Bench-101, name "nasbench101"
	Space201                  // NAS-Bench-201, name "nasbench201"
)

// String returns the space's canonical name: "nasbench101" or "nasbench201".
func (s Space) String() string {
	switch s {
	case Space101:
		return "nasbench101"
	case Space201:
		return "nasbench201"
	}
	return fmt.Sprintf("Space(%d)", uint8(s))
}

// ParseSpace parses a space name. It accepts the canonical names and the
// short forms "nb101" / "nb201" and "101" / "201", case-insensitively.
func ParseSpace(name string) (Space, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "nasbench101", "nasbench-101", "nas-bench-101", "nb101", "101":
		return Space101, nil
	case "nasbench201", "nasbench-201", "nas-bench-201", "nb201", "201":
		return Space201, nil
	}
	return 0, fmt.Errorf("bench: unknown space %q (want nasbench101 or nasbench201)", name)
}

// Dataset is one of the three NAS-Bench-201 image datasets. It indexes the
// per-dataset arrays of [Row201].
type Dataset uint8

// The NAS-Bench-201 datasets.
const (
	CIFAR10    Dataset = iota // "cifar10"
	CIFAR100                  // "cifar100"
	ImageNet16                // "imagenet16-120" (ImageNet16-120)
)

// NumDatasets is the number of NAS-Bench-201 datasets, the length of the
// per-dataset arrays of [Row201].
const NumDatasets = 3

// Datasets lists every [Dataset] in index order.
var Datasets = [...]Dataset{CIFAR10, CIFAR100, ImageNet16}

// String returns the dataset's canonical name: "cifar10", "cifar100" or
// "imagenet16-120".
func (d Dataset) String() string {
	switch d {
	case CIFAR10:
		return "cifar10"
	case CIFAR100:
		return "cifar100"
	case ImageNet16:
		return "imagenet16-120"
	}
	return fmt.Sprintf("Dataset(%d)", uint8(d))
}

// ParseDataset parses a dataset name: "cifar10" (or "c10", "cifar10-valid"),
// "cifar100" ("c100"), "imagenet16-120" ("imagenet16", "imagenet", "in16"),
// case-insensitively.
func ParseDataset(name string) (Dataset, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "cifar10", "cifar-10", "c10", "cifar10-valid":
		return CIFAR10, nil
	case "cifar100", "cifar-100", "c100":
		return CIFAR100, nil
	case "imagenet16-120", "imagenet16", "imagenet", "in16", "imagenet16_120":
		return ImageNet16, nil
	}
	return 0, fmt.Errorf("bench: unknown dataset %q (want cifar10, cifar100 or imagenet16-120)", name)
}
