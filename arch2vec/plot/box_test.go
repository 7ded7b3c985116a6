package plot

import (
	"math"
	"testing"

	"gonum.org/v1/plot/plotter"
)

func TestBoxes(t *testing.T) {
	groups := []BoxGroup{
		{Key: 1, Values: []float64{1, 2, 3, 4, 100}},
		{Key: 2, Values: nil}, // skipped
		{Key: 3, Values: []float64{5, 6, 7}},
	}
	f, err := Boxes(groups, BoxOptions{Title: "t", XLabel: "edit distance", YLabel: "L2"})
	if err != nil {
		t.Fatal(err)
	}
	var boxes []*plotter.BoxPlot
	for _, p := range f.Plotters() {
		if b, ok := p.(*plotter.BoxPlot); ok {
			boxes = append(boxes, b)
		}
	}
	if len(boxes) != 2 || boxes[0].Location != 1 || boxes[1].Location != 3 {
		t.Fatalf("%d boxes, want 2 at x = 1 and 3", len(boxes))
	}
	if boxes[0].Median != 3 || len(boxes[0].Outside) != 1 || boxes[1].Median != 6 {
		t.Errorf("medians %v, %v and outliers %v: want 3 (with 100 outside) and 6", boxes[0].Median, boxes[1].Median, boxes[0].Outside)
	}
	if _, err := f.PNG(); err != nil {
		t.Error(err)
	}
	if _, err := Boxes([]BoxGroup{{Key: 1}}, BoxOptions{}); err == nil {
		t.Error("no values: no error")
	}
	if _, err := Boxes([]BoxGroup{{Key: 1, Values: []float64{math.NaN()}}}, BoxOptions{}); err == nil {
		t.Error("NaN: no error")
	}
}
