"""Scale: time to first trial, trials per minute and peak memory as rows grow.

``run_scale`` measures ours and raw FLAML on the same frames: synthetic rows shaped
like adult (``adult-like``) and row samples of the real flights set.
``run_scale_parallel`` measures ours with trials one at a time and ours with
concurrent trials on Ray, on the adult-like frame.
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from .contenders import run_ours, warm_up
from .datasets import ALL_ROWS, SETS, BenchSet, sample_rows, synthetic_adult
from .memory import release_memory
from .pairs import ours_and_flaml, ours_and_rival
from .record import ResultWriter

ADULT_LIKE = "adult-like"
FLIGHTS = "flights"
# The frames of the scale section and the set whose target, task and metric they use.
SCALE_SETS = {ADULT_LIKE: "adult", FLIGHTS: "flights"}
# Each frame's records get their own section, because the report keeps the latest
# session per section. So a session that measures flights alone keeps the adult-like table.
RECORD_SECTIONS = {ADULT_LIKE: "scale", FLIGHTS: "scale_flights"}


def check_sample_sizes(counts: list[int | str], available: int, option: str) -> None:
    """Raise ValueError for a sample size above the ``available`` rows."""
    for count in counts:
        if count != ALL_ROWS and int(count) > available:
            raise ValueError(
                f"invalid {option} {count}: the set has {available:,} rows; "
                f"pass at most {available} or '{ALL_ROWS}'"
            )


def run_scale(writer: ResultWriter, options: Any) -> None:
    """Write one record per (frame, row count), ours and raw FLAML on the same frame."""
    flights = None
    if FLIGHTS in options.scale_data:
        # Loaded first, so that a bad --flights-rows fails before this section measures anything.
        flights = SETS[FLIGHTS].load()
        check_sample_sizes(options.flights_rows, len(flights), "--flights-rows")
    warm_up(synthetic_adult(1000), SETS["adult"].target)
    for data in options.scale_data:
        if data == ADULT_LIKE:
            for position, rows in enumerate(options.rows):
                _measure_scale(writer, options, data, position, synthetic_adult(rows), {})
                release_memory()
        else:
            assert flights is not None
            extra = {"full_rows": len(flights)}
            for position, count in enumerate(options.flights_rows):
                _measure_scale(writer, options, data, position, sample_rows(flights, count), extra)
                release_memory()


def _measure_scale(
    writer: ResultWriter,
    options: Any,
    data: str,
    position: int,
    frame: pd.DataFrame,
    extra: dict[str, Any],
) -> None:
    bench_set = SETS[SCALE_SETS[data]]
    frame_bytes = _frame_bytes(frame, data)
    record = ours_and_flaml(
        frame, bench_set, position, options.scale_budget, options.holdout, memory=True
    )
    writer.write(
        {
            "section": RECORD_SECTIONS[data],
            "dataset": data,
            "rows": len(frame),
            "frame_bytes": frame_bytes,
            "budget": options.scale_budget,
            **extra,
            **record,
        }
    )


def _frame_bytes(frame: pd.DataFrame, data: str) -> int:
    frame_bytes = int(frame.memory_usage(deep=True).sum())
    print(f"scale: {data} {len(frame):,} rows ({frame_bytes / 2**20:.0f} MiB)", flush=True)
    return frame_bytes


def run_scale_parallel(writer: ResultWriter, options: Any) -> None:
    """Write one record per row count: ours with one trial at a time and ours on Ray.

    The process connects to the cluster (``RAY_ADDRESS``, else a local one started
    on 127.0.0.1) once, before the first measurement, so no measured call pays for
    starting a cluster. Each search still starts its own Ray workers, and that is
    in its time to first trial. The connection is closed at the end, which also
    stops a local cluster.
    """
    import ray

    from jupyter_automl.search.parallel import ParallelOptions, connect

    bench_set = SETS["adult"]
    was_connected = ray.is_initialized()
    started = time.perf_counter()
    message = connect(ParallelOptions(options.concurrent_trials, "ray", None))
    cluster = {"message": message, "connect_seconds": time.perf_counter() - started}
    print(f"scale_parallel: {message} in {cluster['connect_seconds']:.1f} s", flush=True)
    try:
        warm_up(synthetic_adult(1000), bench_set.target)
        for position, rows in enumerate(options.parallel_rows):
            _measure_parallel(writer, options, bench_set, position, synthetic_adult(rows), cluster)
            release_memory()
    finally:
        if not was_connected:
            ray.shutdown()


def _measure_parallel(
    writer: ResultWriter,
    options: Any,
    bench_set: BenchSet,
    position: int,
    frame: pd.DataFrame,
    cluster: dict[str, Any],
) -> None:
    frame_bytes = _frame_bytes(frame, ADULT_LIKE)
    budget, holdout = options.scale_budget, options.holdout

    def on_ray(split: Any, work_dir: Any) -> dict[str, Any]:
        return run_ours(
            frame,
            bench_set,
            position,
            budget,
            holdout,
            work_dir,
            n_concurrent_trials=options.concurrent_trials,
        )

    record = ours_and_rival(frame, bench_set, position, budget, holdout, "ray", on_ray)
    writer.write(
        {
            "section": "scale_parallel",
            "dataset": ADULT_LIKE,
            "rows": len(frame),
            "frame_bytes": frame_bytes,
            "budget": budget,
            "concurrent_trials": options.concurrent_trials,
            "cluster": cluster,
            **record,
        }
    )
