package arch2vec_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSeams enforces the dependency rules: the library never imports the
// kernel or the installer, and only arch2vec/plot may use gonum/plot; the
// protocol core never imports the library or the commands layer.
func TestSeams(t *testing.T) {
	mod := goList(t, "-m")[0]
	rules := []struct {
		pkgs      string
		forbidden []string
		except    string
	}{
		{"./...", []string{mod + "/kernel", mod + "/install", "gonum.org/v1/plot"}, mod + "/arch2vec/plot"},
		{"../kernel", []string{mod + "/arch2vec", mod + "/kernel/commands", "gonum.org/v1/gonum", "github.com/go-zeromq/zmq4"}, ""},
		{"../kernel/wire", []string{mod + "/arch2vec", mod + "/kernel/commands", "github.com/go-zeromq/zmq4"}, ""},
	}
	for _, r := range rules {
		for _, line := range goList(t, "-deps=false", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", r.pkgs) {
			fields := strings.Fields(line)
			if len(fields) == 0 || (r.except != "" && strings.HasPrefix(fields[0], r.except)) {
				continue
			}
			for _, dep := range fields[1:] {
				for _, f := range r.forbidden {
					if dep == f || strings.HasPrefix(dep, f+"/") {
						t.Errorf("%s depends on %s", fields[0], dep)
					}
				}
			}
		}
	}
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list %v: %v\n%s", args, err, ee.Stderr)
		}
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}
