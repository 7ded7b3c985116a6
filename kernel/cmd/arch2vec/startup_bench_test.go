package main

// Start-up and execute latency of the arch2vec kernel next to ipykernel,
// both driven by the same Go client in the same run (issue criterion:
// start-up to kernel_info_reply ≤ 100 ms, trivial execute ≤ 1 ms p50).
//
//	go test -run X -bench Kernels -benchtime 1x ./kernel/cmd/arch2vec/
//
// testdata/bench_startup.py measures the same through jupyter_client,
// whose own costs (KernelManager, libzmq's 100 ms reconnect interval,
// Python-side message handling) dominate the figures.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/arch2vec/arch2vec/kernel"
	"github.com/arch2vec/arch2vec/kernel/kerneltest"
	"github.com/arch2vec/arch2vec/kernel/wire"
	"github.com/arch2vec/arch2vec/kernel/zmqtransport"
)

const (
	benchStarts   = 20  // timed start-ups per b.N
	benchExecutes = 300 // timed execute round trips per b.N
	benchWarmup   = 10  // untimed executes before the timed ones
	// dialRetry is how often the start-up probe retries connecting to a
	// port the kernel has not bound yet (zmqtransport.Dial waits 50 ms,
	// libzmq 100 ms; either would dominate the figure).
	dialRetry = time.Millisecond
	// resendFirst is the first interval after which the probe resends
	// kernel_info_request; it doubles up to 100 ms. The first request is
	// answered as soon as the kernel serves (a DEALER connected after the
	// ZMTP handshake does not lose it); resends only guard against a lost
	// message and are bounded so ipykernel is not flooded while it loads.
	resendFirst = 5 * time.Millisecond
)

// benchKernel is one kernel under test.
type benchKernel struct {
	name, code string // trivial cell printing "hi\n"
	command    func(connFile string) *exec.Cmd
}

// BenchmarkKernels measures, for arch2vec and ipykernel on the same
// machine in the same run:
//
//   - startup: from exec of the kernel process to the first
//     kernel_info_reply on shell. The probe is a zmq4 DEALER that dials the
//     shell port every dialRetry until it is bound, sends
//     kernel_info_request right after the ZMTP handshake and resends it
//     with backoff (resendFirst). Each start uses fresh ports and ends with
//     shutdown_request on control (SIGKILL after 10 s). One untimed start
//     first warms page cache and ipykernel's profile directory.
//   - execute: a trivial cell ("%echo hi", "print('hi')") from sending
//     execute_request to having both execute_reply and the idle status,
//     with zmqtransport's client and kerneltest.Client (JSON decoding of
//     every message included, the same for both kernels).
//
// Reported: p50-ms and p95-ms over benchStarts×b.N or benchExecutes×b.N
// samples (use -benchtime 1x); execute also reports kernel-cpu-ms/exec,
// the kernel process's user+system CPU per execute (from /proc), which
// separates the kernel's cost from the client's on a loaded machine. The arch2vec binary is built without -race.
// ipykernel is Debian's (/usr/bin/python3 -m ipykernel_launcher); its
// sub-benchmarks skip when it cannot be imported.
func BenchmarkKernels(b *testing.B) {
	dir := b.TempDir()
	bin := buildBinary(b, dir)
	ipythonDir := filepath.Join(dir, "ipython")
	kernels := []benchKernel{
		{"arch2vec", "%echo hi", func(f string) *exec.Cmd { return exec.Command(bin, "kernel", "--connection-file", f) }},
		{"ipykernel", "print('hi')", func(f string) *exec.Cmd {
			cmd := exec.Command(python, "-m", "ipykernel_launcher", "-f", f)
			cmd.Env = append(os.Environ(), "IPYTHONDIR="+ipythonDir, "PYDEVD_DISABLE_FILE_VALIDATION=1",
				"PYTHONDONTWRITEBYTECODE=1")
			return cmd
		}},
	}
	for _, k := range kernels {
		b.Run(k.name, func(b *testing.B) {
			if k.name == "ipykernel" {
				if out, err := exec.Command(python, "-c", "import ipykernel").CombinedOutput(); err != nil {
					b.Skipf("ipykernel unavailable: %v %s", err, out)
				}
			}
			b.Run("startup", func(b *testing.B) { benchStartup(b, k) })
			b.Run("execute", func(b *testing.B) { benchExecute(b, k) })
		})
	}
}

func benchStartup(b *testing.B, k benchKernel) {
	stop := func(kp *benchProcess, conn *probeConn) {
		kp.shutdown(b, conn)
		conn.Close()
	}
	kp, conn := startProbed(b, k) // warm-up, untimed
	stop(kp, conn)
	lat := make([]time.Duration, 0, benchStarts*b.N)
	for b.Loop() {
		for range benchStarts {
			kp, conn := startProbed(b, k)
			lat = append(lat, kp.ready.Sub(kp.started))
			stop(kp, conn)
		}
	}
	reportPercentilesMS(b, lat)
}

