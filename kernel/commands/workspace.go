package commands

import (
	"errors"
	"fmt"
	"sync"

	"github.com/arch2vec/arch2vec/arch2vec/analysis"
	"github.com/arch2vec/arch2vec/arch2vec/bench"
	"github.com/arch2vec/arch2vec/arch2vec/cell"
	"github.com/arch2vec/arch2vec/arch2vec/model"
	"github.com/arch2vec/arch2vec/kernel/magic"
)

// Workspace is the state of one session: the loaded cells with their
// accuracies, the trained model, the embeddings and the search results.
// Each field is an immutable value replaced as a whole by a successful
// command, so a reader holding one sees a consistent state.
type Workspace struct {
	mu      sync.Mutex
	cells   *cellSet
	trained *trained
	emb     *embedding
	search  *searchResult
	// full101 caches the NB101 enumeration joined with the embedded
	// subset: it is deterministic and takes seconds.
	full101 *cellSet
	// quick caps the commands' work (SetQuick); nil for none.
	quick *Quick
}

// Register adds the arch2vec commands to mux and returns the new, empty
// workspace they share. Call it once per interpreter, at start-up.
func Register(mux *magic.Mux) *Workspace {
	w := &Workspace{}
	for _, c := range w.commands() {
		mux.Handle(c)
	}
	return w
}

// commands lists the command definitions bound to w.
func (w *Workspace) commands() []*magic.Command {
	return []*magic.Command{
		w.loadCellsCommand(), w.showCommand(), w.pretrainCommand(), w.loadModelCommand(),
		w.embedCommand(), w.distanceCommand(), w.searchCommand(), w.exportCommand(), w.workspaceCommand(),
		w.saveCommand(), w.loadCommand(),
	}
}

// state is a snapshot of the workspace's fields.
type state struct {
	cells   *cellSet
	trained *trained
	emb     *embedding
	search  *searchResult
	full101 *cellSet
}

// snapshot returns the current state.
func (w *Workspace) snapshot() state {
	w.mu.Lock()
	defer w.mu.Unlock()
	return state{w.cells, w.trained, w.emb, w.search, w.full101}
}

// commit applies f to the workspace under its lock.
func (w *Workspace) commit(f func(w *Workspace)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f(w)
}

// errNoCells is the error of a command that needs cells.
var errNoCells = errors.New("no cells loaded: run %load_cells first")

// needCells returns the loaded cells or a clear error for command name.
func (s state) needCells(name string) (*cellSet, error) {
	if s.cells == nil {
		return nil, fmt.Errorf("%s: %w", name, errNoCells)
	}
	return s.cells, nil
}

// needModel returns the trained model, checked against the loaded cells.
func (s state) needModel(name string) (*cellSet, *trained, error) {
	cs, err := s.needCells(name)
	if err != nil {
		return nil, nil, err
	}
	if s.trained == nil {
		return nil, nil, fmt.Errorf("%s: no trained model: run %%pretrain first", name)
	}
	if s.trained.space != cs.space {
		return nil, nil, fmt.Errorf("%s: the model was trained on %s cells but %s cells are loaded: "+
			"run %%pretrain again, or %%load_model a %s checkpoint", name, s.trained.space, cs.space, cs.space)
	}
	return cs, s.trained, nil
}

// cellSet is a loaded list of cells with what is known about them.
// Accuracies are fractions in [0, 1], NaN when unknown. It is immutable
// once built, except for its lazily encoded dataset.
type cellSet struct {
	space   bench.Space
	dataset string // the NB201 image dataset of the accuracies, "" for NB101
	source  string // where the cells and accuracies came from
	c101    []cell.NB101
	c201    []cell.NB201
	// id is each cell's identity in its source: the NB201 table index,
	// the NB101 enumeration index or the data.json key.
	id     []int
	hashes []cell.Hash // NB101 only
	valid  []float64
	test   []float64
	time   []float64 // training time in seconds, NaN when unknown

	once sync.Once
	data *model.Dataset
	derr error
}

// len returns the number of cells.
func (s *cellSet) len() int { return len(s.id) }

// modelSpace returns the model's name for the cells' space.
func (s *cellSet) modelSpace() model.Space {
	if s.space == bench.Space201 {
		return model.NASBench201
	}
	return model.NASBench101
}

// encoded returns the cells in the form the network reads, encoding them
// on first use.
func (s *cellSet) encoded() (*model.Dataset, error) {
	s.once.Do(func() {
		if s.space == bench.Space201 {
			s.data, s.derr = model.NewDataset201(s.c201)
		} else {
			s.data, s.derr = model.NewDataset101(s.c101)
		}
	})
	return s.data, s.derr
}

// name returns a short identity of cell i: its hash (NB101) or arch
// string (NB201).
func (s *cellSet) name(i int) string {
	if s.space == bench.Space201 {
		return s.c201[i].String()
	}
	return s.hashes[i].String()
}

// trained is a pretrained model with its history.
type trained struct {
	space   bench.Space
	cells   *cellSet // the cells it was trained on, nil if loaded from a file
	result  *model.Result
	batches []float64 // the per-batch losses, in order
	saved   string    // checkpoint path, "" if not saved
}

// embedding holds the embeddings of a cell set by a model.
type embedding struct {
	cells *cellSet
	model *trained
	dim   int
	z     []float32 // cells.len() × dim
	pca   *analysis.PCAResult
}

// searchResult holds the %search outcomes of each method on one cell set.
type searchResult struct {
	cells *cellSet
	runs  map[string]methodRun
}
