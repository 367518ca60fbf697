"""A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (test helper).

Chromium started with --remote-debugging-pipe reads CDP commands from file descriptor 3 and
writes responses and events to descriptor 4; each message is one JSON object followed by a NUL
byte. That is the whole transport, so no websocket library is needed. Every wait takes a
deadline, so a test using this can never hang.
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
)


def find_chromium() -> str | None:
    """UXCLI_CHROMIUM, else Debian's /usr/bin/chromium, else chromium / chromium-browser on PATH."""
    candidates = [
        os.environ.get("UXCLI_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


class CDPError(RuntimeError):
    pass


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self, what: str) -> float:
        left = self.left()
        if left <= 0:
            raise TimeoutError(f"timed out waiting for {what}")
        return left


class Browser:
    """Headless Chromium driven over the CDP pipe; use as a context manager."""

    def __init__(
        self, executable: str, user_data_dir: Path, deadline: Deadline, extra_args: Sequence[str] = ()
    ) -> None:
        self.deadline = deadline
        to_chrome_read, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_write = os.pipe()

        def wire_fds() -> None:  # in the child, before exec: its fd 3 reads, fd 4 writes
            read_copy = fcntl.fcntl(to_chrome_read, fcntl.F_DUPFD, 10)
            write_copy = fcntl.fcntl(from_chrome_write, fcntl.F_DUPFD, 10)
            os.dup2(read_copy, 3)
            os.dup2(write_copy, 4)

        args = [
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={user_data_dir}",
            "--remote-debugging-pipe",
            *extra_args,
            "about:blank",
        ]
        self.stderr_path = user_data_dir / "chromium-stderr.txt"
        self._stderr = open(self.stderr_path, "wb")  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
            args,
            stdin=subprocess.DEVNULL,
            stdout=self._stderr,
            stderr=self._stderr,
            close_fds=False,
            preexec_fn=wire_fds,
            start_new_session=True,
        )
        os.close(to_chrome_read)
        os.close(from_chrome_write)
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    # -- transport
    def _read_loop(self) -> None:
        buffer = b""
        try:
            while True:
                chunk = os.read(self._from_chrome, 1 << 16)
                if not chunk:
                    break
                buffer += chunk
                while b"\0" in buffer:
                    raw, buffer = buffer.split(b"\0", 1)
                    self._messages.put(json.loads(raw))
        except OSError:
            pass
        finally:
            self._messages.put(None)

    def _next_message(self, what: str) -> dict[str, Any]:
        try:
            message = self._messages.get(timeout=self.deadline.check(what))
        except queue.Empty:
            raise TimeoutError(f"timed out waiting for {what}") from None
        if message is None:
            tail = self.stderr_path.read_text(errors="replace")[-2000:]
            raise CDPError(f"Chromium closed the DevTools pipe while waiting for {what}:\n{tail}")
        if "method" in message:
            self.events.append(message)
        return message

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and return its result (events arriving meanwhile are recorded)."""
        self._next_id += 1
        command: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        os.write(self._to_chrome, json.dumps(command).encode() + b"\0")
        while True:
            message = self._next_message(method)
            if message.get("id") == command["id"]:
                if "error" in message:
                    raise CDPError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for_event(
        self, method: str, session: str | None = None, predicate: Callable[[dict[str, Any]], bool] = lambda _e: True
    ) -> dict[str, Any]:
        """The first recorded or future event `method` (of `session`) matching predicate."""
        seen = 0
        while True:
            for event in self.events[seen:]:
                if (
                    event["method"] == method
                    and (session is None or event.get("sessionId") == session)
                    and predicate(event)
                ):
                    return event
            seen = len(self.events)
            self._next_message(method)

    def drain(self, seconds: float) -> None:
        """Record events for a short while (late console messages, stray requests)."""
        end = min(time.monotonic() + seconds, self.deadline.end)
        while (left := end - time.monotonic()) > 0:
            try:
                message = self._messages.get(timeout=left)
            except queue.Empty:
                return
            if message is None:
                return
            if "method" in message:
                self.events.append(message)

    def session_events(self, session: str, *methods: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("sessionId") == session and e["method"] in methods]

    # -- page helpers
    def open_page(self) -> str:
        """A new page target, attached in flat mode; returns its session id."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        return self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, session
        )
        if "exceptionDetails" in result:
            raise CDPError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    # -- lifetime
    def close(self) -> None:
        try:
            if self.process.poll() is None:
                try:
                    command = {"id": 0, "method": "Browser.close", "params": {}}
                    os.write(self._to_chrome, json.dumps(command).encode() + b"\0")
                    self.process.wait(timeout=5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            if self.process.poll() is None:
                os.killpg(self.process.pid, 9)  # our own session: only the Chromium we started
                self.process.wait(timeout=5)
        finally:
            self._reader.join(timeout=2)  # EOF once Chromium is gone
            for fd in (self._to_chrome, self._from_chrome):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self._stderr.close()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