func benchExecute(b *testing.B, k benchKernel) {
	kp, conn := startProbed(b, k)
	conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	zc, err := zmqtransport.Dial(ctx, kp.info)
	if err != nil {
		b.Fatal(err)
	}
	defer zc.Close()
	defer kp.shutdown(b, zc)
	c := kerneltest.NewClient(zc)
	if err := c.WaitReady(ctx); err != nil {
		b.Fatalf("%s not ready: %v\n%s", k.name, err, kp.stderr.String())
	}
	for i := range benchWarmup {
		ex, err := c.Execute(ctx, k.code, nil)
		if err != nil || ex.Content()["status"] != "ok" {
			b.Fatalf("%s: execute %q: %v %v\n%s", k.name, k.code, ex.Content(), err, kp.stderr.String())
		}
		if out := streamText(ex); i == 0 && out != "hi\n" {
			b.Fatalf("%s: execute %q printed %q, want %q", k.name, k.code, out, "hi\n")
		}
	}
	lat := make([]time.Duration, 0, benchExecutes*b.N)
	cpu0, cpuErr := processCPU(kp.cmd.Process.Pid)
	for b.Loop() {
		for range benchExecutes {
			t0 := time.Now()
			ex, err := c.Execute(ctx, k.code, nil)
			lat = append(lat, time.Since(t0))
			if err != nil || ex.Content()["status"] != "ok" {
				b.Fatalf("%s: execute %q: %v %v", k.name, k.code, ex.Content(), err)
			}
		}
	}
	if cpu1, err := processCPU(kp.cmd.Process.Pid); err == nil && cpuErr == nil {
		b.ReportMetric(float64(cpu1-cpu0)/float64(time.Millisecond)/float64(len(lat)), "kernel-cpu-ms/exec")
	}
	reportPercentilesMS(b, lat)
}

// processCPU returns the user+system CPU time of process pid so far, from
// /proc (clock ticks of 10 ms: meaningful over hundreds of executes).
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the parenthesised command name; utime and stime are
	// fields 14 and 15 of the whole line.
	i := strings.LastIndex(string(data), ") ")
	f := strings.Fields(string(data[i+1:]))
	if i < 0 || len(f) < 13 {
		return 0, fmt.Errorf("parse /proc/%d/stat: %q", pid, data)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("parse /proc/%d/stat: %w", pid, err)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil // USER_HZ is 100 on Linux
}

// reportPercentilesMS reports the nearest-rank p50 and p95 of lat in ms.
func reportPercentilesMS(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	at := func(p int) float64 { return float64(s[(len(s)*p+99)/100-1]) / float64(time.Millisecond) }
	b.ReportMetric(at(50), "p50-ms")
	b.ReportMetric(at(95), "p95-ms")
}

// benchProcess is a kernel process started on a fresh connection file.
type benchProcess struct {
	name            string
	cmd             *exec.Cmd
	info            *wire.ConnectionInfo
	stderr          *syncBuffer
	started, ready  time.Time // exec; first kernel_info_reply received
	exited          chan struct{}
	waitErr         error // valid once exited is closed
	cancelProbeDial context.CancelFunc
}

// startProbed starts the kernel and probes it until its first
// kernel_info_reply; it returns the process and the probe, connected to
// shell and control.
func startProbed(b *testing.B, k benchKernel) (*benchProcess, *probeConn) {
	b.Helper()
	info, connFile := newConnectionFile(b)
	kp := &benchProcess{name: k.name, cmd: k.command(connFile), info: info, stderr: &syncBuffer{}, exited: make(chan struct{})}
	kp.cmd.Stderr = kp.stderr
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	kp.cancelProbeDial = cancel
	kp.started = time.Now()
	if err := kp.cmd.Start(); err != nil {
		cancel()
		b.Fatal(err)
	}
	go func() {
		kp.waitErr = kp.cmd.Wait()
		close(kp.exited)
		cancel() // stops a probe still dialling a dead kernel
	}()
	b.Cleanup(func() { kp.kill() })
	conn, err := dialProbe(ctx, info)
	if err == nil {
		err = kp.awaitKernelInfo(ctx, kerneltest.NewClient(conn))
	}
	if err != nil {
		if conn != nil {
			conn.Close()
		}
		kp.kill()
		b.Fatalf("%s: %v\n%s", k.name, err, kp.stderr.String())
	}
	if err := conn.dialControl(info); err != nil {
		conn.Close()
		kp.kill()
		b.Fatalf("%s: %v", k.name, err)
	}
	return kp, conn
}

// awaitKernelInfo sends kernel_info_request until a kernel_info_reply
// arrives and records its arrival time.
func (kp *benchProcess) awaitKernelInfo(ctx context.Context, c *kerneltest.Client) error {
	for wait := resendFirst; ; wait = min(2*wait, 100*time.Millisecond) {
		if _, err := c.Start(kernel.Shell, wire.KernelInfoRequest, map[string]any{}); err != nil {
			return fmt.Errorf("send kernel_info_request: %w", err)
		}
		for {
			wctx, cancel := context.WithTimeout(ctx, wait)
			e, err := c.Next(wctx)
			cancel()
			if err == nil && e.Msg.Header.MsgType == wire.KernelInfoReply {
				kp.ready = time.Now()
				return nil
			}
			if ctx.Err() != nil {
				return fmt.Errorf("no kernel_info_reply: %w", context.Cause(ctx))
			}
			if errors.Is(err, context.DeadlineExceeded) {
				break // resend
			}
			if err != nil {
				return err
			}
		}
	}
}

