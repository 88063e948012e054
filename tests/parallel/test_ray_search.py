"""Searches with two concurrent trials on a real Ray head bound to 127.0.0.1."""

from __future__ import annotations

import ipaddress
import itertools
import math
import os
import threading
import time
from dataclasses import dataclass

import psutil
import pytest
from generated_code import run_generated_code

import jupyter_automl as ja
from jupyter_automl.panel import show_panel
from jupyter_automl.search.events import SearchFinished, SearchStarted, TrialFinished

pytestmark = pytest.mark.ray

# The run starts with FIRST_BUDGET seconds and is extended by EXTENSION while it runs.
FIRST_BUDGET = 40
EXTENSION = 20
TIME_BUDGET = FIRST_BUDGET + EXTENSION


class EventLog:
    """Record every event of a run with the time it arrived and whether the run had ended."""

    def __init__(self, run: ja.Run) -> None:
        self.run = run
        self.events: list[tuple[float, object, bool]] = []
        self.first_trial = threading.Event()

    def __call__(self, event: object) -> None:
        self.events.append((time.time(), event, self.run.done))
        if isinstance(event, TrialFinished):
            self.first_trial.set()

    def of_type(self, kind: type) -> list:
        return [event for _, event, _ in self.events if isinstance(event, kind)]


@dataclass
class Extension:
    """What happened when the running search was extended."""

    error: Exception | None = None
    elapsed: float = 0.0
    run_was_done: bool = True


@pytest.fixture(scope="module")
def finished_run(ray_cluster, adult_df, tmp_path_factory):
    """One search of 40 s extended by 20 s while trials run, watched by an event log and a panel."""
    run = ja.Run(
        adult_df,
        "income",
        time_budget=FIRST_BUDGET,
        n_concurrent_trials=2,
        ray_address=ray_cluster,
        run_dir=tmp_path_factory.mktemp("runs"),
    )
    log = EventLog(run)
    run.add_listener(log)
    panel = show_panel(run, "automl_result")
    status_widget = panel.progress_text
    panel_values: list[tuple[str, bool]] = []
    status_widget.observe(lambda change: panel_values.append((change["new"], run.done)), "value")
    run.start()
    listeners = ray_listeners()
    # Extend once trials arrive, or halfway through the first budget if none has yet.
    log.first_trial.wait(timeout=FIRST_BUDGET / 2)
    extension = Extension(elapsed=run.elapsed, run_was_done=run.done)
    try:
        run.extend(EXTENSION)
    except Exception as error:  # reported by test_extend_while_running
        extension.error = error
    result = run.wait(timeout=TIME_BUDGET + 120)
    # The panel redraws on its own thread every half second; let it draw the end.
    drawn_by = time.time() + 30
    while "data-status='done'" not in status_widget.value and time.time() < drawn_by:
        time.sleep(0.2)
    return run, result, log, panel_values, listeners, extension


