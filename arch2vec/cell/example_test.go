package cell_test

import (
	"fmt"

	"github.com/arch2vec/arch2vec/arch2vec/cell"
)

// The hash of a nasbench spec: prune, then hash.
func ExampleNB101_Hash() {
	c, err := cell.NewNB101([][]int{
		{0, 1, 1, 0},
		{0, 0, 0, 1},
		{0, 0, 0, 0}, // vertex 2 has no path to the output
		{0, 0, 0, 0},
	}, []string{"input", "conv3x3-bn-relu", "maxpool3x3", "output"})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := c.Prune()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p)
	fmt.Println(p.Hash())
	// Output:
	// [[0 1 0] [0 0 1] [0 0 0]] [input conv3x3-bn-relu output]
	// b49ac8c578b4561d79ac7087988f1c61
}

func ExampleNB101_Validate() {
	c, _ := cell.NewNB101([][]int{{0, 1, 0}, {0, 0, 0}, {0, 0, 0}}, []string{"input", "conv1x1-bn-relu", "output"})
	fmt.Println(c.Validate())
	// Output:
	// cell: input and output are disconnected
}

func ExampleParseArch201() {
	c, err := cell.ParseArch201("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c[0], c[5])
	_, err = cell.ParseArch201("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|conv5x5~1|none~2|")
	fmt.Println(err)
	// Output:
	// nor_conv_3x3 none
	// cell: arch string "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|conv5x5~1|none~2|": token "conv5x5~1": unknown op "conv5x5"
}

func ExampleEditDistance101() {
	a, _ := cell.NewNB101([][]int{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}, []string{"input", "conv3x3-bn-relu", "output"})
	b, _ := cell.NewNB101([][]int{{0, 1, 1}, {0, 0, 1}, {0, 0, 0}}, []string{"input", "maxpool3x3", "output"})
	fmt.Println(cell.EditDistance101(a, b)) // one op changed, one edge added
	// Output:
	// 2
}
