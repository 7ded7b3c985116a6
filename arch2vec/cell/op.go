package cell

import "fmt"

// opNames101 are the nasbench operation names of [Op], in Op order.
var opNames101 = [NumOps101]string{"input", "conv1x1-bn-relu", "conv3x3-bn-relu", "maxpool3x3", "output"}

// hashLabels101 maps [Op] to its nasbench hash label.
var hashLabels101 = [NumOps101]HashLabel{-1, 1, 0, 2, -2}

// String returns the nasbench name of o ("conv3x3-bn-relu", ...), or
// "Op(n)" for a value outside the five operations.
func (o Op) String() string { return opName(opNames101[:], uint8(o), "Op") }

// ParseOp returns the operation with nasbench name s. It returns a
// *[ValidationError] for any other string.
func ParseOp(s string) (Op, error) {
	i, err := parseOpName(opNames101[:], s)
	return Op(i), err
}

// HashLabel returns the label nasbench's hash gives a vertex with operation
// o: conv3x3 0, conv1x1 1, maxpool 2, input -1, output -2. It panics for a
// value outside the five operations.
func (o Op) HashLabel() HashLabel {
	return hashLabels101[o]
}

// Op returns the operation with hash label l. ok is false for a label
// outside -2..2.
func (l HashLabel) Op() (o Op, ok bool) {
	for i, h := range hashLabels101 {
		if h == l {
			return Op(i), true
		}
	}
	return 0, false
}

// opNames201 are the NAS-Bench-201 names of [Op201], in Op201 order.
var opNames201 = [NumOps201]string{"input", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3", "skip_connect", "none", "output"}

// String returns the NAS-Bench-201 name of o ("nor_conv_3x3", ...), or
// "Op201(n)" for a value outside the seven classes.
func (o Op201) String() string { return opName(opNames201[:], uint8(o), "Op201") }

// ParseOp201 returns the NAS-Bench-201 node class named s, including
// "input" and "output". It returns a *[ValidationError] for any other
// string.
func ParseOp201(s string) (Op201, error) {
	i, err := parseOpName(opNames201[:], s)
	return Op201(i), err
}

// IsEdgeOp reports whether o may sit on an edge of a NAS-Bench-201 cell:
// every class except Input201 and Output201.
func (o Op201) IsEdgeOp() bool {
	return o >= Conv1x1201 && o <= None201
}

// opName returns names[i], or "typ(i)" when i is out of range.
func opName(names []string, i uint8, typ string) string {
	if int(i) < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", typ, i)
}

// parseOpName returns the index of s in names or a *ValidationError.
func parseOpName(names []string, s string) (uint8, error) {
	for i, n := range names {
		if n == s {
			return uint8(i), nil
		}
	}
	return 0, invalidf("unknown op %q", s)
}
