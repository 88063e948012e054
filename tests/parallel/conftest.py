"""A Ray head on 127.0.0.1 for the parallel tests: the one at RAY_ADDRESS, or a new one."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
import ray_head


@pytest.fixture(scope="session")
def ray_cluster():
    """Yield the address of a Ray head; a head this fixture started is stopped by pid after."""
    if os.environ.get("RAY_ADDRESS"):
        yield os.environ["RAY_ADDRESS"]
        _disconnect()
        return
    # A short folder under /tmp: Ray's Unix socket paths must stay under 108 bytes.
    state_dir = Path(tempfile.mkdtemp(prefix="ja-ray-", dir="/tmp"))
    # Without a token: this process has imported Ray already (FLAML imports it), and
    # Ray reads its authentication mode only once.
    environment = ray_head.start_head(state_dir, token=False)
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        yield environment["RAY_ADDRESS"]
    finally:
        _disconnect()
        ray_head.stop_head(state_dir)
        shutil.rmtree(state_dir, ignore_errors=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _disconnect() -> None:
    import ray

    if ray.is_initialized():
        ray.shutdown()
