"""scripts/services starts only what is not running, never stops or borrows a server it did not start, and
keeps the dev profile durable and only the test profile fast. The shared test servers are only looked
at here (start on a running profile changes nothing); a foreign server is played by a socket of this
test's own, on the ports of a scratch profile."""
from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "scripts" / "services"


def server_pids() -> dict[str, str]:
    test = ROOT / ".services" / "test"
    redis = subprocess.run(["redis-cli", "-p", "26379", "info", "server"], capture_output=True, text=True).stdout
    return {"postgresql": (test / "pg" / "postmaster.pid").read_text().split()[0],
            "redis": next(line.split(":")[1].strip() for line in redis.splitlines() if line.startswith("process_id")),
            "elasticsearch": (test / "es" / "pid").read_text().strip()}


def test_starting_the_running_test_profile_changes_nothing():
    before = server_pids()
    started = subprocess.run([str(SERVICES), "start", "test"], capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    assert "PostgreSQL on 127.0.0.1:25432" in started.stdout
    assert server_pids() == before  # nothing restarted


def free_ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def foreign_server():
    """Something this script did not start, listening where the scratch profile wants its Redis."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    pg, redis, es, transport = free_ports(4)
    listener.bind(("127.0.0.1", redis))
    listener.listen()
    yield f"{pg},{redis},{es},{transport}", listener
    listener.close()


def test_a_port_held_by_a_server_it_did_not_start_is_refused_and_left_alone(foreign_server, tmp_path):
    ports, listener = foreign_server
    pg, redis, es, _ = (int(p) for p in ports.split(","))
    environ = {**os.environ, "CSWJOBS_SCRATCH_PORTS": ports, "CSWJOBS_SERVICES_DIR": str(tmp_path)}
    started = subprocess.run([str(SERVICES), "start", "scratch"], capture_output=True, text=True, env=environ,
                             timeout=60)
    assert started.returncode == 1
    assert f"port {redis} is taken by a Redis (or other server) this script did not start" in started.stderr
    assert port_free(pg) and port_free(es)  # refused before starting anything
    stopped = subprocess.run([str(SERVICES), "stop", "scratch"], capture_output=True, text=True, env=environ,
                             timeout=60)
    assert stopped.returncode == 0
    with socket.create_connection(("127.0.0.1", redis), timeout=2):  # still there: never stopped
        pass


def test_only_the_test_profile_trades_durability_for_speed():
    script = SERVICES.read_text()
    fast = '[ "$PROFILE" = test ] && fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"'
    assert fast in script and script.count("fsync=off") == 1
    assert '[ "$PROFILE" = test ] && persistence=(--save "" --appendonly no)' in script
    running = subprocess.run(["redis-cli", "-p", "26379", "config", "get", "appendonly"], capture_output=True,
                             text=True).stdout.split()
    assert running[-1] == "no"  # the running test Redis keeps nothing; dev's would (append-only file)


def test_installing_is_its_own_step_and_stops_nothing():
    script = SERVICES.read_text()
    start = script[script.index("start() {"):script.index("stop() {")]
    assert "install" not in start.replace("check_installed", "")
    install = script[script.index("install() {"):script.index("check_installed() {")]
    for stopping in ("pg_ctlcluster", "redis-server stop", "systemctl", "service "):
        assert stopping not in install
    assert "policy-rc.d" in install  # Debian's packages are kept from starting their own servers
