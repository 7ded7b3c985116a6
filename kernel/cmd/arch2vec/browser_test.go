package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel/nbrun"
)

// requireChromium returns Debian's chromium, skipping the test when it is
// missing — or failing it when ARCH2VEC_REQUIRE_JUPYTER=1 (CI installs it).
func requireChromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err == nil {
		return path
	}
	if os.Getenv("ARCH2VEC_REQUIRE_JUPYTER") == "1" {
		t.Fatal("ARCH2VEC_REQUIRE_JUPYTER=1 but chromium is not installed (apt-get install chromium)")
	}
	t.Skip("chromium not installed")
	return ""
}

// browserSummary is what testdata/browser_check.py reports of the page.
type browserSummary struct {
	Cells   int      `json:"cells"`
	PNG     [][3]any `json:"png"`
	SVG     [][2]int `json:"svg"`
	Inline  [][2]int `json:"inline_svg"`
	Tables  int      `json:"tables"`
	Errors  int      `json:"errors"`
	Prompts []string `json:"prompts"`
	Kernel  string   `json:"kernel"`
}

// TestBrowserRender is the "does it look right in a real front end" check:
// a notebook executed by `arch2vec run` is opened in the classic Notebook
// in headless Chromium; every figure must decode as an image of the size
// it was drawn at, the cell drawing and the tables must render, no output
// may be an error, and the screenshot must show a page with content.
// ARCH2VEC_SCREENSHOT=file.png keeps the screenshot for a human to look at.
func TestBrowserRender(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Notebook server and Chromium")
	}
	requireJupyter(t, "notebook", "tornado")
	chromium := requireChromium(t)
	je := newJupyterEnv(t)
	je.env = append(je.env, "CHROMIUM="+chromium)

	// Execute, then point the notebook at the kernelspec installed here.
	dir := filepath.Join(je.dir, "nb")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ran := filepath.Join(dir, "browser.ipynb")
	je.run(t, 3*time.Minute, je.bin, "run", "testdata/browser.ipynb", "-o", ran)
	nb, err := nbrun.ReadFile(ran)
	if err != nil {
		t.Fatal(err)
	}
	var pngs []image.Config
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if s, ok := o.Data["image/png"].(string); ok {
				pngs = append(pngs, decodePNGConfig(t, s))
			}
		}
	}
	if len(pngs) == 0 {
		t.Fatal("the executed notebook has no image/png output to render")
	}
	setKernelSpec(t, ran, conformanceKernel)
	// A notebook run headless is untrusted until its user says otherwise,
	// and the Notebook then sanitises its HTML (inline SVG included). The
	// user of `arch2vec run` trusts their own results, as here.
	// (Debian ships no jupyter-trust script; this is what it does.)
	je.run(t, time.Minute, python, "-c", "import sys, nbformat; from nbformat.sign import NotebookNotary; "+
		"NotebookNotary().sign(nbformat.read(sys.argv[1], as_version=4))", ran)

	out := je.run(t, 4*time.Minute, python, "testdata/browser_check.py", ran, je.dir)
	var got browserSummary
	if err := json.Unmarshal(bytes.TrimSpace(lastLine(out)), &got); err != nil {
		t.Fatalf("browser_check.py output: %v\n%s", err, out)
	}
	t.Logf("rendered: %d cells, PNG figures %v, SVG figures %v, inline SVG %v, %d tables, %d errors, prompts %v, kernel %q",
		got.Cells, got.PNG, got.SVG, got.Inline, got.Tables, got.Errors, got.Prompts, got.Kernel)
	if got.Cells != len(nb.Cells) || got.Errors != 0 || len(got.Inline) < 1 || got.Tables < 2 || got.Kernel == "" {
		t.Errorf("page summary %+v: want %d cells, no error output, the cell drawing, tables and a running kernel", got, len(nb.Cells))
	}
	// A figure is PNG with an SVG alternative: the Notebook shows the SVG
	// of a trusted notebook and the PNG otherwise. Either way each must be
	// drawn at its size.
	if len(got.PNG)+len(got.SVG) != len(pngs) {
		t.Fatalf("%d PNG + %d SVG figures on the page, want %d", len(got.PNG), len(got.SVG), len(pngs))
	}
	for i, s := range append(got.SVG, got.Inline...) {
		if s[0] < 100 || s[1] < 100 {
			t.Errorf("svg %d drawn %d×%d pixels", i, s[0], s[1])
		}
	}
	for i, p := range got.PNG {
		w, _ := p[1].(float64)
		h, _ := p[2].(float64)
		if p[0] != true || int(w) != pngs[i].Width || int(h) != pngs[i].Height {
			t.Errorf("figure %d rendered as %v, want a decoded %d×%d image", i, p, pngs[i].Width, pngs[i].Height)
		}
	}
	shot := filepath.Join(je.dir, "screenshot.png")
	checkScreenshot(t, shot)
	if keep := os.Getenv("ARCH2VEC_SCREENSHOT"); keep != "" {
		data, err := os.ReadFile(shot)
		if err == nil {
			err = os.WriteFile(keep, data, 0o644)
		}
		if err != nil {
			t.Errorf("keep the screenshot: %v", err)
		}
	}
}

// decodePNGConfig decodes the header of a base64 PNG output.
func decodePNGConfig(t *testing.T, b64 string) image.Config {
	t.Helper()
	data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(b64, "\n", ""))
	if err != nil {
		t.Fatalf("image/png output: %v", err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image/png output: %v", err)
	}
	return cfg
}

// setKernelSpec rewrites the notebook's kernelspec name in place.
func setKernelSpec(t *testing.T, path, name string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb map[string]any
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatal(err)
	}
	nb["metadata"].(map[string]any)["kernelspec"] = map[string]any{
		"name": name, "display_name": "arch2vec", "language": "arch2vec"}
	data, err = json.MarshalIndent(nb, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkScreenshot checks that the screenshot is a page with content: a
// real image, not blank, with the many colours of rendered figures.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	colours := map[[3]uint32]bool{}
	nonWhite := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if r>>8 < 240 || g>>8 < 240 || bl>>8 < 240 {
				nonWhite++
			}
		}
	}
	share := float64(nonWhite) / float64((b.Dx()/2)*(b.Dy()/2))
	t.Logf("screenshot %s: %d×%d, %d colours, %.1f%% non-white", path, b.Dx(), b.Dy(), len(colours), 100*share)
	if b.Dx() < 1000 || len(colours) < 64 || share < 0.02 {
		t.Errorf("screenshot looks empty: %d×%d, %d colours, %.1f%% non-white", b.Dx(), b.Dy(), len(colours), 100*share)
	}
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) []byte {
	lines := bytes.Split(bytes.TrimSpace([]byte(s)), []byte("\n"))
	return lines[len(lines)-1]
}
