package supervised

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/arch2vec/nn"
)

// Embed trains the supervised DNGO network (GIN → tanh → Linear(16, 1),
// trained exactly as at one supervised BO iteration) on cells of d with
// targets y, then writes the GIN's pooled encoding of every cell of d —
// evaluation mode, before the tanh — into dst (d.Len×Latent, row-major).
// These are the "supervised embeddings" the paper sets beside arch2vec's
// (its figures 3 to 5): an encoding learnt from accuracies instead of from
// reconstruction. All randomness comes from rng; ctx is checked per epoch
// and per encoding chunk.
func (c Config) Embed(ctx context.Context, d *model.Dataset, cells []int, y []float64, rng *rand.Rand, dst []float32) error {
	c = c.withDefaults(lrSurrogate)
	if err := c.validate(); err != nil {
		return err
	}
	if d == nil || d.Len == 0 {
		return fmt.Errorf("supervised: embed: no cells")
	}
	if len(cells) == 0 || len(y) != len(cells) {
		return fmt.Errorf("supervised: embed: train on %d cells with %d targets", len(cells), len(y))
	}
	for _, i := range cells {
		if i < 0 || i >= d.Len {
			return fmt.Errorf("supervised: embed: cell %d out of range [0, %d)", i, d.Len)
		}
	}
	if len(dst) != d.Len*c.Latent {
		return fmt.Errorf("supervised: embed: dst has %d values, want %d×%d", len(dst), d.Len, c.Latent)
	}
	s := &dngo{cfg: c, d: d}
	s.gin = NewGIN(d.C, c, rng)
	s.out = nn.NewLinear("out.", c.Latent, 1, rng)
	s.enc = newEvalEncoder(s.gin, d, c.Workers)
	if err := s.train(ctx, cells, y, rng); err != nil {
		return err
	}
	if err := s.enc.encode(ctx, nil, dst, false); err != nil {
		return fmt.Errorf("supervised: embed: %w", err)
	}
	return nil
}
