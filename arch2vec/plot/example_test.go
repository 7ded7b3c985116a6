package plot_test

import (
	"fmt"

	"github.com/arch2vec/arch2vec/arch2vec/plot"
)

// A loss curve rendered to PNG and SVG bytes, outside any notebook.
func ExampleLossCurve() {
	f, err := plot.LossCurve("pretraining",
		plot.Series{Label: "epoch mean", X: []float64{1, 2, 3}, Y: []float64{2.1, 1.2, 0.9}, Points: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	png, err := f.PNG()
	if err != nil {
		fmt.Println(err)
		return
	}
	w, h := f.PixelSize()
	fmt.Println(len(png) > 0, w, h)
	// Output: true 576 384
}
