"""Start and stop a Ray head on 127.0.0.1 for the tests, by process id.

    python tests/parallel/ray_head.py start STATE_DIR   # prints the exports to eval
    python tests/parallel/ray_head.py stop STATE_DIR

``start`` runs ``ray start --head`` with its temporary folder inside STATE_DIR, so
every process of the head has that folder on its command line. ``stop`` terminates
those processes and their children by pid. ``ray stop`` is not used because it
stops every Ray process of the machine, not only this head.

The head uses token authentication with a token file inside STATE_DIR. A process
that connects needs the variables printed by ``start`` before it imports Ray.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

LOOPBACK = "127.0.0.1"
STATE_FILE = "head.json"
START_TIMEOUT = 180
START_ATTEMPTS = 3


def client_environment(state_dir: Path) -> dict[str, str]:
    """Return the variables a process needs to connect to the head in ``state_dir``."""
    state = json.loads((state_dir / STATE_FILE).read_text())
    environment = {
        "RAY_ADDRESS": state["address"],
        "RAY_AUTH_MODE": "token" if state["token_path"] else "disabled",
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
        "RAY_USAGE_STATS_ENABLED": "0",
    }
    if state["token_path"]:
        environment["RAY_AUTH_TOKEN_PATH"] = state["token_path"]
    return environment


def start_head(state_dir: Path, num_cpus: int | None = None, token: bool = True) -> dict[str, str]:
    """Start a Ray head bound to 127.0.0.1 and return the client environment.

    With ``token`` the head requires Ray's token authentication. A process that
    imported Ray before the variables were set cannot use it, because Ray reads
    its authentication mode once.

    On a busy machine the raylet sometimes gives up waiting for Ray's agent
    processes to start, so a failed start is cleaned up and tried once more.
    """
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            return _start_once(state_dir, num_cpus, token)
        except RuntimeError:
            stop_head(state_dir)
            if attempt == START_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _start_once(state_dir: Path, num_cpus: int | None, token: bool) -> dict[str, str]:
    state_dir.mkdir(parents=True, exist_ok=True)
    token_path = state_dir / "auth_token"
    if token:
        token_path.write_text(secrets.token_hex(32))
        token_path.chmod(0o600)

    port = _free_port()
    temp_dir = state_dir / "ray"
    (state_dir / STATE_FILE).write_text(
        json.dumps(
            {
                "address": f"{LOOPBACK}:{port}",
                "token_path": str(token_path) if token else "",
                "temp_dir": str(temp_dir),
            }
        )
    )
    environment = {**os.environ, **client_environment(state_dir)}
    environment.pop("RAY_ADDRESS")

    # Fixed agent ports: with port 0 the raylet waits for the agents to report the
    # ports they chose, which is the step that timed out on a busy machine.
    command = [
        shutil.which("ray") or "ray",
        "start",
        "--head",
        f"--node-ip-address={LOOPBACK}",
        f"--port={port}",
        f"--dashboard-agent-grpc-port={_free_port()}",
        f"--dashboard-agent-listen-port={_free_port()}",
        f"--runtime-env-agent-port={_free_port()}",
        f"--metrics-export-port={_free_port()}",
        "--include-dashboard=false",
        "--disable-usage-stats",
        f"--temp-dir={temp_dir}",
    ]
    if num_cpus is not None:
        command.append(f"--num-cpus={num_cpus}")

    try:
        completed = subprocess.run(
            command, env=environment, capture_output=True, text=True, timeout=START_TIMEOUT
        )
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"ray start timed out after {START_TIMEOUT} s") from error
    if completed.returncode != 0:
        raise RuntimeError(f"ray start failed:\n{completed.stdout}\n{completed.stderr}")
    return client_environment(state_dir)


def head_processes(state_dir: Path) -> list[psutil.Process]:
    """Return the head's processes: those naming its temporary folder, and their children."""
    temp_dir = str(state_dir / "ray")
    found: dict[int, psutil.Process] = {}
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if temp_dir in cmdline:
            found[process.pid] = process
            for child in _children(process):
                found[child.pid] = child
    return list(found.values())


def stop_head(state_dir: Path) -> int:
    """Terminate the head's processes by pid; return how many there were."""
    processes = head_processes(state_dir)
    for process in processes:
        _signal(process, "terminate")
    _, alive = psutil.wait_procs(processes, timeout=15)
    for process in alive:
        _signal(process, "kill")
    psutil.wait_procs(alive, timeout=5)
    return len(processes)


def _children(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _signal(process: psutil.Process, action: str) -> None:
    with contextlib.suppress(psutil.NoSuchProcess):
        getattr(process, action)()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        print(__doc__, file=sys.stderr)
        return 2
    state_dir = Path(argv[2]).resolve()
    if argv[1] == "start":
        started = time.time()
        environment = start_head(state_dir)
        print(f"# Ray head on {environment['RAY_ADDRESS']} in {time.time() - started:.1f} s")
        for name, value in environment.items():
            print(f"export {name}={value}")
    else:
        print(f"# stopped {stop_head(state_dir)} Ray head processes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
