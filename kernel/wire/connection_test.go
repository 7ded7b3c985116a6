package wire

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseConnectionInfo(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		wantErr bool
		shell   string
	}{
		{"tcp", `{"transport":"tcp","ip":"127.0.0.1","shell_port":5001,"iopub_port":5002,"stdin_port":5003,
			"control_port":5004,"hb_port":5005,"signature_scheme":"hmac-sha256","key":"abc","kernel_name":"arch2vec",
			"curve_publickey":"ignored"}`, false, "tcp://127.0.0.1:5001"},
		{"ipc", `{"transport":"ipc","ip":"/tmp/kernel-1","shell_port":1,"signature_scheme":"hmac-sha256","key":""}`,
			false, "ipc:///tmp/kernel-1-1"},
		{"default transport, no key", `{"ip":"::1","shell_port":7}`, false, "tcp://[::1]:7"},
		{"udp", `{"transport":"udp","ip":"x"}`, true, ""},
		{"md5", `{"ip":"x","signature_scheme":"hmac-md5","key":"k"}`, true, ""},
		{"key without scheme", `{"ip":"x","key":"k"}`, true, ""},
		{"no ip", `{"transport":"tcp"}`, true, ""},
		{"bad port", `{"ip":"x","hb_port":70000}`, true, ""},
		{"not json", `{"ip":`, true, ""},
		{"port is string", `{"ip":"x","shell_port":"1"}`, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConnectionInfo([]byte(tc.json))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("got %+v, want an error", c)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Endpoint(c.ShellPort); got != tc.shell {
				t.Errorf("shell endpoint = %q, want %q", got, tc.shell)
			}
		})
	}
}

func TestReadConnectionFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kernel-1.json")
	if err := os.WriteFile(path, []byte(`{"ip":"127.0.0.1","key":"k","signature_scheme":"hmac-sha256"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := ReadConnectionFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.KeyBytes()) != "k" {
		t.Errorf("key = %q", c.KeyBytes())
	}
	if _, err := ReadConnectionFile(path + ".missing"); err == nil {
		t.Error("missing file: no error")
	}
}
