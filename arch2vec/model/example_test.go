package model_test

import (
	"context"
	"fmt"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/model"
)

// ExamplePretrain trains on 300 NAS-Bench-201 cells for two epochs with the
// reference settings and embeds them.
func ExamplePretrain() {
	data, err := model.NewDataset201(cell.All201()[:300])
	if err != nil {
		panic(err)
	}
	cfg := model.Config{Space: model.NASBench201, Epochs: 2, ValiditySamples: 1000}
	res, err := model.Pretrain(context.Background(), cfg, data, model.Hooks{})
	if err != nil {
		panic(err)
	}
	for _, e := range res.History {
		fmt.Printf("epoch %d: training mode %v, %d held-out cells, %d validity samples\n",
			e.Epoch, e.TrainMode, e.HeldOut.Cells, e.Validity.Samples)
	}
	emb := make([]float32, data.Len*res.Config.Latent)
	if err := model.Embed(context.Background(), res.Model, data, emb, nil); err != nil {
		panic(err)
	}
	fmt.Println("seed", res.Config.Seed, "embedding", data.Len, "×", res.Config.Latent)
	// Output:
	// epoch 0: training mode true, 30 held-out cells, 1000 validity samples
	// epoch 1: training mode false, 30 held-out cells, 1000 validity samples
	// seed 3 embedding 300 × 16
}
