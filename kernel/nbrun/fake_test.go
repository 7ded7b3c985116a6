package nbrun

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// fakeInterp is a scripted kernel.Interpreter: each line of a cell is one
// directive, a verb and its argument:
//
//	out TEXT          stdout "TEXT\n"        err TEXT       stderr "TEXT\n"
//	display ID TEXT   display_data (ID "-" for none)
//	html TEXT         display_data with text/html and text/plain
//	json              display_data with application/json
//	png               display_data with image/png and its metadata
//	update ID TEXT    update_display_data
//	clear / clearwait clear_output
//	result TEXT       execute_result        page TEXT      page payload
//	fail TEXT         return an error       panic TEXT     panic
//	input             call Input and print its error
//	sleep             wait for cancellation and return its cause
//	hang              ignore cancellation for a while (tests the grace period)
//	badbundle         display a value that is not JSON
type fakeInterp struct {
	// executed records the code of every Execute call.
	executed []string
}

func (f *fakeInterp) Info() kernel.Info {
	return kernel.Info{Implementation: "fake", Language: kernel.LanguageInfo{
		Name: "arch2vec", Version: "0.1", MIMEType: "text/x-arch2vec", FileExtension: ".a2v"}}
}

func plain(s string) wire.MIMEBundle {
	return wire.MIMEBundle{Data: map[string]any{"text/plain": s}}
}

func (f *fakeInterp) Execute(ctx context.Context, req *kernel.ExecuteRequest, out kernel.Output) (*kernel.ExecuteResult, error) {
	f.executed = append(f.executed, req.Code)
	res := &kernel.ExecuteResult{}
	for _, line := range strings.Split(req.Code, "\n") {
		verb, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		var err error
		switch verb {
		case "", "#":
		case "out":
			err = out.Stream("stdout", arg+"\n")
		case "err":
			err = out.Stream("stderr", arg+"\n")
		case "display":
			id, text, _ := strings.Cut(arg, " ")
			if id == "-" {
				id = ""
			}
			err = out.Display(plain(text), id)
		case "update":
			id, text, _ := strings.Cut(arg, " ")
			err = out.UpdateDisplay(plain(text), id)
		case "html":
			err = out.Display(wire.MIMEBundle{Data: map[string]any{"text/plain": arg, "text/html": "<b>" + arg + "</b>\n<i>&</i>"}}, "")
		case "json":
			err = out.Display(wire.MIMEBundle{
				Data:     map[string]any{"text/plain": "{...}", "application/json": map[string]any{"a": []int{1, 2}, "b": "c\nd"}},
				Metadata: map[string]any{"application/json": map[string]any{"expanded": false}}}, "")
		case "png":
			err = out.Display(wire.MIMEBundle{
				Data:     map[string]any{"text/plain": "<image 1x1>", "image/png": "iVBORw0KGgo=", "image/svg+xml": "<svg>\n</svg>\n"},
				Metadata: map[string]any{"image/png": map[string]any{"width": 1, "height": 1}}}, "")
		case "clear":
			err = out.Clear(false)
		case "clearwait":
			err = out.Clear(true)
		case "result":
			res.Value = &wire.MIMEBundle{Data: map[string]any{"text/plain": arg}}
		case "page":
			res.Payload = append(res.Payload, map[string]any{"source": "page", "data": map[string]any{"text/plain": arg}, "start": 0})
		case "fail":
			return nil, errors.New(arg)
		case "panic":
			panic(arg)
		case "input":
			_, ierr := out.Input(ctx, "? ", false)
			err = out.Stream("stdout", fmt.Sprintf("input: %v\n", ierr))
		case "sleep":
			<-ctx.Done()
			return nil, fmt.Errorf("sleep: %w", context.Cause(ctx))
		case "hang":
			time.Sleep(300 * time.Millisecond)
			// Output after the runner gave up must be refused.
			if out.Stream("stdout", "late\n") == nil {
				return nil, errors.New("late output accepted")
			}
		case "badbundle":
			err = out.Display(wire.MIMEBundle{Data: map[string]any{"text/plain": func() {}}}, "")
		default:
			return nil, fmt.Errorf("fake: unknown verb %q", verb)
		}
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (f *fakeInterp) Complete(ctx context.Context, code string, cursor int) (*kernel.Completion, error) {
	return &kernel.Completion{Matches: []string{}}, nil
}

func (f *fakeInterp) Inspect(ctx context.Context, code string, cursor, detail int) (*kernel.Inspection, error) {
	return &kernel.Inspection{}, nil
}

func (f *fakeInterp) IsComplete(code string) kernel.Completeness {
	return kernel.Completeness{Status: "complete"}
}
