package nbrun

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Output is one nbformat output of a code cell.
type Output struct {
	// Type is the output_type: "stream", "display_data", "execute_result"
	// or "error".
	Type string
	// Name and Text are a stream's name ("stdout" or "stderr") and text.
	Name, Text string
	// Data and Metadata are the MIME bundle of display_data and
	// execute_result. Text types hold joined strings, JSON types any JSON
	// value.
	Data, Metadata map[string]any
	// ExecutionCount is an execute_result's Out[n] number.
	ExecutionCount *int
	// EName, EValue and Traceback describe an error.
	EName, EValue string
	Traceback     []string

	extra map[string]json.RawMessage // unknown keys, kept
}

// outputKeys lists the keys each output type requires besides output_type.
var outputKeys = map[string][]string{
	"stream":         {"name", "text"},
	"display_data":   {"data", "metadata"},
	"execute_result": {"data", "metadata", "execution_count"},
	"error":          {"ename", "evalue", "traceback"},
}

func parseOutput(data []byte, where string) (*Output, error) {
	m, err := object(data, where)
	if err != nil {
		return nil, err
	}
	o := &Output{}
	if err := need(m, "output_type", where, &o.Type); err != nil {
		return nil, err
	}
	keys, ok := outputKeys[o.Type]
	if !ok {
		return nil, fmt.Errorf("%s: unknown output_type %q", where, o.Type)
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return nil, fmt.Errorf("%s: %s output lacks %q", where, o.Type, k)
		}
	}
	switch o.Type {
	case "stream":
		if err := need(m, "name", where, &o.Name); err != nil {
			return nil, err
		}
		if o.Text, err = multiline(m["text"], where+".text"); err != nil {
			return nil, err
		}
	case "display_data", "execute_result":
		if o.Data, err = parseBundle(m["data"], where+".data"); err != nil {
			return nil, err
		}
		if _, err := object(m["metadata"], where+".metadata"); err != nil {
			return nil, err
		}
		if err := need(m, "metadata", where, &o.Metadata); err != nil {
			return nil, err
		}
		if o.Type == "execute_result" {
			if err := need(m, "execution_count", where, &o.ExecutionCount); err != nil {
				return nil, err
			}
		}
	case "error":
		for k, p := range map[string]*string{"ename": &o.EName, "evalue": &o.EValue} {
			if err := need(m, k, where, p); err != nil {
				return nil, err
			}
		}
		if err := need(m, "traceback", where, &o.Traceback); err != nil {
			return nil, err
		}
		if o.Traceback == nil {
			return nil, fmt.Errorf("%s.traceback: want a list of strings, got null", where)
		}
	}
	for _, k := range append(keys, "output_type") {
		delete(m, k)
	}
	o.extra = m
	return o, nil
}

// isJSONMIME reports whether values of mime are JSON values rather than
// (multi-line) strings, following nbformat.
func isJSONMIME(mime string) bool {
	return mime == "application/json" || strings.HasPrefix(mime, "application/") && strings.HasSuffix(mime, "+json")
}

// parseBundle decodes a mimebundle, joining multi-line text values.
func parseBundle(raw json.RawMessage, where string) (map[string]any, error) {
	m, err := object(raw, where)
	if err != nil {
		return nil, err
	}
	data := make(map[string]any, len(m))
	for mime, v := range m {
		if i := strings.IndexByte(mime, '/'); i <= 0 || i == len(mime)-1 {
			return nil, fmt.Errorf("%s: key %q is not a MIME type", where, mime)
		}
		if isJSONMIME(mime) {
			var val any
			if err := json.Unmarshal(v, &val); err != nil {
				return nil, fmt.Errorf("%s[%q]: %v", where, mime, err)
			}
			data[mime] = val
			continue
		}
		s, err := multiline(v, fmt.Sprintf("%s[%q]", where, mime))
		if err != nil {
			return nil, err
		}
		data[mime] = s
	}
	return data, nil
}

// jsonValue returns the output as nbformat writes it.
func (o *Output) jsonValue() map[string]any {
	m := map[string]any{}
	for k, v := range o.extra {
		m[k] = v
	}
	m["output_type"] = o.Type
	switch o.Type {
	case "stream":
		m["name"] = o.Name
		m["text"] = splitLines(o.Text)
	case "display_data", "execute_result":
		m["data"] = splitBundle(o.Data)
		m["metadata"] = emptyIfNil(o.Metadata)
		if o.Type == "execute_result" {
			m["execution_count"] = o.ExecutionCount
		}
	case "error":
		m["ename"] = o.EName
		m["evalue"] = o.EValue
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m["traceback"] = tb
	}
	return m
}

func emptyIfNil(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// splitBundle splits the text values of a bundle into lines, as nbformat
// does for text/* types, SVG and JavaScript; other values (base64 images,
// JSON) are kept whole.
func splitBundle(data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for mime, v := range data {
		s, ok := v.(string)
		if ok && (strings.HasPrefix(mime, "text/") || mime == "image/svg+xml" || mime == "application/javascript") {
			out[mime] = splitLines(s)
			continue
		}
		out[mime] = v
	}
	return out
}

// splitLines splits s after each "\n", keeping the newlines, like Python's
// str.splitlines(True) for "\n"-terminated text. It never returns nil.
func splitLines(s string) []string {
	lines := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}
