package nbrun

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/arch2vec/arch2vec/arch2vec/atomicfile"
	"os"
)

// Notebook is an nbformat 4 notebook. Fields the runner does not interpret
// are kept as raw JSON so they survive a read-write round trip.
type Notebook struct {
	// FormatMinor is nbformat_minor (nbformat is always 4).
	FormatMinor int
	// Metadata is the notebook metadata object, verbatim.
	Metadata json.RawMessage
	Cells    []*Cell
	// extra holds unknown top-level keys.
	extra map[string]json.RawMessage
}

// Cell is one notebook cell.
type Cell struct {
	// Type is "code", "markdown" or "raw".
	Type string
	// Source is the cell's text, joined if it was stored as a list of lines.
	Source string
	// ExecutionCount is the In[n] number of a code cell; nil means null
	// (never run).
	ExecutionCount *int
	// Outputs are a code cell's outputs (nil for other cells).
	Outputs []*Output
	// Metadata is the cell metadata object, verbatim.
	Metadata json.RawMessage

	rawSource json.RawMessage            // source exactly as read
	extra     map[string]json.RawMessage // id, attachments and unknown keys
}

// Tags returns the cell's metadata.tags (nil if absent or malformed).
func (c *Cell) Tags() []string {
	var md struct {
		Tags []string `json:"tags"`
	}
	if json.Unmarshal(c.Metadata, &md) != nil {
		return nil
	}
	return md.Tags
}

// hasTag reports whether the cell is tagged tag.
func (c *Cell) hasTag(tag string) bool {
	for _, t := range c.Tags() {
		if t == tag {
			return true
		}
	}
	return false
}

// ReadFile reads and validates the notebook at path.
func ReadFile(path string) (*Notebook, error) {
	// A notebook is read whole: a device such as /dev/zero would never end
	// and exhaust memory.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("nbrun: %s is not a regular file", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("nbrun: %w", err)
	}
	nb, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("nbrun: %s: invalid notebook: %w", path, err)
	}
	return nb, nil
}

// Parse decodes and validates an nbformat 4 notebook.
func Parse(data []byte) (*Notebook, error) {
	nb, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("nbrun: invalid notebook: %w", err)
	}
	return nb, nil
}

