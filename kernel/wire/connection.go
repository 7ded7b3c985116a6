package wire

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
)

// ConnectionInfo is the connection file a client writes for the kernel
// (jupyter_client docs/kernels.rst). Unknown keys are ignored.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" or "ipc"
	IP              string `json:"ip"`        // for ipc, the path prefix
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	SignatureScheme string `json:"signature_scheme"` // "hmac-sha256"
	Key             string `json:"key"`              // empty: no signing
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and validates the connection file at path.
func ReadConnectionFile(path string) (*ConnectionInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("wire: connection file: %w", err)
	}
	c, err := ParseConnectionInfo(data)
	if err != nil {
		return nil, fmt.Errorf("wire: connection file %s: %w", path, err)
	}
	return c, nil
}

// ParseConnectionInfo decodes and validates a connection file's contents.
// A missing transport means "tcp"; a missing signature_scheme is accepted
// only with an empty key.
func ParseConnectionInfo(data []byte) (*ConnectionInfo, error) {
	var c ConnectionInfo
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if c.Transport == "" {
		c.Transport = "tcp"
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate reports the first problem that would stop the kernel binding
// its sockets or checking signatures.
func (c *ConnectionInfo) Validate() error {
	switch c.Transport {
	case "tcp", "ipc":
	default:
		return fmt.Errorf("transport %q: want tcp or ipc", c.Transport)
	}
	if c.IP == "" {
		return fmt.Errorf("ip is empty")
	}
	switch {
	case c.SignatureScheme == "hmac-sha256":
	case c.SignatureScheme == "" && c.Key == "":
	default:
		return fmt.Errorf("signature_scheme %q: only hmac-sha256 is supported", c.SignatureScheme)
	}
	for _, p := range []struct {
		name string
		port int
	}{{"shell_port", c.ShellPort}, {"iopub_port", c.IOPubPort}, {"stdin_port", c.StdinPort},
		{"control_port", c.ControlPort}, {"hb_port", c.HBPort}} {
		if p.port < 0 || p.port > 65535 {
			return fmt.Errorf("%s %d out of range", p.name, p.port)
		}
	}
	return nil
}

// KeyBytes returns the HMAC key; nil means messages are not signed.
func (c *ConnectionInfo) KeyBytes() []byte {
	if c.Key == "" {
		return nil
	}
	return []byte(c.Key)
}

// Endpoint returns the ZeroMQ address for port: tcp://ip:port, or
// ipc://ip-port as jupyter_client forms ipc paths. Port 0 with tcp asks the
// system for a free port.
func (c *ConnectionInfo) Endpoint(port int) string {
	if c.Transport == "ipc" {
		return "ipc://" + c.IP + "-" + strconv.Itoa(port)
	}
	ip := c.IP
	if len(ip) > 0 && ip[0] != '[' && containsColon(ip) { // IPv6 literal
		ip = "[" + ip + "]"
	}
	return "tcp://" + ip + ":" + strconv.Itoa(port)
}

func containsColon(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return true
		}
	}
	return false
}
