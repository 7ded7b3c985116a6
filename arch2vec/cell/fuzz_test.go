package cell

import (
	"errors"
	"testing"
)

func FuzzParseArch201(f *testing.F) {
	for _, s := range []string{
		arch201Example,
		"|none~0|+|none~0|none~0|+|none~0|none~1|none~2|",
		"|nor_conv_1x1~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|",
		"", "+", "||+||+||", "|~0|+|~0|~1|+|~0|~1|~2|", "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|+",
		"|none~0|+|none~0|none~1|+|none~0|none~1|none~2", "|none~0|+|none~0|none~1|+|none~0|none~1|none~2||",
		"|none~0~0|+|none~0|none~1|+|none~0|none~1|none~2|", "|none~-0|+|none~0|none~1|+|none~0|none~1|none~2|",
		"|input~0|+|none~0|none~1|+|none~0|none~1|output~2|",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseArch201(s)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v is not a *ValidationError", err)
			}
			return
		}
		// The parser is strict: an accepted string is the canonical one.
		if got := c.String(); got != s {
			t.Fatalf("ParseArch201(%q).String() = %q", s, got)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("parsed cell invalid: %v", err)
		}
	})
}

// cellFromBytes decodes fuzz bytes into a matrix and op names: byte 0
// picks V (0..9, so sizes outside 2..7 occur), the next V*V bytes are the
// entries mod 3 (so 2 occurs), the next V bytes pick op names from a list
// that includes an unknown one.
func cellFromBytes(data []byte) ([][]int, []string) {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	v := next() % 10
	m := make([][]int, v)
	for i := range m {
		m[i] = make([]int, v)
		for j := range m[i] {
			m[i][j] = next() % 3
		}
	}
	names := []string{"input", "conv1x1-bn-relu", "conv3x3-bn-relu", "maxpool3x3", "output", "conv5x5"}
	ops := make([]string, v)
	for i := range ops {
		ops[i] = names[next()%len(names)]
	}
	return m, ops
}

func FuzzNewNB101(f *testing.F) {
	// Seeds: the example spec, a small valid cell, dangling and invalid ones.
	f.Add([]byte{7, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 3, 4})
	f.Add([]byte{3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 2, 4})
	f.Add([]byte{4, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 4})
	f.Add([]byte{3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 4})
	f.Add([]byte{3, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 2, 4})
	f.Add([]byte{3, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 5, 4})
	f.Add([]byte{8})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, ops := cellFromBytes(data)
		c, err := NewNB101(m, ops)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v is not a *ValidationError", err)
			}
			return
		}
		back, err := NewNB101(c.Matrix(), c.OpNames())
		if err != nil || back != c {
			t.Fatalf("round trip of %v: %v, %v", c, back, err)
		}
		adj := make([]float32, AdjLen101)
		oh := make([]float32, OpsLen101)
		c.EncodeTo(adj, oh)
		if e, err := FromEncoding101(toInts(adj, 7, 7), toInts(oh, 7, 5)); err != nil || e != c {
			t.Fatalf("encoding round trip of %v: %v, %v", c, e, err)
		}
		p, perr := c.Prune()
		verr := c.Validate()
		if perr != nil {
			if !errors.Is(perr, ErrDisconnected) || verr == nil {
				t.Fatalf("Prune error %v, Validate %v", perr, verr)
			}
			return
		}
		if again, err := p.Prune(); err != nil || again != p {
			t.Fatalf("Prune not idempotent: %v → %v, %v", p, again, err)
		}
		if p.N > c.N || p.NumEdges() > c.NumEdges() {
			t.Fatalf("Prune grew %v into %v", c, p)
		}
		if (verr == nil) != p.Valid() {
			t.Fatalf("Validate(c) = %v but Valid(pruned) = %v", verr, p.Valid())
		}
		if EditDistance101(c, p) != EditDistance101(p, c) {
			t.Fatal("edit distance not symmetric")
		}
		_ = c.Hash()
		_ = c.String()
	})
}
