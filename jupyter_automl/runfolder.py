"""The run folder: every finished trial, the summary and the model, written as they happen.

Layout of one run folder::

    trials.jsonl    one JSON object per finished trial, appended and flushed at once
    flaml.log       FLAML's own trial log (flaml-2.log, ... for each extend())
    summary.json    task, metric, scores and status; rewritten at start and end
    model.joblib    the fitted ``jupyter_automl.Model`` (only once the run has one)
    pipeline.py     standalone code that rebuilds the model (only once the run has one)
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import joblib

from .data.checks import Finding
from .errors import AutoMLError, AutoMLWarning, ConfigError
from .metrics import METRICS
from .result import Result
from .search.events import Trial

TRIALS_FILE = "trials.jsonl"
SUMMARY_FILE = "summary.json"
MODEL_FILE = "model.joblib"
FLAML_LOG_FILE = "flaml.log"
CODE_FILE = "pipeline.py"
DEFAULT_RUNS_DIR = "automl_runs"


def flaml_log_path(run_dir: Path, segment: int) -> Path:
    """Return FLAML's log file for the ``segment``-th search of a run, counting from 1.

    Each continuation gets its own file because FLAML truncates its log when a
    search starts, which would cut the file under the monitor reading it.
    """
    if segment <= 1:
        return run_dir / FLAML_LOG_FILE
    stem, suffix = FLAML_LOG_FILE.rsplit(".", 1)
    return run_dir / f"{stem}-{segment}.{suffix}"


def create_run_dir(base: str | os.PathLike[str] | None, target: Any) -> Path:
    """Create and return a new folder ``<base>/<date>-<time>-<target>`` (made unique)."""
    parent = Path(base) if base is not None else Path.cwd() / DEFAULT_RUNS_DIR
    if parent.exists() and not parent.is_dir():
        raise ConfigError(f"run_dir={str(parent)!r} is a file; pass a folder for the run folders")
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", str(target)).strip("-")[:40] or "target"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(1000):
        suffix = f"-{attempt}" if attempt else ""
        path = parent / f"{stamp}-{slug}{suffix}"
        try:
            path.mkdir(parents=True, exist_ok=False)
        except FileExistsError:
            continue
        except OSError as error:
            raise ConfigError(
                f"cannot create a run folder in {str(parent)!r}: {error.strerror}; "
                "pass run_dir= with a folder you can write to"
            ) from None
        return path
    raise AutoMLError(f"could not create a new run folder in {parent}")


class TrialWriter:
    """Append trials to ``trials.jsonl``, one line each, flushed before returning."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / TRIALS_FILE
        self._lock = threading.Lock()

    def append(self, trial: Trial) -> None:
        line = json.dumps(_json_safe(trial.to_dict()))
        with self._lock, open(self.path, "a", encoding="utf-8") as file:
            file.write(line + "\n")
            file.flush()


def write_summary(run_dir: Path, summary: dict[str, Any]) -> None:
    """Replace ``summary.json`` atomically, so a crash never leaves half a file."""
    temporary = run_dir / (SUMMARY_FILE + ".tmp")
    temporary.write_text(json.dumps(_json_safe(summary), indent=2), encoding="utf-8")
    os.replace(temporary, run_dir / SUMMARY_FILE)


def save_model(run_dir: Path, model: Any) -> Path:
    path = run_dir / MODEL_FILE
    temporary = run_dir / (MODEL_FILE + ".tmp")
    joblib.dump(model, temporary)
    os.replace(temporary, path)
    return path


def save_code(run_dir: Path, source: str) -> Path:
    """Write the generated training code to ``pipeline.py``, replacing it atomically."""
    path = run_dir / CODE_FILE
    temporary = run_dir / (CODE_FILE + ".tmp")
    temporary.write_text(source, encoding="utf-8")
    os.replace(temporary, path)
    return path


def read_trials(run_dir: Path) -> list[Trial]:
    """Read every complete line of ``trials.jsonl``; a torn last line is skipped."""
    path = Path(run_dir) / TRIALS_FILE
    if not path.exists():
        return []
    trials = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        for key in ("loss", "metric_value", "best_loss"):
            if record.get(key) is None:
                record[key] = math.inf  # written as null because JSON has no infinity
        trials.append(Trial(**record))
    return trials


def load_run(path: str | os.PathLike[str]) -> Result:
    """Reopen a run folder written by an earlier run, finished or not.

    A run that ended normally comes back with its model. A run cut short by a
    crash comes back with every trial that finished, ``model=None`` and
    ``status="incomplete"``.
    """
    run_dir = Path(path)
    summary_path = run_dir / SUMMARY_FILE
    if not summary_path.exists():
        raise FileNotFoundError(
            f"no {SUMMARY_FILE} in {run_dir}; is this a jupyter_automl run folder?"
        )
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise AutoMLError(
            f"{summary_path} is not valid JSON ({error}); the run folder is damaged"
        ) from None
    trials = read_trials(run_dir)
    model_path = run_dir / MODEL_FILE
    model = joblib.load(model_path) if model_path.exists() else None
    finished = summary.get("status") in ("done", "stopped") and model is not None
    if not finished:
        reason = summary.get("error") or "it ended before a model was saved"
        warnings.warn(
            f"the run in {run_dir} has no model ({reason}); its {len(trials)} finished "
            "trials are in .trials",
            AutoMLWarning,
            stacklevel=2,
        )
    best = min(trials, key=lambda trial: trial.loss, default=None)
    return Result(
        task=summary["task"],
        metric=METRICS[summary["metric"]],
        target=summary["target"],
        feature_names=summary.get("feature_names", []),
        model=model,
        holdout_score=summary.get("holdout_score", math.nan) if finished else math.nan,
        holdout_metrics=summary.get("holdout_metrics", {}) if finished else {},
        best_learner=summary.get("best_learner") or (best.learner if best else ""),
        best_config=summary.get("best_config") or (best.config if best else {}),
        best_loss=summary.get("best_loss", best.loss if best else math.nan),
        trials_list=trials,
        status=summary["status"] if finished else "incomplete",
        time_budget=summary.get("time_budget", math.nan),
        elapsed=summary.get("elapsed", trials[-1].wall_time if trials else 0.0),
        random_state=summary.get("random_state", 0),
        holdout_fraction=summary.get("holdout_fraction", math.nan),
        n_train=summary.get("n_train", 0),
        n_holdout=summary.get("n_holdout", 0),
        run_dir=run_dir,
        task_reason=summary.get("task_reason", ""),
        findings=[Finding(**finding) for finding in summary.get("findings", [])],
        data_name=summary.get("data_name"),
        deterministic=summary.get("deterministic", False),
        data_fingerprint=summary.get("data_fingerprint", ""),
        stratified=summary.get("stratified", True),
        finished_at=summary.get("finished_at", ""),
    )


def _json_safe(value: Any) -> Any:
    """Convert numpy scalars, NaN and infinity so ``json.dumps`` writes standard JSON."""
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
