package model

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// BenchmarkPretrainFullNB101 is the full reference run: all 423,624
// enumerated NB101 cells (in enumeration order, not data.json's), the
// reference configuration. It takes minutes, so it runs only when the
// environment variable A2V_FULL is set, to the number of epochs (e.g.
// A2V_FULL=8 for the reference run, A2V_FULL=1 for one epoch):
//
//	A2V_FULL=8 go test ./arch2vec/model -run XXX -bench PretrainFullNB101 -benchtime 1x -v
func BenchmarkPretrainFullNB101(b *testing.B) {
	epochs, err := strconv.Atoi(os.Getenv("A2V_FULL"))
	if err != nil || epochs <= 0 {
		b.Skip("set A2V_FULL=<epochs> to run the full NB101 pretraining")
	}
	start := time.Now()
	cells, err := cell.Enumerate101(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	d, err := NewDataset101(cells)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d cells enumerated and encoded in %v", d.Len, time.Since(start))
	for b.Loop() {
		start = time.Now()
		res, err := Pretrain(context.Background(), Config{Epochs: epochs}, d, Hooks{OnEpoch: func(e EpochStats) error {
			b.Logf("epoch %d (%s mode): loss %.5f acc_ops %.5f acc_adj %.5f corr %.4f fal_pos %.4f exact %.4f validity %.4f uniqueness %.4f; %.0f s, %.0f cells/s",
				e.Epoch, map[bool]string{true: "train", false: "eval"}[e.TrainMode], e.Loss, e.HeldOut.AccOps, e.HeldOut.AccAdj,
				e.HeldOut.MeanCorrAdj, e.HeldOut.MeanFalPosAdj, e.HeldOut.Exact, e.Validity.Validity, e.Validity.Uniqueness,
				e.Seconds, e.CellsPerSec)
			return nil
		}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds()/float64(len(res.History)), "s/epoch")
	}
}
