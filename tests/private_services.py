"""Servers of a test's own, for tests that stop, restart or kill them: the shared test services keep
serving every other test meanwhile.

A private Redis or PostgreSQL starts in a second or two from Debian's binaries (the ones
`scripts/services install` puts here), listens on 127.0.0.1 on a free port below 32768 (Linux lends
32768-60999 to outgoing connections, so a server there can find its port taken), and is removed
when the test ends, even if it fails.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tests.helpers import free_port

SERVICE_USER = "cswjobs"  # PostgreSQL refuses to run as root (scripts/services makes this user)


def wait_until(predicate, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s")


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # No persistence: a restart comes back empty, as a Redis lost with its machine would.
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: _answers(self.port), "a private Redis")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@contextmanager
def private_redis():
    folder = Path(tempfile.mkdtemp(prefix="cswjobs-redis-"))
    redis = PrivateRedis(folder)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run scripts/services install")
    return found[-1]


class PrivatePostgres:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/cswjobs"

    def _as_service_user(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", SERVICE_USER, "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120, **kwargs)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, SERVICE_USER)
        self._as_service_user(_pg_bin("initdb"), "-D", str(self.folder / "pg"), "-U", "postgres", "--auth=trust",
                              "--encoding=UTF8", "--locale=C.UTF-8")
        self.start()
        self._as_service_user(_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                              "cswjobs")

    def start(self) -> None:
        self._as_service_user(
            _pg_bin("pg_ctl"), "-D", str(self.folder / "pg"), "-l", str(self.folder / "pg.log"), "-w", "-t", "60",
            "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off", "start")

    def stop(self) -> None:
        self._as_service_user(_pg_bin("pg_ctl"), "-D", str(self.folder / "pg"), "-m", "fast", "-w", "stop")


@contextmanager
def private_postgres():
    folder = Path(tempfile.mkdtemp(prefix="cswjobs-pg-"))
    postgres = PrivatePostgres(folder)
    postgres.init()
    try:
        yield postgres
    finally:
        try:
            postgres.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped by the test
        shutil.rmtree(folder, ignore_errors=True)
