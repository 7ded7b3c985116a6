package model

// colourTable interns 128-bit keys: the first key seen gets id 0, the next
// new one 1, and so on. It holds the node colours of the embedding pass
// (depth 1: one packed 52-bit key; depth 2: up to 8 packed 16-bit depth-1
// ids).
type colourTable struct {
	slots []colourSlot
	n     int
	shift uint // 64 − log2(len(slots))
}

type colourSlot struct {
	k0, k1 uint64
	id     int32 // id+1, 0 if empty
}

// reset empties t, sized for about n keys (load at most ½), or more up to
// the capacity it already has (a pooled table keeps its size).
func (t *colourTable) reset(n int) {
	size, shift := 16, uint(60)
	for size < 2*n || 2*size <= cap(t.slots) {
		size <<= 1
		shift--
	}
	if cap(t.slots) >= size {
		t.slots = t.slots[:size]
		clear(t.slots)
	} else {
		t.slots = make([]colourSlot, size)
	}
	t.n, t.shift = 0, shift
}

// len is the number of distinct keys.
func (t *colourTable) len() int { return t.n }

func hashColour(k0, k1 uint64) uint64 {
	return (k0 ^ k1*0xc2b2ae3d27d4eb4f) * 0x9e3779b97f4a7c15
}

// intern returns the id of (k0, k1) and whether it is new.
func (t *colourTable) intern(k0, k1 uint64) (int32, bool) {
	mask := len(t.slots) - 1
	for s := int(hashColour(k0, k1) >> t.shift); ; s = (s + 1) & mask {
		e := &t.slots[s]
		if e.id == 0 {
			e.k0, e.k1, e.id = k0, k1, int32(t.n)+1
			t.n++
			if 2*t.n > len(t.slots) {
				t.grow()
			}
			return int32(t.n - 1), true
		}
		if e.k0 == k0 && e.k1 == k1 {
			return e.id - 1, false
		}
	}
}

// grow doubles the slots and re-inserts every key.
func (t *colourTable) grow() {
	old := t.slots
	t.slots = make([]colourSlot, 2*len(old))
	t.shift--
	mask := len(t.slots) - 1
	for _, e := range old {
		if e.id == 0 {
			continue
		}
		s := int(hashColour(e.k0, e.k1) >> t.shift)
		for t.slots[s].id != 0 {
			s = (s + 1) & mask
		}
		t.slots[s] = e
	}
}
