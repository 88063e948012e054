"""Smoke runs of the benchmark harness: real but tiny searches, then the report."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bench.__main__ import IDEA_KEYS, build_parser, main
from bench.ideas import IDEA_RUNNERS, IDEAS, date_columns, dates_as_seconds
from bench.record import read_records
from bench.report import budget_target, latest_sessions, relative_score, render

CONTENDERS = ("ours", "flaml", "zero_shot", "lightgbm")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-results")
    argv = ["run", "--suite", "tiny", "--budget", "2", "--seeds", "1",
            "--sections", "quality,budget", "--honesty-budgets", "2",
            "--results-dir", str(folder)]  # fmt: skip
    assert main(argv) == 0
    return folder


@pytest.fixture(scope="module")
def scale_parity_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-scale-parity")
    argv = ["run", "--sections", "scale,parity", "--scale-data", "flights",
            "--flights-rows", "1000", "--scale-budget", "2", "--sets", "penguins",
            "--parity-learners", "lgbm", "--short-budget", "2",
            "--results-dir", str(folder)]  # fmt: skip
    assert main(argv) == 0
    return folder


def _section(results_dir, name):
    return [record for record in read_records(results_dir) if record["section"] == name]


def test_session_header_names_versions(results_dir):
    (header,) = _section(results_dir, "session")
    assert header["command"].startswith("python -m bench run --suite tiny")
    assert header["machine"]["packages"]["flaml"]
    assert header["machine"]["cpu_count"] >= 1


def test_quality_record_pairs_contenders(results_dir):
    (record,) = _section(results_dir, "quality")
    assert record["dataset"] == "penguins"
    assert record["order"] == ["ours", "flaml"]
    assert record["n_train"] + record["n_holdout"] == 344
    for name in CONTENDERS:
        figures = record[name]
        assert "error" not in figures, figures
        assert math.isfinite(figures["holdout"]), name
        assert 0 < figures["holdout"] < 1.2, (
            name
        )  # a uniform guess over 3 classes scores ln 3 = 1.10
        assert len(figures["load_before"]) == 3
    assert record["ours"]["trials"] >= 1
    assert record["flaml"]["trials"] >= 1
    assert record["ours"]["best_loss"] > 0


def test_budget_record_times_calls(results_dir):
    (record,) = _section(results_dir, "budget")
    assert record["budget"] == 2
    for name in ("ours", "flaml"):
        assert "error" not in record[name], record[name]
        assert 1.0 < record[name]["wall"] < 60.0  # sanity bound only; figures live in bench/


def test_report_shows_measured_ratio(results_dir):
    text = render(results_dir)
    (record,) = _section(results_dir, "quality")
    ratio = relative_score("log_loss", record["ours"]["holdout"], record["flaml"]["holdout"])
    assert "| penguins | log loss | 2 | 1 |" in text
    assert f"{ratio:.3f}" in text
    assert "### Quality at 2 s" in text
    assert "### Budget honesty" in text
    assert "Command: `python -m bench run --suite tiny" in text


@pytest.fixture(scope="module")
def ideas_dir(tmp_path_factory):
    """Two sessions, as the ideas are meant to be run: each idea on the sets it needs."""
    folder = tmp_path_factory.mktemp("ideas-results")
    common = ["--budget", "2", "--seeds", "1", "--sections", "ideas", "--results-dir", str(folder)]
    assert main(["run", "--sets", "penguins", "hotel_rates", "--ideas", "checks", *common]) == 0
    assert main(["run", "--sets", "penguins", "--ideas", "ensemble", *common]) == 0
    return folder


def _write_results(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))


def _idea_records(folder, idea, dataset):
    return [
        record
        for record in _section(folder, "ideas")
        if record["idea"] == idea and record["dataset"] == dataset
    ]


def test_ensemble_idea_runs_both(ideas_dir):
    (record,) = _idea_records(ideas_dir, "FLAML final ensemble", "penguins")
    assert record["order"] == ["off", "on"]
    for variant in ("off", "on"):
        figures = record[variant]
        assert "error" not in figures, figures
        assert math.isfinite(figures["holdout"]), variant
        assert figures["trials"] >= 1, variant
        assert figures["wall"] > 0, variant
    assert not record["off"]["final_model"].startswith("Stacking")


def test_checks_idea_skips_dateless_set(ideas_dir):
    (record,) = _idea_records(ideas_dir, "dates as one number, not split", "penguins")
    assert record["applies"] is False
    assert "on" not in record


def test_checks_idea_runs_on_dates(ideas_dir):
    (record,) = _idea_records(ideas_dir, "dates as one number, not split", "hotel_rates")
    assert record["applies"] is True
    assert record["columns"] == ["arrival_date"]
    for variant in ("off", "on"):
        assert "error" not in record[variant], record[variant]
        assert math.isfinite(record[variant]["holdout"]), variant


def test_ideas_report_keeps_both_sessions(ideas_dir):
    text = render(ideas_dir)
    assert "| FLAML final ensemble | penguins | 2 | 1 |" in text
    assert "| dates as one number, not split | hotel_rates | 2 | 1 |" in text
    assert "| **median of FLAML final ensemble** |  |  | 1 |" in text
    assert "| **median of dates as one number, not split** |  |  | 1 |" in text
    assert "- dates as one number, not split on penguins: no date column" in text
    assert "runs with `ensemble=True`" in text


def test_ideas_report_shows_wall_ratios(tmp_path):
    loads = {"load_before": [1.0, 1.0, 1.0], "load_after": [1.0, 1.0, 1.0]}
    records = [
        {"section": "ideas", "session": "s", "time": "2026-12-05T10:00:00+0000",
         "idea": "zero-shot starting points", "dataset": "credit-g", "metric": "roc_auc",
         "seed": seed, "budget": 30.0, "order": ["off", "on"],
         "off": {"holdout": 0.8, "wall": wall_off, "trials": 40, **loads},
         "on": {"holdout": 0.84, "wall": 29.0, "trials": 20, **loads}}
        for seed, wall_off in ((0, 27.0), (1, 33.0))
    ]  # fmt: skip
    _write_results(tmp_path / "ideas.jsonl", records)
    text = render(tmp_path)
    assert (
        "| zero-shot starting points | credit-g | 30 | 2 | 1.050 | 1.100 | 0.967 | 0.50 |" in text
    )
    assert "| **median of zero-shot starting points** |  |  | 2 | **1.050** |" in text
    assert "Not measured" not in text


def test_idea_keys_match_runners():
    assert tuple(IDEAS) == IDEA_KEYS
    assert tuple(IDEA_RUNNERS) == IDEA_KEYS


def test_dates_as_seconds_uses_wall_clock():
    wall_clock = pd.to_datetime(["1970-01-01 01:00", None, "1970-01-02 00:00"] * 4)
    frame = pd.DataFrame(
        {
            "when": wall_clock.tz_localize("Europe/Berlin"),
            "text": ["1970-01-01T00:00:10Z", "1970-01-01T00:01:00+01:00", None] * 4,
            "x": range(12),
            "y": [0, 1] * 6,
        }
    )
    dates = date_columns(frame, "y")
    assert dates == {"when": "Europe/Berlin", "text": None}
    numbers = dates_as_seconds(frame, dates)
    assert numbers["when"].tolist()[:3] == pytest.approx([3600.0, math.nan, 86400.0], nan_ok=True)
    assert numbers["text"].tolist()[:3] == pytest.approx([10.0, -3540.0, math.nan], nan_ok=True)
    assert numbers["x"].equals(frame["x"])


def test_later_idea_session_adds_rows():
    records = [
        {"section": "ideas", "session": "a", "budget": 30, "idea": "zero-shot starting points"},
        {"section": "ideas", "session": "b", "budget": 30, "idea": "FLAML final ensemble"},
    ]
    grouped = latest_sessions(records)
    assert [row["session"] for row in grouped["ideas"]] == ["a", "b"]


def test_scale_flights_record_sampled(scale_parity_dir):
    (record,) = _section(scale_parity_dir, "scale_flights")
    assert record["dataset"] == "flights"
    assert record["rows"] == 1000
    assert record["full_rows"] > 300_000
    assert record["n_train"] + record["n_holdout"] == 1000
    for name in ("ours", "flaml"):
        figures = record[name]
        assert "error" not in figures, figures
        assert figures["trials"] >= 1, name
        assert figures["first_trial"] > 0, name
        assert figures["rss_peak"] >= figures["rss_before"], name
    assert not _section(scale_parity_dir, "scale")  # adult-like was not selected


def test_parity_record_times_refit(scale_parity_dir):
    (record,) = _section(scale_parity_dir, "parity")
    assert record["dataset"] == "penguins"
    assert record["learner"] == "lgbm"
    assert record["reproduced"], record
    assert record["refit_seconds"] > 0
    assert record["fit_seconds"] > 0
    assert record["code_seconds"] > record["fit_seconds"]
    assert record["program_seconds"] > record["code_seconds"]


def test_report_shows_flights_and_refit(scale_parity_dir):
    text = render(scale_parity_dir)
    (parity,) = _section(scale_parity_dir, "parity")
    ratio = parity["program_seconds"] / parity["refit_seconds"]
    assert "### Scale (flights, random row samples of its " in text
    assert "| 1,000 | 0 |" in text
    assert "#### Generated code run time against the run's final refit" in text
    assert f"| penguins | lgbm | {parity['refit_seconds']:.3f} |" in text
    assert f"| **median of all pairs** |  |  |  |  | **{ratio:.1f}** |" in text


def test_flights_rows_above_set_rejected(tmp_path):
    argv = ["run", "--sections", "scale", "--scale-data", "flights",
            "--flights-rows", "10000", "400000", "--results-dir", str(tmp_path)]  # fmt: skip
    with pytest.raises(ValueError, match=r"invalid --flights-rows 400000: the set has"):
        main(argv)
    assert not _section(tmp_path, "scale_flights")


def test_default_scale_options_unchanged():
    options = build_parser().parse_args(["run"])
    assert options.scale_data == ["adult-like"]
    assert options.rows == [10_000, 100_000, 1_000_000]
    assert "scale" in options.sections
    assert "scale_parallel" not in options.sections


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_flights_rows_rejects_bad_count(value, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--flights-rows", value])
    assert f"invalid count {value!r}; pass a whole number of 1 or more, or 'all'" in (
        capsys.readouterr().err
    )


@pytest.mark.ray
@pytest.mark.skipif(not os.environ.get("RAY_ADDRESS"), reason="needs a Ray head at RAY_ADDRESS")
def test_scale_parallel_on_ray(tmp_path):
    # 15 s: on a busy 2-core machine the two Ray workers take 9 to 16 s to start.
    argv = ["run", "--sections", "scale_parallel", "--parallel-rows", "2000",
            "--scale-budget", "15", "--results-dir", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    (record,) = _section(tmp_path, "scale_parallel")
    assert record["rows"] == 2000
    assert record["concurrent_trials"] == 2
    # "connected to" on a first connection, "using" when an earlier test connected.
    assert "the Ray cluster at 127.0.0.1:" in record["cluster"]["message"]
    for name in ("ours", "ray"):
        assert "error" not in record[name], record[name]
        assert record[name]["trials"] >= 1, name
    assert "connect" not in record["ours"]
    assert record["ray"]["connect"] >= 0
    assert "### Scale with the Ray backend" in render(tmp_path)


def _parallel_record(rows, ours, ray):
    loads = {"load_before": [1.0, 1.0, 1.0], "load_after": [1.5, 1.0, 1.0]}
    return {
        "section": "scale_parallel",
        "session": "20261205-110000-abcdef",
        "time": "2026-12-05T11:00:00+0000",
        "dataset": "adult-like",
        "rows": rows,
        "frame_bytes": 2**20 * rows // 10_000,
        "budget": 30.0,
        "concurrent_trials": 2,
        "cluster": {"message": "connected to the Ray cluster at 127.0.0.1:6379 (1 node, 2 CPUs)",
                    "connect_seconds": 3.4},
        "order": ["ours", "ray"],
        "ours": {**ours, **loads},
        "ray": {**ray, **loads},
    }  # fmt: skip


def test_scale_parallel_report_shows_ratios(tmp_path):
    records = [
        {"section": "session", "session": "20261205-110000-abcdef", "command": "python -m bench run --sections scale_parallel"},
        _parallel_record(100_000, {"first_trial": 0.5, "trials": 31, "wall": 30.5, "holdout": 0.91},
                         {"first_trial": 12.5, "trials": 16, "wall": 32.5, "holdout": 0.9, "connect": 0.01}),
        _parallel_record(1_000_000, {"first_trial": 2.0, "trials": 10, "wall": 30.0, "holdout": 0.92},
                         {"error": "BudgetError: no model finished training"}),
    ]  # fmt: skip
    (tmp_path / "parallel.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    text = render(tmp_path)
    assert "### Scale with the Ray backend (synthetic rows shaped like adult)" in text
    assert "connected to Ray in 3.4 s: connected to the Ray cluster at 127.0.0.1:6379" in text
    assert ("| 100,000 | 10 | 0.50 | 60.98 | 60.00 | 0.91 | 12.50 | 29.54 | 45.00 | 0.90 "
            "| 25.00 | 0.48 |") in text  # fmt: skip
    assert (
        "| 1,000,000 | 100 | 2.00 | 20.00 | 19.29 | 0.92 | n/a | n/a | n/a | n/a | n/a | n/a |"
        in text
    )
    assert "- adult-like seed  budget 30.0: ray: BudgetError: no model finished training" in text


def test_relative_score_above_one_when_better():
    assert relative_score("roc_auc", 0.9, 0.8) == pytest.approx(1.125)
    assert relative_score("rmse", 10.0, 20.0) == pytest.approx(2.0)
    assert relative_score("log_loss", 0.4, 0.2) == pytest.approx(0.5)


def test_budget_target_adds_slack_for_tiny():
    assert budget_target(5) == pytest.approx(6.25)
    assert budget_target(10) == pytest.approx(11.5)
    assert budget_target(30) == pytest.approx(31.5)


def test_latest_session_replaces_older():
    records = [
        {"section": "quality", "session": "a", "dataset": "adult"},
        {"section": "budget", "session": "a", "budget": 5},
        {"section": "quality", "session": "b", "dataset": "credit-g"},
    ]
    grouped = latest_sessions(records)
    assert [row["dataset"] for row in grouped["quality"]] == ["credit-g"]
    assert [row["budget"] for row in grouped["budget"]] == [5]


def test_later_budget_adds_rows():
    records = [
        {"section": "quality", "session": "a", "budget": 30, "dataset": "adult"},
        {"section": "quality", "session": "b", "budget": 120, "dataset": "adult"},
    ]
    grouped = latest_sessions(records)
    assert [row["budget"] for row in grouped["quality"]] == [30, 120]


def test_empty_results_explain_next_step(tmp_path):
    assert "run `python -m bench run` first" in render(tmp_path)


@pytest.mark.kernel
def test_cell_latency_through_kernel(tmp_path):
    argv = ["run", "--sections", "cell_latency", "--seeds", "1", "--short-budget", "3",
            "--results-dir", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    (record,) = _section(tmp_path, "cell_latency")
    assert record["idle"]["n"] > 10
    for name in ("ours_0", "flaml_0"):
        assert record[name]["n"] >= 1, record[name]
        assert 0 < record[name]["p50"] <= record[name]["p95"] <= record[name]["max"]
    assert "### Latency of a trivial cell" in render(tmp_path)


def _peers_record(dataset, metric, ours, h2o):
    loads = {"load_before": [1.0, 1.0, 1.0], "load_after": [1.2, 1.0, 1.0]}
    return {
        "section": "peers",
        "session": "20261205-100000-abcdef",
        "time": "2026-12-05T10:00:00+0000",
        "dataset": dataset,
        "metric": metric,
        "seed": 0,
        "budget": 30.0,
        "h2o_cluster": {
            "h2o_version": "3.46.0.12",
            "listening": ["127.0.0.1:54321"],
            "nthreads": 2,
            "max_memory_gib": 4.0,
            "start_seconds": 6.5,
        },
        "ours": {**ours, **loads},
        "h2o": {**h2o, **loads},
    }


def test_peers_report_shows_ratios(tmp_path):
    records = [
        {"section": "session", "session": "20261205-100000-abcdef", "command": "python -m bench run --sections peers"},
        _peers_record("credit-g", "roc_auc", {"holdout": 0.8, "wall": 30.3}, {"holdout": 0.64, "wall": 33.0, "models": 12}),
        _peers_record("penguins", "log_loss", {"holdout": 0.05, "wall": 29.7}, {"holdout": 0.1, "wall": 31.5, "models": 20}),
        _peers_record("ames", "rmse", {"holdout": 25000.0, "wall": 30.0}, {"error": "H2OServerError: heap full"}),
    ]  # fmt: skip
    _write_results(tmp_path / "peers.jsonl", records)
    text = render(tmp_path)
    assert "### Peers at 30 s: ours vs H2O AutoML" in text
    assert "| credit-g | ROC AUC | 30 | 1 | 0.8000 | 0.6400 | 1.250 | 1.01 | 1.10 | 12 |" in text
    assert "| penguins | log loss | 30 | 1 | 0.0500 | 0.1000 | 2.000 | 0.99 | 1.05 | 20 |" in text
    assert "| ames | RMSE | 30 | 1 | 25000.0000 | n/a | n/a | 1.00 | n/a | n/a |" in text
    assert "| **median of all pairs** |  |  | 2 |  |  | **1.625** |" in text
    assert "- ames seed 0 budget 30.0: h2o: H2OServerError: heap full" in text
    assert "listening on 127.0.0.1:54321 with 2 threads" in text
    assert "Command: `python -m bench run --sections peers`" in text


def test_peers_rejects_fractional_budget(tmp_path):
    argv = ["run", "--sections", "peers", "--budget", "2.5", "--results-dir", str(tmp_path)]
    with pytest.raises(ValueError, match=r"invalid --budget 2\.5 for the peers section"):
        main(argv)


def test_default_sections_skip_peers():
    options = build_parser().parse_args(["run"])
    assert "peers" not in options.sections
    assert "scale_parallel" not in options.sections
    assert "quality" in options.sections


def test_bench_imports_without_h2o():
    # A finder that rejects h2o imports simulates an environment without the peers extra.
    program = (
        "import sys\n"
        "class NoH2O:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'h2o':\n"
        "            raise ImportError('h2o is not installed')\n"
        "sys.meta_path.insert(0, NoH2O())\n"
        "import bench.__main__, bench.peers, bench.report\n"
        "bench.__main__._section_runners()\n"
        "try:\n"
        "    bench.peers._import_h2o()\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "pip install 'jupyter-automl[peers]'" in done.stdout
