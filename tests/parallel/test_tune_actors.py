"""Ray Tune keeps a slowly starting second actor instead of running every trial on the first.

A real Ray Tune run on the test head, with the same settings as FLAML's parallel
search (two concurrent trials, one CPU each, ``reuse_actors``), and trials much
shorter than an actor's start. The first actor starts at once and every later actor
takes START_DELAY seconds, as a new worker does while it imports FLAML on a busy
machine.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import ray
from ray import tune

from jupyter_automl.search.ray_tune_hooks import keep_starting_actors

pytestmark = pytest.mark.ray

START_DELAY = 3.0
TRIAL_SECONDS = 0.1
# Seconds after which the run ends if the second actor never runs a trial.
MAX_SECONDS = 60.0


def run_short_trials(folder: Path) -> set[int]:
    """Run short trials until two workers have run one, or for MAX_SECONDS; return their pids."""
    marker = folder / "first-actor"
    pids: set[int] = set()
    started = time.time()

    # Defined here so that Ray pickles the classes by value: the workers cannot
    # import this test module.
    class SlowStartTrainable(tune.Trainable):
        def setup(self, config):
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                time.sleep(START_DELAY)

        def step(self):
            time.sleep(TRIAL_SECONDS)
            return {"pid": os.getpid(), "done": True}

        def reset_config(self, new_config):
            return True

    class PidCollector(tune.Callback):
        def on_trial_complete(self, iteration, trials, trial, **info):
            pids.add(trial.last_result["pid"])

    class BothActorsRan(tune.Stopper):
        def __call__(self, trial_id, result):
            return False

        def stop_all(self):
            return len(pids) >= 2 or time.time() - started > MAX_SECONDS

    with keep_starting_actors():
        tune.run(
            SlowStartTrainable,
            num_samples=100_000,
            max_concurrent_trials=2,
            resources_per_trial={"cpu": 1},
            reuse_actors=True,
            callbacks=[PidCollector()],
            stop=BothActorsRan(),
            storage_path=str(folder / "ray_tune"),
            verbose=0,
        )
    return pids


def test_second_actor_runs_trials(ray_cluster, tmp_path):
    if not ray.is_initialized():
        ray.init(address=ray_cluster, log_to_driver=False)
    pids = run_short_trials(tmp_path)
    assert len(pids) == 2, f"all trials ran on one worker: {pids}"
