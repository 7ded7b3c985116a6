package magic

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/arch2vec/arch2vec/kernel/display"
	"github.com/arch2vec/arch2vec/kernel/wire"
)

// demoKinds are the outputs %demo can show.
var demoKinds = []string{"html", "markdown", "png", "svg", "json", "table", "progress"}

// demoCommand returns %demo, which shows one output of each rich kind: a
// check that a client renders them, and the samples of the conformance
// tests.
func demoCommand() *Command {
	return &Command{
		Name:    "demo",
		Summary: "Show a sample rich output (HTML, Markdown, PNG, SVG, JSON, table, progress)",
		Doc: "Displays a small sample of the given kind as display_data, always with a text/plain " +
			"fallback, to check what the client renders. \"progress\" shows a progress bar that " +
			"updates in place for about half a second.",
		Example: "%demo png",
		Args:    []Arg{{Name: "kind", Help: "what to show", Kind: Enum, Values: demoKinds}},
		Run: func(ctx context.Context, call *Call) error {
			if call.String("kind") == "progress" {
				return demoProgress(ctx, call)
			}
			b, err := demoBundle(call.String("kind"))
			if err != nil {
				return err
			}
			return call.Display(b)
		},
	}
}

// demoBundle builds the sample bundle of a kind other than progress.
func demoBundle(kind string) (wire.MIMEBundle, error) {
	switch kind {
	case "html":
		return display.HTML("<b>arch2vec</b> <i>kernel</i>", "arch2vec kernel"), nil
	case "markdown":
		return display.Markdown("**arch2vec** kernel: *%help* lists the commands"), nil
	case "png":
		return display.PNG(demoPNG(), "")
	case "svg":
		return display.SVG(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32">`+
			`<rect width="64" height="32" fill="#e8eef7"/><circle cx="16" cy="16" r="12" fill="#3b6fb6"/></svg>`,
			"<SVG image 64×32>"), nil
	case "json":
		return display.JSON(map[string]any{"name": "arch2vec", "cells": 15625, "ops": []string{"conv1x1", "conv3x3", "avgpool"}}, "")
	case "table":
		return display.Table([]string{"rank", "cell", "val acc"},
			[][]string{{"1", "NB201 1462", "91.61"}, {"2", "NB201 10", "90.50"}}), nil
	}
	return wire.MIMEBundle{}, fmt.Errorf("demo: unknown kind %q", kind)
}

// demoPNG draws a 64×32 gradient.
func demoPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := range 32 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{R: uint8(x * 4), G: uint8(y * 8), B: 180, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("magic: encoding the demo png: " + err.Error()) // an in-memory RGBA always encodes
	}
	return buf.Bytes()
}

// demoProgress counts ten steps of 50 ms on a progress bar.
func demoProgress(ctx context.Context, call *Call) error {
	const steps = 10
	p := call.Progress(display.ProgressConfig{Label: "demo", Total: steps, Unit: "step", Interval: 100 * time.Millisecond})
	_ = p.Start()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for i := 1; i <= steps; i++ {
		select {
		case <-ctx.Done():
			_ = p.Finish("interrupted")
			return fmt.Errorf("demo: interrupted at step %d: %w", i, context.Cause(ctx))
		case <-tick.C:
		}
		_ = p.SetStatus(fmt.Sprintf("step %d", i))
		_ = p.Set(int64(i))
	}
	return p.Finish("done")
}
