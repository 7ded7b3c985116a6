"""Renders an executed arch2vec notebook in the classic Notebook (Debian's
python3-notebook) inside headless Chromium and reports what the page shows.

    browser_check.py NOTEBOOK.ipynb OUT_DIR

Serves the notebook's directory with `python3 -m notebook` on a free port,
opens the notebook in `chromium --headless` and, through the DevTools
protocol, waits until the front end has rendered every output; then it
writes OUT_DIR/screenshot.png (a 1280-pixel-wide screenshot of the page)
and prints one JSON object on stdout:

    {"png": [[complete, naturalWidth, naturalHeight], ...],  # every <img> of an image/png output
     "svg": [[width, height], ...],         # every <svg> of an image/svg+xml output
     "inline_svg": [[width, height], ...],  # every <svg> inside a text/html output
     "tables": N,       # HTML tables in text/html outputs
     "errors": N,       # error outputs
     "prompts": [...],  # the In [n] prompts
     "kernel": "..."}   # the kernel's display name in the toolbar

The Go test (TestBrowserRender in kernel/cmd/arch2vec) runs it and checks
the numbers; by hand it needs $JUPYTER_DATA_DIR holding the kernelspec.
Exits non-zero when the page does not render within the timeout.
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

from tornado.ioloop import IOLoop
from tornado.websocket import websocket_connect

TOKEN = uuid.uuid4().hex
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "chromium")

# Collected in the page once every output area has rendered.
SUMMARY_JS = """(() => {
  const box = e => { const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; };
  const imgs = Array.from(document.querySelectorAll('.output_png img'));
  return JSON.stringify({
    cells: document.querySelectorAll('.cell').length,
    png: imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight]),
    svg: Array.from(document.querySelectorAll('.output_svg svg')).map(box),
    inline_svg: Array.from(document.querySelectorAll('.output_html svg')).map(box),
    tables: document.querySelectorAll('.output_html table').length,
    errors: document.querySelectorAll('.output_error').length,
    prompts: Array.from(document.querySelectorAll('.input_prompt')).map(p => p.innerText.trim()),
    kernel: (document.querySelector('.kernel_indicator_name') || {}).innerText || '',
  });
})()"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def wait_for(what, f, timeout, proc):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return f()
        except Exception as e:  # not up yet
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("%s did not start: %s" % (what, e))
            time.sleep(0.2)


class DevTools:
    """A minimal Chrome DevTools protocol client over one page target."""

    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    async def call(self, method, **params):
        self.next_id += 1
        mid = self.next_id
        await self.ws.write_message(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = await self.ws.read_message()
            if msg is None:
                raise SystemExit("DevTools connection closed during " + method)
            msg = json.loads(msg)
            if msg.get("id") == mid:
                if "error" in msg:
                    raise SystemExit("%s: %s" % (method, msg["error"]))
                return msg["result"]

    async def eval(self, expr):
        r = await self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        return r["result"].get("value")


async def render(page_ws, url, want_cells, out_dir, timeout=90):
    dt = DevTools(await websocket_connect(page_ws, max_message_size=64 << 20))
    await dt.call("Page.enable")
    await dt.call("Emulation.setDeviceMetricsOverride", width=1280, height=2400, deviceScaleFactor=1, mobile=False)
    await dt.call("Page.navigate", url=url)
    deadline = time.monotonic() + timeout
    summary = None
    while time.monotonic() < deadline:
        raw = await dt.eval(SUMMARY_JS)
        summary = json.loads(raw) if raw else None
        # Done when every cell is on the page, every image has decoded and
        # the kernel has started (its name shows in the toolbar).
        if (summary and summary["cells"] >= want_cells and summary["kernel"]
                and all(p[0] and p[1] > 0 for p in summary["png"])):
            break
        await sleep(0.5)
    else:
        raise SystemExit("page did not render within %ds: %s" % (timeout, summary))
    await sleep(1.0)  # let layout settle before the screenshot
    shot = await dt.call("Page.captureScreenshot", format="png")
    with open(os.path.join(out_dir, "screenshot.png"), "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    return summary


async def sleep(s):
    import asyncio
    await asyncio.sleep(s)


def main():
    notebook, out_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with open(notebook) as f:
        want_cells = len(json.load(f)["cells"])
    port, dport = free_port(), free_port()
    profile = tempfile.mkdtemp(prefix="arch2vec-chromium-")
    server = subprocess.Popen(
        [sys.executable, "-m", "notebook", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         "--port=%d" % port, "--NotebookApp.token=" + TOKEN, "--NotebookApp.open_browser=False",
         "--notebook-dir=" + os.path.dirname(notebook)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    browser = None
    try:
        wait_for("notebook server", lambda: get_json(
            "http://127.0.0.1:%d/api/status?token=%s" % (port, TOKEN)), 60, server)
        browser = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--user-data-dir=" + profile, "--remote-debugging-port=%d" % dport,
             "--window-size=1280,2400", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pages = wait_for("chromium", lambda: [t for t in get_json("http://127.0.0.1:%d/json/list" % dport)
                                              if t["type"] == "page"] or 1 / 0, 60, browser)
        url = "http://127.0.0.1:%d/notebooks/%s?token=%s" % (port, os.path.basename(notebook), TOKEN)
        summary = IOLoop.current().run_sync(
            lambda: render(pages[0]["webSocketDebuggerUrl"], url, want_cells, out_dir), timeout=150)
        print(json.dumps(summary))
    finally:
        for p in (browser, server):
            if p is not None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
