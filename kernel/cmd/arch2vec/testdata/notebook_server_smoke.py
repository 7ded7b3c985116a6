"""Smoke test of the arch2vec kernel behind a Notebook 6 server (the REST +
WebSocket path JupyterLab uses).

Starts `python3 -m notebook` on a free port with a token, starts the kernel
named by $ARCH2VEC_KERNEL_NAME through POST /api/kernels, and over the
kernel's WebSocket channel: runs a cell producing image/png, checks the
server's kernel_info "nudge" went through (the kernel answers on shell and
control and publishes IOPub), interrupts a running %sleep through
POST /api/kernels/<id>/interrupt, and deletes the kernel. Exits non-zero on
any failure. Needs Debian's python3-notebook.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

from tornado.ioloop import IOLoop
from tornado.websocket import websocket_connect

KERNEL = os.environ.get("ARCH2VEC_KERNEL_NAME", "arch2vec")
TOKEN = uuid.uuid4().hex


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(port, method, path, body=None):
    req = urllib.request.Request(
        "http://127.0.0.1:%d%s" % (port, path), method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "token " + TOKEN, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        data = r.read()
        return json.loads(data) if data else None


def request(msg_type, content, channel="shell"):
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "smoke",
                   "session": SESSION, "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
    }


SESSION = uuid.uuid4().hex


async def run_cell(ws, code, on_busy=None, timeout=30):
    """Sends an execute_request; returns (reply, iopub messages) once idle."""
    msg = request("execute_request", {"code": code, "silent": False, "store_history": True,
                                      "user_expressions": {}, "allow_stdin": False,
                                      "stop_on_error": True})
    await ws.write_message(json.dumps(msg))
    msg_id = msg["header"]["msg_id"]
    reply, iopub, idle = None, [], False
    deadline = time.monotonic() + timeout
    while reply is None or not idle:
        if time.monotonic() > deadline:
            raise AssertionError("cell %r: no reply/idle within %ss" % (code, timeout))
        raw = await ws.read_message()
        if raw is None:
            raise AssertionError("websocket closed")
        m = json.loads(raw)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        for key in ("header", "parent_header", "metadata", "content"):
            assert key in m, "message without %s: %r" % (key, m)
        if m["channel"] == "shell":
            reply = m
        elif m["channel"] == "iopub":
            iopub.append(m)
            state = m["content"].get("execution_state")
            if state == "busy" and on_busy:
                await on_busy()
            idle = idle or state == "idle"
    return reply, iopub


async def smoke(port):
    kernel = api(port, "POST", "/api/kernels", {"name": KERNEL})
    kid = kernel["id"]
    url = "ws://127.0.0.1:%d/api/kernels/%s/channels?session_id=%s&token=%s" % (port, kid, SESSION, TOKEN)
    ws = await websocket_connect(url)
    try:
        reply, iopub = await run_cell(ws, "%demo png")
        assert reply["content"]["status"] == "ok", reply["content"]
        shown = [m for m in iopub if m["msg_type"] == "display_data"]
        assert shown and "image/png" in shown[0]["content"]["data"], [m["msg_type"] for m in iopub]
        assert isinstance(shown[0]["content"]["metadata"], dict)
        print("ok: %demo png over the websocket")

        async def interrupt():
            await IOLoop.current().run_in_executor(None, time.sleep, 0.5)
            await IOLoop.current().run_in_executor(
                None, api, port, "POST", "/api/kernels/%s/interrupt" % kid)

        start = time.monotonic()
        reply, _ = await run_cell(ws, "%sleep 30", on_busy=interrupt)
        assert reply["content"]["status"] == "error", reply["content"]
        assert reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
        assert time.monotonic() - start < 15
        print("ok: REST interrupt stopped %%sleep after %.1fs" % (time.monotonic() - start))

        reply, iopub = await run_cell(ws, "%echo still alive")
        assert any(m["msg_type"] == "stream" and "still alive" in m["content"]["text"] for m in iopub)
        print("ok: kernel alive after the interrupt")
    finally:
        ws.close()
        api(port, "DELETE", "/api/kernels/%s" % kid)
    print("ok: kernel deleted")


def main():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "notebook", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         "--port=%d" % port, "--NotebookApp.token=" + TOKEN, "--NotebookApp.open_browser=False"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                api(port, "GET", "/api/status")
                break
            except Exception:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("notebook server did not start")
                time.sleep(0.2)
        IOLoop.current().run_sync(lambda: smoke(port), timeout=120)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
