package commands

import (
	"fmt"
	"html"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/arch2vec/arch2vec/arch2vec/plot"
	"github.com/arch2vec/arch2vec/arch2vec/search"
	"github.com/arch2vec/arch2vec/kernel/display"
)

// regretFigure draws the regret of every method, in percent: over
// simulated time on a log axis under a time budget, over queries
// otherwise.
func regretFigure(a *searchAcc, set searchSetting, all map[string]methodRun) (wireBundle, error) {
	var bands []plot.Band
	names := slices.Sorted(maps.Keys(all))
	timeAxis := false
	for _, name := range names {
		c := all[name].curve
		timeAxis = all[name].timeAxis
		b := plot.Band{Label: name}
		for i := range c.Mean {
			if math.IsNaN(c.Mean[i]) {
				continue // no run has queried anything yet at this time
			}
			x := float64(i + 1)
			if timeAxis {
				x = c.T[i]
			}
			b.X = append(b.X, x)
			b.Mean = append(b.Mean, 100*c.Mean[i])
			b.Std = append(b.Std, 100*c.Std[i])
		}
		bands = append(bands, b)
	}
	title := fmt.Sprintf("search on %d %s cells", a.cells.len(), a.cells.space)
	if a.dataset != "" {
		title += " (" + a.dataset + ")"
	}
	xlabel := "queries"
	if timeAxis {
		xlabel = "simulated training time (s)"
	}
	f, err := plot.Regret(bands, plot.BandOptions{
		Title: title, XLabel: xlabel, YLabel: "regret of the " + set.Reward + " (%)", LogX: true,
	})
	if err != nil {
		return wireBundle{}, err
	}
	return figureBundle(f, fmt.Sprintf("<regret of %s over %s>", strings.Join(names, ", "), xlabel))
}

// searchTableBundle tabulates the final incumbents of every method.
func searchTableBundle(set searchSetting, all map[string]methodRun) (wireBundle, error) {
	var rows [][]string
	js := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(all)) {
		s := all[name].summary
		c := all[name].curve
		final := math.NaN()
		if len(c.Mean) > 0 {
			final = c.Mean[len(c.Mean)-1]
		}
		rows = append(rows, []string{name, strconv.Itoa(s.N), pct(s.ValidMean), pct(s.ValidSD),
			pct(s.TestMean), pct(s.TestSD), pct(final)})
		js[name] = map[string]any{"runs": s.N, "reward": all[name].reward, "dataset": set.Dataset,
			"budget": num(set.Budget), "queries": set.Queries,
			"valid_mean": num(s.ValidMean), "valid_std": num(s.ValidSD),
			"test_mean": num(s.TestMean), "test_std": num(s.TestSD), "final_regret": num(final),
			"regret_time": nums(curveTimes(all[name])), "regret_mean": nums(c.Mean), "regret_std": nums(c.Std)}
	}
	return withJSON(display.Table([]string{"method", "runs", "valid %", "± sd", "test %", "± sd", "regret %"}, rows), js)
}

// curveTimes returns the grid of a time-axis curve, nil for a query one.
func curveTimes(r methodRun) []float64 {
	if r.timeAxis {
		return r.curve.T
	}
	return nil
}

// bestIncumbent returns the best final incumbent over traces by the
// reward the search saw (ties to the earlier run).
func bestIncumbent(traces []*search.Trace, t *search.Table) (int, bool) {
	best, ok := -1, false
	for _, tr := range traces {
		q, found := tr.Final()
		if found && (!ok || t.Valid[q.Incumbent] > t.Valid[best]) {
			best, ok = q.Incumbent, true
		}
	}
	return best, ok
}

// bestCellBundle draws the best cell a method found, with its accuracies.
func bestCellBundle(a *searchAcc, method string, i int) wireBundle {
	ops, adj := a.cells.graph(i)
	svg := cellSVG(ops, adj)
	caption := fmt.Sprintf("best cell found by %s: %s (position %d), validation %s %%, test %s %%",
		method, a.cells.name(i), i, pct(a.valid[i]), pct(a.test[i]))
	h := `<div class="arch2vec-cell"><p>` + html.EscapeString(caption) + "</p>\n" + svg + "</div>"
	return display.Merge(display.HTML(h, caption), display.SVG(svg, ""))
}
