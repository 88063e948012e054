"""Real data sets shipped inside the package, for the demo, examples and tests.

``adult`` is the UCI Adult (census income) data, 48,842 rows: the rows of
``adult.data`` and ``adult.test`` combined, "?" read as missing, and the trailing
"." of the test labels removed. Source: Becker, B. and Kohavi, R. (1996), Adult,
UCI Machine Learning Repository, https://doi.org/10.24432/C5XW20, licensed under
CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

ADULT_TARGET = "income"


def load_adult() -> pd.DataFrame:
    """Return the Adult census data: predict whether ``income`` is ``">50K"``.

    14 feature columns (6 numeric, 8 categorical), missing values in
    ``workclass``, ``occupation`` and ``native_country``.
    """
    source = resources.files(__name__) / "adult.csv.gz"
    with source.open("rb") as file:
        frame = pd.read_csv(file, compression="gzip")
    categorical = frame.select_dtypes(exclude="number").columns
    frame[categorical] = frame[categorical].astype("category")
    return frame
