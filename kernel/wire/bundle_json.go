package wire

import "encoding/json"

// MarshalJSON encodes the bundle with nil Data or Metadata as {}, never
// null: the notebook format and JupyterLab reject null metadata.
func (b MIMEBundle) MarshalJSON() ([]byte, error) {
	type plain struct {
		Data     map[string]any `json:"data"`
		Metadata map[string]any `json:"metadata"`
	}
	p := plain{Data: b.Data, Metadata: b.Metadata}
	if p.Data == nil {
		p.Data = map[string]any{}
	}
	if p.Metadata == nil {
		p.Metadata = map[string]any{}
	}
	return Marshal(p)
}

var _ json.Marshaler = MIMEBundle{}
