package magic_test

import (
	"context"
	"fmt"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/display/displaytest"
	"github.com/arch2vec/arch2vec/kernel/magic"
)

func ExampleMux_Handle() {
	mux := magic.NewMux(kernel.Info{Implementation: "example"})
	mux.Handle(&magic.Command{
		Name:    "greet",
		Summary: "Greet someone",
		Example: "%greet --times 2 world",
		Args:    []magic.Arg{{Name: "who", Help: "whom to greet"}},
		Flags:   []magic.Flag{{Name: "times", Kind: magic.Int, Default: "1", Help: "how many greetings"}},
		Run: func(ctx context.Context, call *magic.Call) error {
			if call.Int("times") < 0 {
				return call.Usagef("times", "--times must not be negative")
			}
			for range call.Int("times") {
				if err := call.Printf("hello, %s\n", call.String("who")); err != nil {
					return err
				}
			}
			return nil
		},
	})

	out := &displaytest.Recorder{}
	ctx := context.Background()
	_, err := mux.Execute(ctx, &kernel.ExecuteRequest{Code: "%greet --times 2 world"}, out)
	fmt.Print(out.StreamText("stdout"), err, "\n")

	_, err = mux.Execute(ctx, &kernel.ExecuteRequest{Code: "%greet --times two world"}, out)
	fmt.Println(err)
	_, err = mux.Execute(ctx, &kernel.ExecuteRequest{Code: "%gret world"}, out)
	fmt.Println(err)
	// Output:
	// hello, world
	// hello, world
	// <nil>
	// line 1: flag --times: invalid int "two" (want a whole number such as 8)
	// line 1: unknown command %gret; did you mean %greet?
}