def ray_listeners() -> list[tuple[str, int, str]]:
    """Return (address, port, process name) of every listening socket owned by Ray or this test."""
    owners = {os.getpid()}
    for process in psutil.process_iter(["name", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        name = process.info["name"] or ""
        if name.startswith(("ray::", "raylet", "gcs_server")) or "site-packages/ray/" in command:
            owners.add(process.pid)
    names = {}
    found = []
    for connection in psutil.net_connections(kind="inet"):
        if connection.status != psutil.CONN_LISTEN or connection.pid not in owners:
            continue
        if connection.pid not in names:
            names[connection.pid] = psutil.Process(connection.pid).name()
        found.append((connection.laddr.ip, connection.laddr.port, names[connection.pid]))
    return found


def is_loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def test_ray_listens_on_loopback_only(finished_run):
    listeners = finished_run[4]
    assert any(name == "gcs_server" for _, _, name in listeners), listeners
    outside = [listener for listener in listeners if not is_loopback(listener[0])]
    assert outside == []


def test_search_finishes_within_budget(finished_run):
    run, result, *_ = finished_run
    assert result.status == "done"
    assert result.model is not None
    assert result.holdout_score > 0.75
    # A generous bound: Ray's wrap-up and the final refit follow the search, and other
    # processes share the machine during tests. The precise figures are in bench/.
    assert result.elapsed < TIME_BUDGET + 20
    assert run.info()["n_concurrent_trials"] == 2
    assert "127.0.0.1" in run.info()["cluster_message"]


def test_trials_overlap_in_time(finished_run):
    run = finished_run[0]
    spans = run._search.trial_spans  # start and end of each trial in Ray Tune's control loop
    assert len(spans) >= 2
    overlapping = [
        (a, b) for a, b in itertools.combinations(spans, 2) if a[0] < b[1] and b[0] < a[1]
    ]
    assert overlapping, f"no two trials ran at the same time: {spans}"


def test_extend_while_running(finished_run):
    run, result, log, *_, extension = finished_run
    assert extension.error is None
    assert not extension.run_was_done
    assert extension.elapsed < FIRST_BUDGET
    assert result.time_budget == TIME_BUDGET
    assert run.time_budget == TIME_BUDGET
    # Trials went on past the first budget, so the new deadline reached Ray Tune.
    last_trial_at = max(event.trial.wall_time for event in log.of_type(TrialFinished))
    assert last_trial_at > FIRST_BUDGET


def test_trial_events_stream_while_running(finished_run):
    run, result, log, *_ = finished_run
    trials = log.of_type(TrialFinished)
    assert len(log.of_type(SearchStarted)) == 1
    assert isinstance(log.events[-1][1], SearchFinished)
    assert len(trials) == len(result.trials_list) >= 2
    assert [event.trial.index for event in trials] == list(range(len(trials)))
    during_search = [done for _, event, done in log.events if isinstance(event, TrialFinished)]
    assert not any(during_search), "a trial event arrived after the run had ended"
    # Events arrive as trials end, not in one burst when the search returns.
    arrival = [at for at, event, _ in log.events if isinstance(event, TrialFinished)]
    assert arrival[-1] - arrival[0] > 1.0
    assert result.best_loss == pytest.approx(min(event.trial.loss for event in trials))
    assert all(event.trial.learner for event in trials)


def test_panel_shows_trials_before_the_end(finished_run):
    panel_values = finished_run[3]
    live = [value for value, done in panel_values if not done and "best so far" in value]
    assert live, panel_values
    assert "data-status='done'" in panel_values[-1][0]


def test_saved_model_reproduces_predictions(finished_run, adult_df):
    result = finished_run[1]
    reopened = ja.load_run(result.run_dir)
    rows = adult_df.drop(columns="income").head(500)
    assert list(reopened.model.predict(rows)) == list(result.model.predict(rows))
    assert reopened.best_learner == result.best_learner
    assert reopened.best_config == result.best_config


def test_generated_code_reproduces_score(finished_run, adult_df, tmp_path):
    """The generated code, in a fresh interpreter without flaml, rebuilds the Ray run's model."""
    run, result, *_ = finished_run
    generated = run_generated_code(result, adult_df, tmp_path)
    assert generated.holdout_index == list(run.X_holdout_raw.index)
    expected = result.model.predict(run.X_holdout_raw)
    assert list(generated.predictions) == list(expected)
    assert math.isclose(generated.score, result.holdout_score, rel_tol=1e-9, abs_tol=1e-12)


def test_stop_cancels_trials_in_flight(ray_cluster, adult_df, run_dir):
    run = ja.Run(
        adult_df,
        "income",
        time_budget=120,
        n_concurrent_trials=2,
        ray_address=ray_cluster,
        run_dir=run_dir,
    )
    log = EventLog(run)
    run.add_listener(log)
    run.start()
    assert log.first_trial.wait(timeout=90), "no trial finished within 90 s"
    stop_requested_at = time.time()
    run.stop()
    result = run.wait(timeout=90)
    assert time.time() - stop_requested_at < 30
    assert result.status == "stopped"
    assert result.model is not None
    assert result.elapsed < 100
    assert len(log.of_type(TrialFinished)) == len(result.trials_list) >= 1