// validCellID reports whether id follows nbformat 4.5's rule for cell ids,
// ^[a-zA-Z0-9_-]{1,64}$ (a loop, not a regexp: compiling that one costs
// a millisecond of every start-up).
func validCellID(id string) bool {
	if len(id) < 1 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func parse(data []byte) (*Notebook, error) {
	top, err := object(data, "notebook")
	if err != nil {
		return nil, err
	}
	var format int
	if err := need(top, "nbformat", "", &format); err != nil {
		return nil, err
	}
	if format != 4 {
		return nil, fmt.Errorf("nbformat %d is not supported (want 4)", format)
	}
	nb := &Notebook{}
	if err := need(top, "nbformat_minor", "", &nb.FormatMinor); err != nil {
		return nil, err
	}
	if nb.FormatMinor < 0 {
		return nil, fmt.Errorf("nbformat_minor %d is negative", nb.FormatMinor)
	}
	if nb.Metadata, err = needObject(top, "metadata", ""); err != nil {
		return nil, err
	}
	var cells []json.RawMessage
	if err := need(top, "cells", "", &cells); err != nil {
		return nil, err
	}
	if cells == nil {
		return nil, fmt.Errorf("cells: want a list, got null")
	}
	ids := map[string]int{}
	for i, raw := range cells {
		where := fmt.Sprintf("cells[%d]", i)
		c, err := parseCell(raw, where, nb.FormatMinor)
		if err != nil {
			return nil, err
		}
		if id, ok := c.ID(); ok {
			if j, dup := ids[id]; dup {
				return nil, fmt.Errorf("%s: id %q already used by cells[%d]", where, id, j)
			}
			ids[id] = i
		}
		nb.Cells = append(nb.Cells, c)
	}
	delete(top, "nbformat")
	nb.extra = top
	return nb, nil
}

// ID returns the cell's id (nbformat ≥ 4.5) if it has one.
func (c *Cell) ID() (string, bool) {
	raw, ok := c.extra["id"]
	if !ok {
		return "", false
	}
	var id string
	if json.Unmarshal(raw, &id) != nil {
		return "", false
	}
	return id, true
}

func parseCell(data []byte, where string, minor int) (*Cell, error) {
	m, err := object(data, where)
	if err != nil {
		return nil, err
	}
	c := &Cell{}
	if err := need(m, "cell_type", where, &c.Type); err != nil {
		return nil, err
	}
	if c.Type != "code" && c.Type != "markdown" && c.Type != "raw" {
		return nil, fmt.Errorf("%s: unknown cell_type %q (want code, markdown or raw)", where, c.Type)
	}
	if c.Metadata, err = needObject(m, "metadata", where); err != nil {
		return nil, err
	}
	c.rawSource = m["source"]
	if c.rawSource == nil {
		return nil, fmt.Errorf("%s: cell lacks %q", where, "source")
	}
	if c.Source, err = multiline(c.rawSource, where+".source"); err != nil {
		return nil, err
	}
	if raw, ok := m["id"]; ok {
		var id string
		if json.Unmarshal(raw, &id) != nil || !validCellID(id) {
			return nil, fmt.Errorf("%s.id: %s is not 1-64 letters, digits, '-' or '_'", where, raw)
		}
	} else if minor >= 5 {
		return nil, fmt.Errorf("%s: cell lacks %q (required since nbformat 4.5)", where, "id")
	}
	if c.Type == "code" {
		if err := need(m, "execution_count", where, &c.ExecutionCount); err != nil {
			return nil, err
		}
		var outs []json.RawMessage
		if err := need(m, "outputs", where, &outs); err != nil {
			return nil, err
		}
		if outs == nil {
			return nil, fmt.Errorf("%s.outputs: want a list, got null", where)
		}
		c.Outputs = []*Output{}
		for j, raw := range outs {
			o, err := parseOutput(raw, fmt.Sprintf("%s.outputs[%d]", where, j))
			if err != nil {
				return nil, err
			}
			c.Outputs = append(c.Outputs, o)
		}
	} else {
		for _, k := range []string{"outputs", "execution_count"} {
			if _, ok := m[k]; ok {
				return nil, fmt.Errorf("%s: %s cell has %q", where, c.Type, k)
			}
		}
	}
	for _, k := range []string{"cell_type", "metadata", "source", "execution_count", "outputs"} {
		delete(m, k)
	}
	c.extra = m
	return c, nil
}

// object decodes data as a JSON object.
func object(data []byte, where string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		if err == nil {
			err = fmt.Errorf("null")
		}
		return nil, fmt.Errorf("%s: want a JSON object: %v", where, err)
	}
	return m, nil
}

// need decodes the required key k of m into v.
func need(m map[string]json.RawMessage, k, where string, v any) error {
	raw, ok := m[k]
	if !ok {
		return fmt.Errorf("%s lacks %q", orTop(where), k)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %s", join(where, k), typeError(err))
	}
	return nil
}

// needObject returns the required key k of m, which must be an object.
func needObject(m map[string]json.RawMessage, k, where string) (json.RawMessage, error) {
	raw, ok := m[k]
	if !ok {
		return nil, fmt.Errorf("%s lacks %q", orTop(where), k)
	}
	if _, err := object(raw, join(where, k)); err != nil {
		return nil, err
	}
	return raw, nil
}

// multiline decodes nbformat's multiline string: a string or a list of
// strings to concatenate.
func multiline(raw json.RawMessage, where string) (string, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var lines []string
	if err := json.Unmarshal(raw, &lines); err != nil || lines == nil {
		return "", fmt.Errorf("%s: want a string or a list of strings", where)
	}
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l)
	}
	return b.String(), nil
}

