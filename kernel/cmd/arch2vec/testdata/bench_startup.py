"""Start-up and round-trip latency of Jupyter kernels, measured with jupyter_client.

For each kernel name given, starts the kernel --starts times and measures the
time from launching the process to the first kernel_info_reply; on one of
those kernels it then measures --executes trivial execute round trips (from
sending execute_request to the idle status that ends it). Prints p50/p95
in milliseconds, one line per kernel and figure, and a JSON summary line.

    /usr/bin/python3 bench_startup.py --starts 10 --executes 100 arch2vec=%echo\ hi python3=pass

Each argument is NAME=CODE: the kernelspec name and the trivial cell to run.
"""

import argparse
import json
import statistics
import time

from jupyter_client.manager import KernelManager


def percentile(xs, p):
    """Nearest-rank percentile of xs (0 < p <= 100)."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def first_kernel_info(kc, timeout=60.0):
    """Sends kernel_info_request (again every 0.5 s) until a reply arrives."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kc.kernel_info()
        try:
            msg = kc.get_shell_msg(timeout=0.5)
        except Exception:  # queue.Empty
            continue
        if msg["msg_type"] == "kernel_info_reply":
            return msg
    raise TimeoutError("no kernel_info_reply within %gs" % timeout)


def drain(kc):
    """Discards pending shell and IOPub messages."""
    for get in (kc.get_shell_msg, kc.get_iopub_msg):
        while True:
            try:
                get(timeout=0.05)
            except Exception:
                break


def round_trip(kc, code, timeout=30.0):
    """Seconds from execute_request until both its reply and its idle status arrived."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                and m["content"]["execution_state"] == "idle"):
            break
    while kc.get_shell_msg(timeout=timeout)["parent_header"].get("msg_id") != msg_id:
        pass
    return time.perf_counter() - t0


def bench(name, code, starts, executes):
    startup = []
    rtts = []
    for i in range(starts):
        km = KernelManager(kernel_name=name)
        t0 = time.perf_counter()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            first_kernel_info(kc)
            startup.append(time.perf_counter() - t0)
            if i == 0:
                kc.wait_for_ready(timeout=60)
                drain(kc)
                for _ in range(5):  # warm-up
                    round_trip(kc, code)
                rtts = [round_trip(kc, code) for _ in range(executes)]
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    return {
        "kernel": name,
        "code": code,
        "starts": starts,
        "startup_p50_ms": 1000 * percentile(startup, 50),
        "startup_p95_ms": 1000 * percentile(startup, 95),
        "startup_mean_ms": 1000 * statistics.mean(startup),
        "executes": executes,
        "rtt_p50_ms": 1000 * percentile(rtts, 50),
        "rtt_p95_ms": 1000 * percentile(rtts, 95),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--starts", type=int, default=10)
    ap.add_argument("--executes", type=int, default=100)
    ap.add_argument("kernels", nargs="+", metavar="NAME=CODE")
    args = ap.parse_args()
    results = []
    for spec in args.kernels:
        name, _, code = spec.partition("=")
        r = bench(name, code or "", args.starts, args.executes)
        results.append(r)
        print("%-10s start-up to kernel_info_reply  p50 %7.1f ms  p95 %7.1f ms  (n=%d)"
              % (name, r["startup_p50_ms"], r["startup_p95_ms"], r["starts"]))
        print("%-10s execute round trip             p50 %7.2f ms  p95 %7.2f ms  (n=%d, %r)"
              % (name, r["rtt_p50_ms"], r["rtt_p95_ms"], r["executes"], r["code"]))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
