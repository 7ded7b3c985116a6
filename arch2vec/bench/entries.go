package bench

import (
	"math"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// Entry201 returns row i of t as a data.json entry for dataset ds, with
// the meanings arch2vec's nasbench201_json.py gives the fields (percent):
//
//   - CIFAR-10 (its cifar10_valid_converged.json): validation_accuracy and
//     test_accuracy are the 12-epoch results (Valid12, Test12; arch2vec
//     froze one random seed, these are seed means), the *_avg fields the
//     200-epoch means (Valid200, Test200), training_time is [Row201.Time12].
//   - CIFAR-100 and ImageNet16-120: all four accuracies are the 200-epoch
//     means (arch2vec used one seed's epoch-199 value for the plain
//     fields); training_time is unknown (NaN), because arch2vec's estimate
//     needs latencies these tables do not hold.
func Entry201(t *Table201, i int, ds Dataset) Entry {
	r := &t.Rows[i]
	e := Entry{Key: i, Space: Space201, Cell201: r.Cell,
		ValidAvg: r.Valid200[ds], TestAvg: r.Test200[ds]}
	if ds == CIFAR10 {
		e.Valid, e.Test, e.Time = r.Valid12[ds], r.Test12[ds], r.Time12()
	} else {
		e.Valid, e.Test, e.Time = r.Valid200[ds], r.Test200[ds], math.NaN()
	}
	return e
}

// Entry101 returns a data.json entry for the Space101 cell c with hash h,
// filled from the subset s when it holds h: validation_accuracy is the
// 108-epoch validation accuracy (one run; arch2vec's gen_json.py averaged
// three), training_time the run's time. test_accuracy is always unknown:
// the subset has none. s may be nil.
func Entry101(c cell.NB101, h cell.Hash, s *Subset101) Entry {
	e := unknownEntry(Space101)
	e.Cell101, e.Hash = c, h
	if s == nil {
		return e
	}
	if i, ok := s.Lookup(h); ok {
		r := &s.Records[i]
		e.Valid, e.Time = float64(r.Valid108), float64(r.Time)
	}
	return e
}