func join(where, k string) string {
	if where == "" {
		return k
	}
	return where + "." + k
}

func orTop(where string) string {
	if where == "" {
		return "notebook"
	}
	return where
}

// typeError shortens encoding/json's type errors to what a user needs.
func typeError(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return fmt.Sprintf("want %s, got JSON %s", te.Type, te.Value)
	}
	return err.Error()
}

// Marshal encodes nb the way nbformat writes notebooks: keys sorted, one
// space of indentation, multi-line text split into lists of lines, no
// escaping of non-ASCII or HTML characters, a final newline.
func (nb *Notebook) Marshal() ([]byte, error) {
	top := map[string]any{}
	for k, v := range nb.extra {
		top[k] = v
	}
	top["nbformat"] = 4
	top["nbformat_minor"] = nb.FormatMinor
	top["metadata"] = rawOrEmpty(nb.Metadata)
	cells := make([]any, len(nb.Cells))
	for i, c := range nb.Cells {
		cells[i] = c.jsonValue()
	}
	top["cells"] = cells
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(top); err != nil {
		return nil, fmt.Errorf("nbrun: encode notebook: %w", err)
	}
	return buf.Bytes(), nil
}

func (c *Cell) jsonValue() map[string]any {
	m := map[string]any{}
	for k, v := range c.extra {
		m[k] = v
	}
	m["cell_type"] = c.Type
	m["metadata"] = rawOrEmpty(c.Metadata)
	if c.rawSource != nil {
		m["source"] = c.rawSource
	} else {
		m["source"] = splitLines(c.Source)
	}
	if c.Type == "code" {
		m["execution_count"] = c.ExecutionCount
		outs := make([]any, len(c.Outputs))
		for i, o := range c.Outputs {
			outs[i] = o.jsonValue()
		}
		m["outputs"] = outs
	}
	return m
}

func rawOrEmpty(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("{}")
	}
	return raw
}

// WriteFile writes nb to path atomically (temporary file and rename), so
// a failing run never leaves a truncated notebook.
func WriteFile(path string, nb *Notebook) error {
	data, err := nb.Marshal()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(path, 0o644, data); err != nil {
		return fmt.Errorf("nbrun: write %s: %w", path, err)
	}
	return nil
}

// setLanguageInfo stores info as metadata.language_info, as nbclient does
// with the kernel_info_reply.
func (nb *Notebook) setLanguageInfo(info any) error {
	md := map[string]json.RawMessage{}
	if len(nb.Metadata) > 0 {
		if err := json.Unmarshal(nb.Metadata, &md); err != nil {
			return fmt.Errorf("nbrun: metadata: %w", err)
		}
	}
	// Through a map, so that the keys come out sorted like nbformat's.
	var li map[string]any
	raw, err := json.Marshal(info)
	if err == nil {
		err = json.Unmarshal(raw, &li)
	}
	if err != nil {
		return fmt.Errorf("nbrun: language_info: %w", err)
	}
	if md["language_info"], err = marshalRaw(li); err != nil {
		return fmt.Errorf("nbrun: language_info: %w", err)
	}
	nb.Metadata, err = marshalRaw(md)
	return err
}

// marshalRaw is json.Marshal without HTML escaping.
func marshalRaw(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// KernelSpec returns metadata.kernelspec's name and language, empty when
// the notebook does not say.
func (nb *Notebook) KernelSpec() (name, language string) {
	var md struct {
		KernelSpec struct {
			Name     string `json:"name"`
			Language string `json:"language"`
		} `json:"kernelspec"`
	}
	json.Unmarshal(nb.Metadata, &md) // a malformed kernelspec just says nothing
	return md.KernelSpec.Name, md.KernelSpec.Language
}
