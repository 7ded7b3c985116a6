package display_test

import (
	"fmt"

	"github.com/arch2vec/arch2vec/kernel/display"
)

func ExampleTable() {
	b := display.Table([]string{"rank", "cell", "val acc"}, [][]string{
		{"1", "NB201 1462", "91.61"},
		{"10", "NB201 <10>", "90.5"},
	})
	fmt.Println(b.Data["text/plain"])
	// Output:
	// rank  cell        val acc
	// ----  ----------  -------
	//    1  NB201 1462    91.61
	//   10  NB201 <10>     90.5
}

func ExampleMerge() {
	svg := display.SVG(`<svg xmlns="http://www.w3.org/2000/svg"/>`, "loss curve")
	html := display.HTML("<b>loss curve</b>", "ignored: the first text/plain wins")
	b := display.Merge(svg, html)
	fmt.Println(b.Data["text/plain"], len(b.Data))
	// Output: loss curve 3
}
