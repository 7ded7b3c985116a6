"""Conformance tests of the arch2vec Jupyter kernel with real Jupyter clients.

Runs jupyter_kernel_test (Debian's python3-jupyter-kernel-test) against the
kernelspec named by $ARCH2VEC_KERNEL_NAME (default "arch2vec"), plus
arch2vec-specific tests for what jupyter_kernel_test does not cover:
interrupts (message and SIGINT), update_display_data, stop_on_error aborts,
kernel_info on the control channel, completion metadata and the ipc transport.

Run it through the Go test (kernel/cmd/arch2vec/conformance_test.go), which
builds the binary and installs the kernelspec into a temporary
JUPYTER_DATA_DIR, or by hand:

    JUPYTER_DATA_DIR=/tmp/jd arch2vec install --user
    JUPYTER_DATA_DIR=/tmp/jd /usr/bin/python3 -m unittest -v test_arch2vec_kernel.py
"""

import os
import signal
import tempfile
import time
import unittest
from queue import Empty

from jupyter_client.manager import KernelManager

import jupyter_kernel_test
from jupyter_kernel_test.msgspec_v5 import validate_message

KERNEL_NAME = os.environ.get("ARCH2VEC_KERNEL_NAME", "arch2vec")


class Arch2vecKernelTests(jupyter_kernel_test.KernelTests):
    """Every sample attribute of jupyter_kernel_test.KernelTests, filled."""

    kernel_name = KERNEL_NAME

    @classmethod
    def setUpClass(cls):
        """Starts the kernel and loads 300 cells of the embedded
        NAS-Bench-201 table, which the display_data samples draw."""
        super().setUpClass()
        reply = cls.kc.execute_interactive(
            "%load_cells nasbench201 --limit 300", timeout=60, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok", reply["content"]
    language_name = "arch2vec"
    file_extension = ".a2v"

    code_hello_world = "%echo hello, world"
    code_stderr = "%echo --to stderr this goes to stderr"

    completion_samples = [
        {"text": "%he", "matches": {"%help"}},
        {"text": "%lsm", "matches": {"%lsmagic"}},
        {"text": "%ec", "matches": {"%echo"}},
        {"text": "%echo --t", "matches": {"--to"}},
        # The arch2vec commands themselves.
        {"text": "%pre", "matches": {"%pretrain"}},
        {"text": "%pretrain --mo", "matches": {"--mode"}},
        {"text": "%pretrain --mode ", "matches": {"reference", "standard"}},
    ]

    complete_code_samples = ["%help", "%lsmagic", "%echo hello", "%echo a\n%echo b", "%sleep 1"]
    incomplete_code_samples = ['%echo "an open quote', "%echo continued \\"]
    invalid_code_samples = ["%no_such_command", "%echo --to nowhere x", "print(1)"]

    code_page_something = "%help?"

    # A bad flag value of a real command: one error, nothing else.
    code_generate_error = "%pretrain --epochs many"

    code_execute_result = [
        {"code": "%echo --to result 42", "result": "42"},
        {"code": "%echo --to result hello result", "result": "hello result"},
    ]

    code_display_data = [
        # Real arch2vec commands: help is displayed, and so are a drawing
        # of a cell (SVG) and a gonum/plot figure (PNG with an SVG
        # alternative) of the cells setUpClass loads.
        {"code": "%help", "mime": "text/html"},
        {"code": "%help pretrain", "mime": "text/plain"},
        {"code": "%show 7", "mime": "image/svg+xml"},
        {"code": "%show 3", "mime": "application/json"},
        # %search displays its regret figure (PNG + SVG) and the best cell
        # (SVG): every display_data carries image/svg+xml.
        {"code": "%search random --runs 2 --queries 20", "mime": "image/svg+xml"},
        {"code": "%search random --runs 3 --queries 10 --seed 5", "mime": "text/plain"},
        {"code": "%echo --to display shown", "mime": "text/plain"},
        {"code": "%demo html", "mime": "text/html"},
        {"code": "%demo markdown", "mime": "text/markdown"},
        {"code": "%demo png", "mime": "image/png"},
        {"code": "%demo svg", "mime": "image/svg+xml"},
        {"code": "%demo json", "mime": "application/json"},
        {"code": "%demo table", "mime": "text/html"},
    ]

    # Matches exactly one of the code_execute_result codes.
    code_history_pattern = "%echo --to result 4*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "%pretrain"

    code_clear_output = "%clear"

    # -- arch2vec-specific tests -------------------------------------------

    def collect(self, msg_id, timeout=10.0):
        """Returns the validated IOPub messages of one request, up to idle."""
        msgs = []
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.fail("no idle status for %s within %gs; got %s"
                          % (msg_id, timeout, [m["msg_type"] for m in msgs]))
            try:
                msg = self.kc.get_iopub_msg(timeout=remaining)
            except Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            validate_message(msg, msg["msg_type"], msg_id)
            msgs.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return msgs

    def reply_to(self, msg_id, timeout=10.0):
        """Returns the shell reply to msg_id, skipping stale replies."""
        deadline = time.monotonic() + timeout
        while True:
            reply = self.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def assert_alive(self):
        """The kernel still executes cells normally."""
        self.flush_channels()
        reply, outputs = self.execute_helper("%echo still alive")
        self.assertEqual(reply["content"]["status"], "ok")
        texts = [m["content"]["text"] for m in outputs if m["msg_type"] == "stream"]
        self.assertIn("still alive\n", "".join(texts))

    def interrupted_sleep(self, interrupt):
        """Runs %sleep 30, calls interrupt() after 0.5 s, checks the reply."""
        self.flush_channels()
        start = time.monotonic()
        msg_id = self.kc.execute("%sleep 30")
        time.sleep(0.5)
        interrupt()
        reply = self.reply_to(msg_id, timeout=10)
        elapsed = time.monotonic() - start
        validate_message(reply, "execute_reply", msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        self.assertLess(elapsed, 10)
        msgs = self.collect(msg_id)
        self.assertEqual([m for m in msgs if m["msg_type"] == "error"][0]["content"]["ename"],
                         "KeyboardInterrupt")
        self.assert_alive()

    def test_arch2vec_interrupt_message(self):
        """interrupt_request on control (interrupt_mode "message") stops %sleep."""
        self.assertEqual(self.km.kernel_spec.interrupt_mode, "message")
        self.interrupted_sleep(self.km.interrupt_kernel)

    def test_arch2vec_interrupt_sigint(self):
        """SIGINT to the kernel's process group stops %sleep; the kernel survives."""
        self.interrupted_sleep(lambda: self.km.signal_kernel(signal.SIGINT))
        self.assertTrue(self.km.is_alive())

    def test_arch2vec_update_display_data(self):
        """%sleep shows a progress display and updates it by display id."""
        self.flush_channels()
        msg_id = self.kc.execute("%sleep 0.5")
        msgs = self.collect(msg_id)
        reply = self.reply_to(msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        shown = [m for m in msgs if m["msg_type"] == "display_data"]
        updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
        self.assertGreaterEqual(len(shown), 1)
        self.assertGreaterEqual(len(updates), 1)
        display_id = shown[0]["content"]["transient"]["display_id"]
        self.assertTrue(display_id)
        for u in updates:
            self.assertEqual(u["content"]["transient"]["display_id"], display_id)
            self.assertIn("text/plain", u["content"]["data"])
        self.assertIn("100%", updates[-1]["content"]["data"]["text/plain"])

    def test_arch2vec_stop_on_error(self):
        """After a failing cell, queued executes are aborted, not run."""
        self.flush_channels()
        # The first cell fails only after 0.5 s, so the second is queued by then.
        first = self.kc.execute("%sleep 0.5\n%help no_such_command", stop_on_error=True)
        second = self.kc.execute("%echo must not run")
        r1 = self.reply_to(first)
        r2 = self.reply_to(second)
        self.assertEqual(r1["content"]["status"], "error")
        self.assertIn(r2["content"]["status"], ("aborted", "error"))
        outputs = self.collect(second)
        self.assertFalse([m for m in outputs if m["msg_type"] == "stream"])
        self.assert_alive()

    def test_arch2vec_kernel_info_on_control(self):
        """kernel_info_request is answered on the control channel too."""
        msg = self.kc.session.msg("kernel_info_request")
        self.kc.control_channel.send(msg)
        reply = self.kc.get_control_msg(timeout=10)
        validate_message(reply, "kernel_info_reply", msg["header"]["msg_id"])
        self.assertEqual(reply["content"]["language_info"]["name"], "arch2vec")

    def test_arch2vec_completion_types(self):
        """complete_reply carries _jupyter_types_experimental for JupyterLab."""
        msg_id = self.kc.complete("%sl")
        reply = self.reply_to(msg_id)
        validate_message(reply, "complete_reply", msg_id)
        self.assertEqual(reply["content"]["matches"], ["%sleep"])
        self.assertEqual(reply["content"]["cursor_start"], 0)
        self.assertEqual(reply["content"]["cursor_end"], 3)
        types = reply["content"]["metadata"]["_jupyter_types_experimental"]
        self.assertEqual(types[0]["text"], "%sleep")

    def test_arch2vec_error_traceback(self):
        """An error reply and its IOPub error carry a non-empty traceback."""
        self.flush_channels()
        reply, outputs = self.execute_helper("%echo --to nowhere x")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertTrue(reply["content"]["traceback"])
        self.assertEqual(outputs[0]["content"]["ename"], reply["content"]["ename"])

    def test_arch2vec_ipc_transport(self):
        """A second kernel on the ipc transport (Unix sockets) works too."""
        with tempfile.TemporaryDirectory() as d:
            km = KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=os.path.join(d, "k"))
            km.start_kernel()
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=30)
                texts = []
                reply = kc.execute_interactive(
                    "%echo over ipc", timeout=15,
                    output_hook=lambda m: texts.append(m["content"].get("text", "")))
                self.assertEqual(reply["content"]["status"], "ok")
                self.assertIn("over ipc\n", texts)
            finally:
                kc.stop_channels()
                km.shutdown_kernel()


if __name__ == "__main__":
    unittest.main()
