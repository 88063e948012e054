"""Run ours and a rival AutoML back to back on one split, alternating which goes first."""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .contenders import Split, run_flaml, run_ours, shared_split
from .datasets import BenchSet
from .memory import peak_memory, reset_peak_memory
from .record import load_average

Contender = Callable[[Path], dict[str, Any]]


def measure(contender: Contender, work_dir: Path, memory: bool = False) -> dict[str, Any]:
    """Run one contender, recording the load before and after; a failure becomes a record.

    With ``memory``, also record the resident size before the call and its peak
    during the call, in bytes.
    """
    rss_before = reset_peak_memory() if memory else None
    load_before = load_average()
    try:
        figures = contender(work_dir)
    except Exception as error:  # one failed contender must not end the whole benchmark
        figures = {"error": f"{type(error).__name__}: {error}"}
        traceback.print_exc()
    if memory:
        figures.update(rss_before=rss_before, rss_peak=peak_memory())
    return {**figures, "load_before": load_before, "load_after": load_average()}


def ours_and_flaml(
    frame: pd.DataFrame,
    bench_set: BenchSet,
    seed: int,
    budget: float,
    holdout: float,
    extra: dict[str, Callable[[Split], dict[str, Any]]] | None = None,
    memory: bool = False,
) -> dict[str, Any]:
    """Measure ours and raw FLAML, then each ``extra`` contender, on the same split."""

    def flaml(split: Split, work_dir: Path) -> dict[str, Any]:
        return run_flaml(split, bench_set, seed, budget, work_dir / "flaml.log")

    return ours_and_rival(frame, bench_set, seed, budget, holdout, "flaml", flaml, extra, memory)


def ours_and_rival(
    frame: pd.DataFrame,
    bench_set: BenchSet,
    seed: int,
    budget: float,
    holdout: float,
    rival_name: str,
    rival: Callable[[Split, Path], dict[str, Any]],
    extra: dict[str, Callable[[Split], dict[str, Any]]] | None = None,
    memory: bool = False,
) -> dict[str, Any]:
    """Measure ours and ``rival``, then each ``extra`` contender, on the same split.

    ``rival`` gets the shared split and a fresh working folder. Ours goes first on
    even seeds and the rival on odd ones, so a load that rises or falls during a
    session weighs on both sides alike.
    """
    with tempfile.TemporaryDirectory(prefix="jupyter-automl-bench-") as tmp:
        work = Path(tmp)
        split = shared_split(frame, bench_set, seed, holdout, work / "split")
        contenders: dict[str, Contender] = {
            "ours": lambda d: run_ours(frame, bench_set, seed, budget, holdout, d),
            rival_name: lambda d: rival(split, d),
        }
        order = ["ours", rival_name] if seed % 2 == 0 else [rival_name, "ours"]
        record: dict[str, Any] = {"order": order, **_split_sizes(split)}
        for name in order:
            record[name] = measure(contenders[name], _fresh(work / name), memory)
        for name, fit in (extra or {}).items():
            record[name] = measure(lambda _d, fit=fit: fit(split), work)
        return record


def _split_sizes(split: Split) -> dict[str, int]:
    return {"n_train": len(split.X_train), "n_holdout": len(split.X_holdout)}


def _fresh(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
