package zmqtransport_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/kerneltest"
	"github.com/arch2vec/arch2vec/kernel/wire"
	"github.com/arch2vec/arch2vec/kernel/zmqtransport"
)

// loopback is a connection file for tcp loopback with system-chosen ports.
func loopback() *wire.ConnectionInfo {
	return &wire.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", SignatureScheme: "hmac-sha256", Key: "zmq-test-key"}
}

type running struct {
	tr     *zmqtransport.Transport
	client *zmqtransport.Client
	served chan error
}

// startKernel serves kerneltest.Interp over ZeroMQ on info and dials it.
func startKernel(t testing.TB, info *wire.ConnectionInfo, opts kernel.Options) *running {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tr, err := zmqtransport.Listen(ctx, info, zmqtransport.Options{Logger: opts.Logger, Linger: 20 * time.Millisecond})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	k := kernel.New(kerneltest.Interp{}, tr, opts)
	r := &running{tr: tr, served: make(chan error, 1)}
	done := make(chan struct{})
	go func() { r.served <- k.Serve(ctx); close(done) }()
	ci := tr.ConnectionInfo()
	r.client, err = zmqtransport.Dial(ctx, &ci)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.client.Close()
		cancel()
		<-done
		tr.Close()
	})
	return r
}

// TestConformanceZMQ runs the shared conformance table over tcp loopback.
func TestConformanceZMQ(t *testing.T) {
	kerneltest.RunConformance(t, func(t testing.TB, opts kernel.Options) (kerneltest.Conn, <-chan error) {
		r := startKernel(t, loopback(), opts)
		return r.client, r.served
	})
}

func ready(t testing.TB, r *running) (context.Context, *kerneltest.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	c := kerneltest.NewClient(r.client)
	if err := c.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return ctx, c
}

// TestHeartbeatWhileBusy pings the heartbeat while a cell sleeps.
func TestHeartbeatWhileBusy(t *testing.T) {
	r := startKernel(t, loopback(), kernel.Options{})
	ctx, c := ready(t, r)
	req, err := c.Start(kernel.Shell, wire.ExecuteRequest, kerneltest.ExecuteContent("sleep 1s", nil))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		pctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		t0 := time.Now()
		err := r.client.Ping(pctx)
		cancel()
		if err != nil {
			t.Fatalf("ping %d while busy: %v", i, err)
		}
		if d := time.Since(t0); d > 300*time.Millisecond {
			t.Errorf("ping %d took %v", i, d)
		}
	}
	ex, err := c.Wait(ctx, req, true)
	if err != nil || ex.Content()["status"] != "ok" {
		t.Fatalf("sleep: %v %v", ex, err)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestBadSignatureLogged checks that a badly signed execute is logged,
// dropped and never run.
func TestBadSignatureLogged(t *testing.T) {
	var logs syncBuffer
	r := startKernel(t, loopback(), kernel.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx, c := ready(t, r)
	m, _ := c.NewRequest(wire.ExecuteRequest, kerneltest.ExecuteContent("echo forged", nil))
	frames, err := wire.Encode(m, []byte("not the key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.client.SendFrames(kernel.Shell, frames); err != nil {
		t.Fatal(err)
	}
	ex, err := c.Execute(ctx, "echo real", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := ex.Content()["execution_count"]; got != 1.0 {
		t.Errorf("execution_count = %v: the forged execute ran", got)
	}
	if !strings.Contains(logs.String(), "dropped bad message") || !strings.Contains(logs.String(), "bad message signature") {
		t.Errorf("log does not mention the dropped message:\n%s", logs.String())
	}
}

// TestIPC serves over ipc transport.
func TestIPC(t *testing.T) {
	info := loopback()
	info.Transport, info.IP = "ipc", filepath.Join(t.TempDir(), "kernel")
	info.ShellPort, info.IOPubPort, info.StdinPort, info.ControlPort, info.HBPort = 1, 2, 3, 4, 5
	r := startKernel(t, info, kernel.Options{})
	ctx, c := ready(t, r)
	ex, err := c.Execute(ctx, "echo over ipc", nil)
	if err != nil || ex.Content()["status"] != "ok" {
		t.Fatalf("execute over ipc: %v %v", ex, err)
	}
	if err := r.client.Ping(ctx); err != nil {
		t.Fatalf("heartbeat over ipc: %v", err)
	}
}

// ourGoroutines lists goroutines running code of the kernel packages.
func ourGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var ours []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "arch2vec/kernel") && !strings.Contains(g, "ourGoroutines") &&
			!strings.Contains(g, "testing.tRunner") {
			ours = append(ours, g)
		}
	}
	return ours
}

// TestNoGoroutineLeak starts and shuts down kernels and checks that none of
// the goroutines of the transport, the client or the core survive.
func TestNoGoroutineLeak(t *testing.T) {
	for i := 0; i < 3; i++ {
		t.Run("kernel", func(t *testing.T) {
			r := startKernel(t, loopback(), kernel.Options{})
			ctx, c := ready(t, r)
			if _, err := c.Do(ctx, kernel.Control, wire.ShutdownRequest, map[string]any{}); err != nil {
				t.Fatal(err)
			}
			if err := <-r.served; err != nil {
				t.Fatal(err)
			}
		})
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(ourGoroutines()) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if g := ourGoroutines(); len(g) > 0 {
		t.Errorf("%d goroutines left:\n%s", len(g), strings.Join(g, "\n\n"))
	}
}

// BenchmarkExecuteRoundTrip measures a trivial execute over tcp loopback,
// from sending the request to receiving both the reply and idle.
func BenchmarkExecuteRoundTrip(b *testing.B) {
	r := startKernel(b, loopback(), kernel.Options{})
	ctx, c := ready(b, r)
	b.ReportAllocs()
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t0 := time.Now()
		ex, err := c.Execute(ctx, "echo x", nil)
		if err != nil || ex.Content()["status"] != "ok" {
			b.Fatalf("%v %v", ex, err)
		}
		lat = append(lat, time.Since(t0))
	}
	reportPercentiles(b, lat)
}

// BenchmarkStartup measures binding the sockets, starting the kernel and
// dialling it until the first kernel_info_reply (with its idle) arrives.
func BenchmarkStartup(b *testing.B) {
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t0 := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		tr, err := zmqtransport.Listen(ctx, loopback(), zmqtransport.Options{Logger: slog.New(slog.DiscardHandler), Linger: time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		k := kernel.New(kerneltest.Interp{}, tr, kernel.Options{Logger: slog.New(slog.DiscardHandler)})
		done := make(chan struct{})
		go func() { k.Serve(ctx); close(done) }()
		ci := tr.ConnectionInfo()
		client, err := zmqtransport.Dial(ctx, &ci)
		if err != nil {
			b.Fatal(err)
		}
		if err := kerneltest.NewClient(client).WaitReady(ctx); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		client.Close()
		cancel()
		<-done
		tr.Close()
	}
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	s := slices.Clone(lat)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	b.ReportMetric(float64(s[len(s)*50/100].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(s[len(s)*95/100].Nanoseconds()), "p95-ns")
}
