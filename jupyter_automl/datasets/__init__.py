"""Real data sets shipped inside the package, for the demo, examples and tests.

``adult`` is the UCI Adult (census income) data, 48,842 rows: the rows of
``adult.data`` and ``adult.test`` combined, "?" read as missing, and the trailing
"." of the test labels removed. Source: Becker, B. and Kohavi, R. (1996), Adult,
UCI Machine Learning Repository, https://doi.org/10.24432/C5XW20, licensed under
CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

ADULT_TARGET = "income"
# The bundled file, for code that loads it without importing this package.
ADULT_PATH = Path(str(resources.files(__name__) / "adult.csv.gz"))


def load_adult() -> pd.DataFrame:
    """Return the Adult census data: predict whether ``income`` is ``">50K"``.

    14 feature columns (6 numeric, 8 text), missing values in ``workclass``,
    ``occupation`` and ``native_country``. The frame is exactly
    ``pd.read_csv(ADULT_PATH)``.
    """
    return pd.read_csv(ADULT_PATH)
