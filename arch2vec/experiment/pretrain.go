package experiment

import (
	"context"
	"fmt"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/model"
)

// Dataset201 encodes the cells of rows, in order, for the network.
func Dataset201(rows []bench.Row201) (*model.Dataset, error) {
	cells := make([]cell.NB201, len(rows))
	for i := range rows {
		cells[i] = rows[i].Cell
	}
	d, err := model.NewDataset201(cells)
	if err != nil {
		return nil, fmt.Errorf("experiment: nb201 dataset: %w", err)
	}
	return d, nil
}

// PretrainEmbed pretrains a GIN-VAE on data under cfg (model.Pretrain) and
// returns the arch2vec embedding of every cell (data.Len × Latent,
// row-major) with the pretraining result. Both stages honour ctx; hooks
// report pretraining progress.
func PretrainEmbed(ctx context.Context, cfg model.Config, data *model.Dataset, hooks model.Hooks) ([]float32, *model.Result, error) {
	res, err := model.Pretrain(ctx, cfg, data, hooks)
	if err != nil {
		return nil, res, fmt.Errorf("experiment: pretrain: %w", err)
	}
	emb := make([]float32, data.Len*res.Config.Latent)
	if err := model.Embed(ctx, res.Model, data, emb, nil); err != nil {
		return nil, res, fmt.Errorf("experiment: embed: %w", err)
	}
	return emb, res, nil
}
