"""Smoke runs of the benchmark harness: real but tiny searches, then the report."""

from __future__ import annotations

import math

import pytest

from bench.__main__ import main
from bench.record import read_records
from bench.report import budget_target, latest_sessions, relative_score, render

CONTENDERS = ("ours", "flaml", "zero_shot", "lightgbm")


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-results")
    argv = ["run", "--suite", "tiny", "--budget", "2", "--seeds", "1",
            "--sections", "quality,budget", "--honesty-budgets", "2",
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
