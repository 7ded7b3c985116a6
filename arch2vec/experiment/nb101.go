package experiment

import (
	"fmt"

	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/search"
)

// NB101Table builds the search table of the NAS-Bench-101 subset sub: one
// row per subset record whose hash is among hashes, in record order. hashes
// are the cells whose embeddings emb holds (len(hashes) × D, row-major),
// typically the whole enumerated space. The reward is the record's
// 108-epoch validation accuracy (a fraction), the cost its training time.
// There are no test accuracies: Test is all zero, so only validation
// accuracy and validation regret mean anything. BestValid is left zero,
// i.e. regret is measured against the subset's best cell. It also returns,
// per table row, the index of its cell in hashes.
func NB101Table(sub *bench.Subset101, hashes []cell.Hash, emb []float32) (*search.Table, []int, error) {
	if sub == nil || sub.Len() == 0 {
		return nil, nil, fmt.Errorf("experiment: nb101 table: empty subset")
	}
	if len(hashes) == 0 || len(emb)%len(hashes) != 0 {
		return nil, nil, fmt.Errorf("experiment: nb101 table: %d embedding values for %d cells", len(emb), len(hashes))
	}
	dim := len(emb) / len(hashes)
	pos, _ := sub.JoinHashes(hashes)
	t := &search.Table{Dim: dim}
	var cells []int
	for r, p := range pos {
		if p < 0 {
			continue
		}
		rec := &sub.Records[r]
		t.Emb = append(t.Emb, emb[p*dim:(p+1)*dim]...)
		t.Valid = append(t.Valid, float64(rec.Valid108))
		t.Test = append(t.Test, 0)
		t.Time = append(t.Time, float64(rec.Time))
		cells = append(cells, p)
	}
	if len(cells) == 0 {
		return nil, nil, fmt.Errorf("experiment: nb101 table: no subset record matches the %d cells", len(hashes))
	}
	if err := t.Validate(); err != nil {
		return nil, nil, fmt.Errorf("experiment: nb101 table: %w", err)
	}
	return t, cells, nil
}