// shutdown sends shutdown_request on control and waits for the process to
// exit, killing it after 10 s.
func (kp *benchProcess) shutdown(b *testing.B, conn kerneltest.Conn) {
	b.Helper()
	if _, err := kerneltest.NewClient(conn).Start(kernel.Control, wire.ShutdownRequest,
		map[string]any{"restart": false}); err != nil {
		b.Errorf("%s: shutdown_request: %v", kp.name, err)
	}
	select {
	case <-kp.exited:
		if kp.waitErr != nil {
			b.Errorf("%s: exit after shutdown_request: %v\n%s", kp.name, kp.waitErr, kp.stderr.String())
		}
	case <-time.After(10 * time.Second):
		b.Errorf("%s: no exit 10 s after shutdown_request; killed\n%s", kp.name, kp.stderr.String())
		kp.kill()
	}
}

// kill ends the process if it still runs and reaps it.
func (kp *benchProcess) kill() {
	select {
	case <-kp.exited:
	default:
		kp.cmd.Process.Kill()
		<-kp.exited
	}
	kp.cancelProbeDial()
}

// probeConn is a minimal kerneltest.Conn: DEALERs on shell and control
// sharing one identity, dialled with a 1 ms retry (zmqtransport.Dial's
// client waits 50 ms between attempts).
type probeConn struct {
	ctx            context.Context
	id             zmq4.SocketIdentity
	key            []byte
	shell, control zmq4.Socket
	in             chan probeMsg
}

type probeMsg struct {
	frames [][]byte
	err    error
}

// dialProbe connects the shell DEALER, retrying every dialRetry until the
// kernel has bound the port or ctx ends.
func dialProbe(ctx context.Context, info *wire.ConnectionInfo) (*probeConn, error) {
	p := &probeConn{ctx: ctx, id: zmq4.SocketIdentity(wire.NewID()), key: info.KeyBytes(), in: make(chan probeMsg, 64)}
	p.shell = p.dealer()
	if err := p.shell.Dial(info.Endpoint(info.ShellPort)); err != nil {
		p.shell.Close()
		return nil, fmt.Errorf("dial shell: %w", err)
	}
	go func() {
		for {
			m, err := p.shell.Recv()
			p.in <- probeMsg{m.Frames, err}
			if err != nil {
				return
			}
		}
	}()
	return p, nil
}

func (p *probeConn) dealer() zmq4.Socket {
	return zmq4.NewDealer(p.ctx, zmq4.WithID(p.id), zmq4.WithDialerRetry(dialRetry),
		zmq4.WithDialerMaxRetries(-1), zmq4.WithDialerTimeout(time.Second))
}

// dialControl connects the control DEALER (for shutdown_request).
func (p *probeConn) dialControl(info *wire.ConnectionInfo) error {
	p.control = p.dealer()
	if err := p.control.Dial(info.Endpoint(info.ControlPort)); err != nil {
		return fmt.Errorf("dial control: %w", err)
	}
	return nil
}

func (p *probeConn) Key() []byte { return p.key }

func (p *probeConn) SendFrames(ch kernel.Channel, frames [][]byte) error {
	var s zmq4.Socket
	switch ch {
	case kernel.Shell:
		s = p.shell
	case kernel.Control:
		s = p.control
	}
	if s == nil {
		return fmt.Errorf("probe: no socket for %v", ch)
	}
	return s.Send(zmq4.NewMsgFrom(frames...))
}

// Recv returns the next message on shell (the probe reads no other).
func (p *probeConn) Recv(ctx context.Context) (kernel.Channel, [][]byte, error) {
	select {
	case m := <-p.in:
		return kernel.Shell, m.frames, m.err
	case <-ctx.Done():
		return 0, nil, ctx.Err()
	}
}

// Close closes the sockets; the shell reader ends on the Recv error (in
// is buffered and nobody reads it after Close).
func (p *probeConn) Close() error {
	err := p.shell.Close()
	if p.control != nil {
		err = errors.Join(err, p.control.Close())
	}
	return err
}

// newConnectionFile writes a connection file with free loopback TCP ports
// and a fresh key into a temporary directory.
func newConnectionFile(tb testing.TB) (*wire.ConnectionInfo, string) {
	tb.Helper()
	info := &wire.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", SignatureScheme: "hmac-sha256", Key: wire.NewID()}
	var probes []net.Listener
	for _, p := range []*int{&info.ShellPort, &info.IOPubPort, &info.StdinPort, &info.ControlPort, &info.HBPort} {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		*p = l.Addr().(*net.TCPAddr).Port
		probes = append(probes, l)
	}
	for _, l := range probes { // free the ports for the kernel
		l.Close()
	}
	data, _ := json.Marshal(info)
	connFile := filepath.Join(tb.TempDir(), "kernel.json")
	if err := os.WriteFile(connFile, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return info, connFile
}
