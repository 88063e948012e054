"""A real JupyterLab server on 127.0.0.1 and a headless Chromium, shared by the browser tests.

The server also serves Notebook 7 (``/notebooks/...``). It finds the insert-code
extension built from js/ through JUPYTER_PATH, and its kernels import this checkout
through PYTHONPATH (set by tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
LABEXTENSION = ROOT / "jupyter_automl" / "labextension"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60


class LabServer:
    """A running Jupyter server: its base URL and the folder it serves."""

    def __init__(self, url: str, root: Path) -> None:
        self.url = url
        self.root = root

    def write_notebook(self, name: str, cells: list[str]) -> str:
        """Write code ``cells`` to ``name`` and start its kernel, so the page opens idle."""
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(notebook, self.root / name)
        body = json.dumps(
            {"path": name, "type": "notebook", "name": name, "kernel": {"name": "python3"}}
        )
        request = urllib.request.Request(
            f"{self.url}/api/sessions", data=body.encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status in (200, 201)
        return name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_server(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.time() + SERVER_START_TIMEOUT
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"JupyterLab did not respond on {url} within {SERVER_START_TIMEOUT} s")


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    if not (LABEXTENSION / "package.json").exists():
        pytest.fail(
            f"the JupyterLab extension is not built in {LABEXTENSION}; run `npm install && npm run build` in js/"
        )
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    data = base / "data"
    root.mkdir()

    (data / "labextensions").mkdir(parents=True)
    shutil.copytree(LABEXTENSION, data / "labextensions" / "jupyter-automl")
    # Answer JupyterLab's "get notified about news" question with Never, so no toast covers the panel.
    labconfig = base / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    news = {
        "@jupyterlab/apputils-extension:notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        }
    }
    (labconfig / "default_setting_overrides.json").write_text(json.dumps(news))

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "JUPYTER_PATH": os.pathsep.join([str(data), os.environ.get("JUPYTER_PATH", "")]).rstrip(
            os.pathsep
        ),
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "OMP_WAIT_POLICY": "PASSIVE",
    }

    log = base / "server.log"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        "--IdentityProvider.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={root}", f"--LabApp.workspaces_dir={base / 'workspaces'}",
        "--ServerApp.disable_check_xsrf=True", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]  # fmt: skip

    with log.open("w") as log_file:
        process = subprocess.Popen(
            command, env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=root
        )
    try:
        _wait_for_server(url, process, log)
        yield LabServer(url, root)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser_context, request):
    page = browser_context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"failed-{request.node.name}.png", full_page=True)
    page.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
