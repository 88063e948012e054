"""Shared fixtures. Subprocesses (kernels, fresh interpreters) import this checkout."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
)

import realdata  # noqa: E402


@pytest.fixture(scope="session")
def adult_df():
    return realdata.adult()


@pytest.fixture(scope="session")
def tips_df():
    return realdata.tips()


@pytest.fixture(scope="session")
def wine_df():
    return realdata.wine()


@pytest.fixture(scope="session")
def penguins_df():
    return realdata.penguins()


@pytest.fixture
def run_dir(tmp_path):
    return tmp_path / "runs"
