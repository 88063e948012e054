"""Responsiveness: time to the first trial, and a trivial cell's latency during a search.

The latency is measured through a real Jupyter kernel driven by jupyter_client: the
search runs in the kernel (ours with the panel, raw FLAML on a plain thread) while
this process sends ``1 + 1`` cells and times each reply.
"""

from __future__ import annotations

import os
import queue
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from .contenders import warm_up
from .datasets import SETS, synthetic_adult
from .pairs import ours_and_flaml
from .record import ResultWriter, load_average

FIRST_TRIAL_ROWS = 50_000
# Seconds between two trivial cells, and the most a reply may take before the section fails.
PROBE_INTERVAL = 0.1
PROBE_TIMEOUT = 30.0
ROOT = Path(__file__).resolve().parents[1]


def run_first_trial(writer: ResultWriter, options: Any) -> None:
    """Write the seconds from the call to the first finished trial on 50,000 rows."""
    import flaml  # noqa: F401  imported before timing: the target excludes imports

    bench_set = SETS["adult"]
    frame = synthetic_adult(FIRST_TRIAL_ROWS)
    warm_up(frame, bench_set.target)
    for seed in range(options.seeds):
        print(f"first trial: {FIRST_TRIAL_ROWS:,} rows seed={seed}", flush=True)
        record = ours_and_flaml(frame, bench_set, seed, options.short_budget, options.holdout)
        writer.write(
            {
                "section": "first_trial",
                "dataset": f"adult-like {FIRST_TRIAL_ROWS:,} rows",
                "rows": FIRST_TRIAL_ROWS,
                "seed": seed,
                "budget": options.short_budget,
                **record,
            }
        )


# FLAML is imported here so that neither start cell pays for the import; the setup
# cell's own duration is recorded apart.
SETUP_CELL = """
import threading, tempfile
import flaml
import jupyter_automl as ja
from jupyter_automl.panel import show_panel
from bench.datasets import load_adult
frame = load_adult()
X, y = frame.drop(columns=["income"]), frame["income"]
run_dir = tempfile.mkdtemp(prefix="jupyter-automl-bench-")
"""

START_CELLS = {
    "ours": (
        "run = ja.start(frame, 'income', time_budget={budget}, metric='roc_auc', run_dir=run_dir)\n"
        "show_panel(run, 'result')\n"
        "searching = lambda: not run.done"
    ),
    "flaml": (
        "from flaml import AutoML\n"
        "automl = AutoML()\n"
        "thread = threading.Thread(target=automl.fit, daemon=True, kwargs=dict(\n"
        "    X_train=X, y_train=y, task='classification', metric='roc_auc',\n"
        "    time_budget={budget}, verbose=0))\n"
        "thread.start()\n"
        "searching = thread.is_alive"
    ),
}


def run_cell_latency(writer: ResultWriter, options: Any) -> None:
    """Write latency percentiles of a trivial cell: idle, during ours, during raw FLAML."""
    from jupyter_client.manager import KernelManager

    # Unix-domain sockets: the kernel opens no network port at all. With "ipc", ``ip`` is
    # the sockets' path prefix, so they go to a temporary folder, not the kernel's cwd.
    sockets = tempfile.TemporaryDirectory(prefix="jupyter-automl-kernel-")
    manager = KernelManager(
        kernel_name="python3", transport="ipc", ip=os.path.join(sockets.name, "kernel")
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    manager.start_kernel(env=env, cwd=str(ROOT))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        started = time.perf_counter()
        _execute(client, SETUP_CELL, timeout=300)
        record: dict[str, Any] = {
            "setup_seconds": time.perf_counter() - started,
            "idle": _probe_for(client, seconds=5.0),
        }
        for seed in range(options.seeds):
            order = ["ours", "flaml"] if seed % 2 == 0 else ["flaml", "ours"]
            for name in order:
                print(f"cell latency: during {name} seed={seed}", flush=True)
                record[f"{name}_{seed}"] = _latency_during(client, name, options.short_budget)
        writer.write(
            {
                "section": "cell_latency",
                "dataset": "adult",
                "budget": options.short_budget,
                "seeds": options.seeds,
                **record,
            }
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        sockets.cleanup()


def _latency_during(client: Any, name: str, budget: float) -> dict[str, Any]:
    load_before = load_average()
    started = time.perf_counter()
    _execute(client, START_CELLS[name].format(budget=budget), timeout=120)
    start_cell = time.perf_counter() - started
    latencies = []
    while True:
        seconds, still_searching = _probe(client)
        if not still_searching:
            break
        latencies.append(seconds)
        time.sleep(PROBE_INTERVAL)
    return {
        **_percentiles(latencies),
        "start_cell": start_cell,
        "load_before": load_before,
        "load_after": load_average(),
    }


def _probe_for(client: Any, seconds: float) -> dict[str, Any]:
    latencies = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        latencies.append(_probe(client, check="False")[0])
        time.sleep(PROBE_INTERVAL)
    return {**_percentiles(latencies), "load": load_average()}


def _probe(client: Any, check: str = "searching()") -> tuple[float, bool]:
    """Run a trivial cell; return its round trip in seconds and whether a search still runs."""
    started = time.perf_counter()
    reply = _execute(client, "1 + 1", timeout=PROBE_TIMEOUT, expressions={"searching": check})
    seconds = time.perf_counter() - started
    value = reply["content"]["user_expressions"]["searching"]
    return seconds, value.get("data", {}).get("text/plain") == "True"


def _execute(
    client: Any, code: str, timeout: float, expressions: dict[str, str] | None = None
) -> dict[str, Any]:
    msg_id = client.execute(code, store_history=False, user_expressions=expressions or {})
    deadline = time.perf_counter() + timeout
    while True:
        reply = client.get_shell_msg(timeout=max(deadline - time.perf_counter(), 0.01))
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    _drain(client)
    if reply["content"]["status"] != "ok":
        content = reply["content"]
        raise RuntimeError(f"kernel cell failed: {content.get('ename')}: {content.get('evalue')}")
    return reply


def _drain(client: Any) -> None:
    """Discard the kernel's output messages so its queue never fills."""
    while True:
        try:
            client.get_iopub_msg(timeout=0)
        except queue.Empty:
            return


def _percentiles(latencies: list[float]) -> dict[str, Any]:
    if not latencies:
        return {"n": 0}
    values = np.asarray(latencies)
    return {
        "n": int(values.size),
        "p50": float(np.percentile(values, 50)),
        "p95": float(np.percentile(values, 95)),
        "max": float(values.max()),
    }
