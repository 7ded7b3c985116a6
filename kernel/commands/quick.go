package commands

import (
	"fmt"
	"strconv"

	"github.com/arch2vec/arch2vec/kernel/magic"
)

// QuickEnv names the environment variable that turns on [QuickCaps]: set
// to 1, the binary registers the commands with them. CI executes the
// notebooks through Jupyter this way (notebooks/README.md), so that
// notebooks written for full runs also pass through nbconvert in seconds.
const QuickEnv = "ARCH2VEC_QUICK"

// Quick caps the work a command does, for smoke runs of notebooks written
// for full runs. A zero field leaves its parameter alone. A capped command
// says so on stderr, so a quick run's numbers are never mistaken for real
// ones.
type Quick struct {
	Epochs   int // %pretrain epochs
	Validity int // %pretrain validity samples per epoch
	Runs     int // %search runs
	Queries  int // %search queries per run (also under a --budget)
	Sample   int // %embed cells mapped
	Pairs    int // %distance pairs
	Train    int // %distance --encoder supervised training cells
}

// QuickCaps are the caps of ARCH2VEC_QUICK=1: one epoch, two runs of 40
// queries, small maps.
var QuickCaps = Quick{Epochs: 1, Validity: 500, Runs: 2, Queries: 40, Sample: 1000, Pairs: 500, Train: 100}

// QuickFromEnv returns the caps the value of [QuickEnv] asks for: nil for
// "" or "0", [QuickCaps] for "1", an error otherwise.
func QuickFromEnv(v string) (*Quick, error) {
	switch v {
	case "", "0":
		return nil, nil
	case "1":
		q := QuickCaps
		return &q, nil
	}
	return nil, fmt.Errorf("%s=%s: want 0 or 1", QuickEnv, strconv.Quote(v))
}

// SetQuick sets the caps of every later command (nil: none). Call it
// before the first command runs.
func (w *Workspace) SetQuick(q *Quick) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.quick = q
}

// capped returns v limited by the cap limit picks from w's caps, telling
// the user on stderr when it changed v. def is what v = 0 means for this
// parameter: a default to cap like any value, or unlimited when def < 0.
func (w *Workspace) capped(call *magic.Call, what string, v, def int, limit func(*Quick) int) int {
	w.mu.Lock()
	q := w.quick
	w.mu.Unlock()
	if q == nil {
		return v
	}
	l := limit(q)
	eff, was := v, strconv.Itoa(v)
	if v == 0 {
		eff, was = def, strconv.Itoa(def)
		if def < 0 {
			eff, was = l+1, "no limit"
		}
	}
	if l <= 0 || eff <= l {
		return v
	}
	_ = call.Out.Stream("stderr", fmt.Sprintf("quick mode (%s=1): %s %d instead of %s\n", QuickEnv, what, l, was))
	return l
}
