package kernel

import "unicode/utf8"

// CursorUnit is how a client counts cursor_pos in complete_request and
// inspect_request.
type CursorUnit uint8

const (
	// CursorUTF16 counts UTF-16 code units, as JupyterLab and the classic
	// Notebook do (JavaScript string indices) whatever protocol they claim.
	CursorUTF16 CursorUnit = iota
	// CursorRunes counts Unicode code points, as protocol 5.2 specifies
	// and Python clients (jupyter_console, jupyter_kernel_test) send.
	CursorRunes
)

// The two units differ only for code with characters outside the Basic
// Multilingual Plane (emoji, for instance), which take two UTF-16 units.

// toRunes converts a client cursor to a rune offset into code, clamped to
// [0, runes in code]; a missing cursor means the end of code. A UTF-16
// position inside a surrogate pair rounds down to the character's start.
func toRunes(code string, pos *int, unit CursorUnit) int {
	total := utf8.RuneCountInString(code)
	if pos == nil {
		return total
	}
	p := *pos
	switch {
	case p <= 0:
		return 0
	case unit == CursorRunes:
		return min(p, total)
	}
	units, i := 0, 0
	for _, r := range code {
		w := utf16Len(r)
		if units+w > p {
			break
		}
		units += w
		i++
	}
	return i
}

// fromRunes converts a rune offset into code back to the client's unit,
// clamping it to the code.
func fromRunes(code string, runes int, unit CursorUnit) int {
	if runes <= 0 {
		return 0
	}
	if unit == CursorRunes {
		return min(runes, utf8.RuneCountInString(code))
	}
	units, i := 0, 0
	for _, r := range code {
		if i == runes {
			break
		}
		units += utf16Len(r)
		i++
	}
	return units
}

func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}
