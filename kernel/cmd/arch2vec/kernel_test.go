package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/kerneltest"
	"github.com/arch2vec/arch2vec/kernel/wire"
	"github.com/arch2vec/arch2vec/kernel/zmqtransport"
)

// buildBinary builds this package into dir and returns the binary's path.
func buildBinary(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "arch2vec")
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if out, err := exec.Command(goCmd, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// syncBuffer is a bytes.Buffer safe for a child's stderr and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// kernelProcess is "arch2vec kernel" running as a child process with a Go
// ZeroMQ client connected to it.
type kernelProcess struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	client *kerneltest.Client
	exited chan error
}

// startKernel writes a connection file with free TCP ports and starts the
// binary on it.
func startKernel(t *testing.T, bin string) *kernelProcess {
	t.Helper()
	info, connFile := newConnectionFile(t)
	kp := &kernelProcess{stderr: &syncBuffer{}, exited: make(chan error, 1)}
	kp.cmd = exec.Command(bin, "kernel", "--connection-file", connFile)
	kp.cmd.Stderr = kp.stderr
	return kp.start(t, info)
}

// start starts the process and connects the client.
func (kp *kernelProcess) start(t *testing.T, info *wire.ConnectionInfo) *kernelProcess {
	t.Helper()
	if err := kp.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { kp.exited <- kp.cmd.Wait() }()
	t.Cleanup(func() {
		kp.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("kernel stderr:\n%s", kp.stderr.String())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := zmqtransport.Dial(context.Background(), info)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	kp.client = kerneltest.NewClient(conn)
	if err := kp.client.WaitReady(ctx); err != nil {
		t.Fatalf("kernel not ready: %v\n%s", err, kp.stderr.String())
	}
	return kp
}

// execute runs code and returns the reply content and the concatenated
// stdout text.
func (kp *kernelProcess) execute(t *testing.T, code string) (map[string]any, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ex, err := kp.client.Execute(ctx, code, nil)
	if err != nil {
		t.Fatalf("execute %q: %v", code, err)
	}
	return ex.Content(), streamText(ex)
}

func streamText(ex *kerneltest.Exchange) string {
	var b strings.Builder
	for _, m := range ex.IOPub {
		if m.Header.MsgType == wire.Stream {
			var c struct{ Name, Text string }
			json.Unmarshal(m.Content, &c)
			b.WriteString(c.Text)
		}
	}
	return b.String()
}

// waitExit waits for the process to exit and returns its error.
func (kp *kernelProcess) waitExit(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case err := <-kp.exited:
		return err
	case <-time.After(d):
		t.Fatalf("kernel did not exit within %v\n%s", d, kp.stderr.String())
		return nil
	}
}

// TestKernelSubcommand starts "arch2vec kernel" as a process and drives it
// over ZeroMQ with the Go client: SIGINT interrupts a running cell without
// killing the kernel, SIGTERM and shutdown_request end it cleanly.
func TestKernelSubcommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary; skipped with -short")
	}
	bin := buildBinary(t, t.TempDir())

	t.Run("SIGINT interrupts, SIGTERM terminates", func(t *testing.T) {
		kp := startKernel(t, bin)
		if reply, out := kp.execute(t, "%echo hello, world"); reply["status"] != "ok" || out != "hello, world\n" {
			t.Fatalf("echo: reply %v, stdout %q", reply, out)
		}
		// SIGINT while idle (jupyter_client sends one before every
		// shutdown_request) must not kill the kernel either.
		if err := kp.cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		if reply, _ := kp.execute(t, "%echo idle SIGINT survived"); reply["status"] != "ok" {
			t.Fatalf("after an idle SIGINT: reply %v", reply)
		}
		req, err := kp.client.Start(kernel.Shell, wire.ExecuteRequest, kerneltest.ExecuteContent("%sleep 30", nil))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		start := time.Now()
		if err := kp.cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ex, err := kp.client.Wait(ctx, req, true)
		if err != nil {
			t.Fatalf("waiting for the interrupted cell: %v", err)
		}
		if c := ex.Content(); c["status"] != "error" || c["ename"] != "KeyboardInterrupt" {
			t.Errorf("interrupted reply = %v", c)
		}
		t.Logf("SIGINT to reply: %v", time.Since(start))
		if reply, out := kp.execute(t, "%echo alive"); reply["status"] != "ok" || out != "alive\n" {
			t.Errorf("after SIGINT: reply %v, stdout %q", reply, out)
		}
		if err := kp.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := kp.waitExit(t, 10*time.Second); err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, kp.stderr.String())
		}
		for _, s := range []string{"serving", "SIGINT, interrupting", "terminated"} {
			if !strings.Contains(kp.stderr.String(), s) {
				t.Errorf("stderr lacks %q:\n%s", s, kp.stderr.String())
			}
		}
	})

	t.Run("shutdown_request", func(t *testing.T) {
		kp := startKernel(t, bin)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ex, err := kp.client.Do(ctx, kernel.Control, wire.ShutdownRequest, map[string]any{"restart": false})
		if err != nil {
			t.Fatal(err)
		}
		if c := ex.Content(); c["status"] != "ok" || c["restart"] != false {
			t.Errorf("shutdown_reply = %v", c)
		}
		if err := kp.waitExit(t, 10*time.Second); err != nil {
			t.Errorf("exit after shutdown_request: %v", err)
		}
		if !strings.Contains(kp.stderr.String(), "shut down") {
			t.Errorf("stderr lacks the shutdown line:\n%s", kp.stderr.String())
		}
	})
}

func TestKernelUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "conn.json")
	os.WriteFile(bad, []byte(`{"transport": "carrier-pigeon"}`), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no connection file", []string{"kernel"}, 2, "--connection-file is required"},
		{"positional", []string{"kernel", "x.json"}, 2, `unexpected argument "x.json"`},
		{"missing file", []string{"kernel", "--connection-file", filepath.Join(dir, "missing.json")}, 1, "no such file"},
		{"bad file", []string{"kernel", "--connection-file", bad}, 1, "connection file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runMain(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.msg)
			}
		})
	}
}
