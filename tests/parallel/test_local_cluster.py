"""Without an address, a local Ray cluster starts in the process, on 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import psutil
import pytest

pytestmark = pytest.mark.ray

# Runs in a fresh interpreter, so that Ray is neither imported nor connected yet and
# jupyter_automl's import sets Ray's loopback-only default itself.
SCRIPT = textwrap.dedent(
    """
    import json, os
    import psutil
    import jupyter_automl
    from jupyter_automl.search.parallel import ParallelOptions, connect

    message = connect(ParallelOptions(2, "ray", None))
    import ray

    children = psutil.Process().children(recursive=True)
    family = {os.getpid(), *(child.pid for child in children)}
    listeners = [
        connection.laddr.ip
        for connection in psutil.net_connections(kind="inet")
        if connection.status == psutil.CONN_LISTEN and connection.pid in family
    ]
    print(json.dumps({
        "message": message,
        "node_ip": ray.util.get_node_ip_address(),
        "listeners": listeners,
        "children": [child.pid for child in children],
    }))
    ray.shutdown()
    """
)


def test_local_cluster_binds_loopback_only():
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("RAY_ADDRESS", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER")
    }
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["message"].startswith("started a local Ray cluster on 127.0.0.1")
    assert report["node_ip"] == "127.0.0.1"
    assert report["listeners"], "the local cluster opened no listening socket"
    outside = [
        address
        for address in report["listeners"]
        if address not in ("127.0.0.1", "::ffff:127.0.0.1", "::1")
    ]
    assert outside == []
    assert report["children"], "no Ray process was started"
    _, alive = psutil.wait_procs(
        [psutil.Process(pid) for pid in report["children"] if psutil.pid_exists(pid)],
        timeout=20,
    )
    assert [process.pid for process in alive] == []
