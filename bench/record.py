"""JSON-lines records: one header per session, then one line per measured pair."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
import uuid
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"

PACKAGES = [
    "jupyter-automl", "flaml", "lightgbm", "xgboost", "xgboost-cpu", "scikit-learn", "pandas",
    "numpy", "ipykernel", "jupyter_client", "ipywidgets", "h2o",
]  # fmt: skip


def load_average() -> list[float]:
    """Return the 1, 5 and 15 minute load averages, rounded."""
    return [round(value, 2) for value in os.getloadavg()]


def _package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parents[1]
    try:
        output = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return output.stdout.strip()


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            kib = int(meminfo.readline().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return round(kib / 2**20, 1)


def machine() -> dict[str, Any]:
    """Describe the machine and the software versions behind the figures."""
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "packages": {name: _package_version(name) for name in PACKAGES},
        "commit": _git_commit(),
    }


class ResultWriter:
    """Append records of one session to ``bench/results/<date>-<id>.jsonl``."""

    def __init__(self, results_dir: Path, command: list[str], options: dict[str, Any]) -> None:
        results_dir.mkdir(parents=True, exist_ok=True)
        self.session = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
        self.path = results_dir / f"{self.session}.jsonl"
        self.write(
            {
                "section": "session",
                "command": "python -m bench " + " ".join(command),
                "options": options,
                "machine": machine(),
                "argv": sys.argv,
            }
        )

    def write(self, record: dict[str, Any]) -> None:
        record = {"session": self.session, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **record}
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, default=_jsonable) + "\n")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    return str(value)


def read_records(results_dir: Path) -> list[dict[str, Any]]:
    """Read every record under ``results_dir``, oldest file first."""
    records = []
    for path in sorted(results_dir.glob("*.jsonl")):
        with open(path, encoding="utf-8") as lines:
            records.extend(json.loads(line) for line in lines if line.strip())
    return records
