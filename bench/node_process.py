"""`odyssey serve` in a child process on 127.0.0.1, started and waited for in one way.

The benchmarks (`bench/*.py`) and the tests (`tests/live_node.py`, the controller's live node)
all need "start the node, wait until `/health` answers, stop it, show its log when it failed to
start"; this is the one copy. bench/ is a module root of its own (scripts run as
`python bench/x.py`), and pytest puts it on `sys.path` (`pythonpath` in pyproject.toml), so both
import it as `node_process`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pinned(cpu: int | None, command: list[str]) -> list[str]:
    """`command` run on one CPU (taskset), where the machine has more than one."""
    taskset = shutil.which("taskset")
    if cpu is None or not taskset or (os.cpu_count() or 1) < 2:
        return command
    return [taskset, "-c", str(cpu), *command]


class NodeStartError(RuntimeError):
    """The node exited or did not answer `/health` in time; the message ends with its log."""


class NodeProcess:
    """One node: its settings come from `ODYSSEY_*` variables over the caller's environment.

    `database_url=None` leaves the node its default (SQLite in `data_dir`) even when the
    caller's environment names another database. `log_path=None` lets the node write to the
    caller's stdout and stderr; otherwise its output is appended to that file.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        database_url: str | None = None,
        env: Mapping[str, str] | None = None,
        log_path: Path | None = None,
        log_level: str = "warning",
        cpu: int | None = None,
        nice: int = 0,
        port: int | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.extra_env = dict(env or {})
        self.log_path = log_path
        self.log_level = log_level
        self.cpu = cpu
        self.nice = nice
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/posbus"

    @property
    def pid(self) -> int:
        assert self.process is not None, "the node was not started"
        return self.process.pid

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("ODYSSEY_DATABASE_URL", None)
        env.update(
            ODYSSEY_DATA_DIR=str(self.data_dir),
            ODYSSEY_HOST="127.0.0.1",
            ODYSSEY_PORT=str(self.port),
            ODYSSEY_PUBLIC_URL=self.url,
            ODYSSEY_LOG_LEVEL=self.log_level,
        )
        if self.database_url is not None:
            env["ODYSSEY_DATABASE_URL"] = self.database_url
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60.0) -> Self:
        """Start `odyssey serve` and return once `/health` answers 200."""
        command = pinned(self.cpu, [sys.executable, "-m", "odyssey.cli", "serve"])
        if self.log_path is None:
            self.process = subprocess.Popen(command, env=self.environment())
        else:
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    command, env=self.environment(), stdout=log, stderr=subprocess.STDOUT
                )
        if self.nice:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, self.nice)
        try:
            self.wait_until_healthy(timeout)
        except NodeStartError:
            self.stop()
            raise
        return self

    def wait_until_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise NodeStartError(f"odyssey serve exited:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise NodeStartError(
            f"odyssey serve did not answer /health in {timeout:g}s:\n{self.log_tail()}"
        )

    def log_tail(self, characters: int = 3000) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(the node's output went to this process's stdout)"
        return self.log_path.read_text(errors="replace")[-characters:]

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, so the node shuts down cleanly; SIGKILL if it does not in `timeout`."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run, like a crash or the OOM killer."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def cli(self, *args: str, timeout: float = 60.0) -> str:
        """Run an `odyssey` command on this node's settings and storage; its output, or raise."""
        done = subprocess.run(
            [sys.executable, "-m", "odyssey.cli", *args],
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"odyssey {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout

    def __enter__(self) -> Self:
        return self.start() if self.process is None else self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
